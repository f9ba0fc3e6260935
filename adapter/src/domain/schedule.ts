import { addDays, type CivilDate, formatCivilDate, minutesOfClock, wallTimeAt } from './wallClock';

// Schedule profiles raise the replica floor during known busy windows (business hours, batch nights),
// read on the wall clock of each profile's own time zone.

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A schedule profile, as in the policy config (`schedules[]`). */
export interface ScheduleProfile {
  readonly name: string;
  /** IANA time zone the days, times and holidays are read in. */
  readonly timeZone: string;
  /** Days on which the window starts. */
  readonly days: readonly Weekday[];
  /** Window start, HH:MM local, inclusive. */
  readonly from: string;
  /**
   * Window end, HH:MM local, exclusive. Earlier than `from`: the window wraps past midnight into the next
   * day; equal to `from`: the whole day.
   */
  readonly to: string;
  readonly minReplicas: number;
}

export interface ScheduleFloor {
  /** The highest minReplicas among active profiles; 0 when none is active. */
  readonly floor: number;
  /** The profile that set the floor (the first listed on a tie), or null. */
  readonly profile: string | null;
  /** Every profile active at the instant. */
  readonly active: readonly string[];
  /** Profiles whose window is open but whose start date is a holiday. */
  readonly skippedForHoliday: readonly string[];
}

/**
 * The floor schedule profiles set at instant `at`. A window belongs to the local date it starts on, in
 * its profile's zone: it is skipped when that date is in `holidays` (YYYY-MM-DD), and a window wrapping
 * midnight runs into the next day even when that day is not listed in `days`. Across a daylight-saving
 * change the window follows the wall clock, so a window inside a skipped hour never opens.
 */
export function scheduleFloorAt(
  schedules: readonly ScheduleProfile[],
  holidays: readonly string[],
  at: number,
): ScheduleFloor {
  const holidaySet = new Set(holidays);
  let floor = 0;
  let profile: string | null = null;
  const active: string[] = [];
  const skippedForHoliday: string[] = [];
  for (const schedule of schedules) {
    const state = windowState(schedule, holidaySet, at);
    if (state === 'holiday') skippedForHoliday.push(schedule.name);
    if (state !== 'open') continue;
    active.push(schedule.name);
    if (profile === null || schedule.minReplicas > floor) {
      floor = schedule.minReplicas;
      profile = schedule.name;
    }
  }
  return { floor, profile, active, skippedForHoliday };
}

/** Whether a profile's window is open at `at`, closed, or open but skipped for a holiday. */
export function windowState(
  schedule: ScheduleProfile,
  holidays: ReadonlySet<string>,
  at: number,
): 'open' | 'closed' | 'holiday' {
  const local = wallTimeAt(at, schedule.timeZone);
  const minute = local.hour * 60 + local.minute;
  const from = minutesOfClock(schedule.from);
  const to = minutesOfClock(schedule.to);
  const today = { year: local.year, month: local.month, day: local.day };
  const weekdayToday = WEEKDAYS[local.isoWeekday - 1] as Weekday;
  let startDate: CivilDate;
  if (from === to || (from < to && minute >= from && minute < to) || (from > to && minute >= from)) {
    if (!schedule.days.includes(weekdayToday)) return 'closed';
    startDate = today;
  } else if (from > to && minute < to) {
    const weekdayYesterday = WEEKDAYS[(local.isoWeekday + 5) % 7] as Weekday;
    if (!schedule.days.includes(weekdayYesterday)) return 'closed';
    startDate = addDays(today, -1);
  } else {
    return 'closed';
  }
  return holidays.has(formatCivilDate(startDate.year, startDate.month, startDate.day)) ? 'holiday' : 'open';
}
