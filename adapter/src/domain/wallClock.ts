// Wall-clock time in an IANA time zone, computed with Intl.DateTimeFormat only (no date library), so
// daylight-saving transitions come from the runtime's own time-zone database.

/** A civil date and time of day as read on a clock in some time zone. */
export interface WallTime {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
  /** 0–23 */
  readonly hour: number;
  /** 0–59 */
  readonly minute: number;
  /** 0–59 */
  readonly second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  readonly isoWeekday: number;
}

export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

// Formatters are costly to build and immutable once built; caching them keeps these functions pure.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// The last wall time read per zone. All policies in a tick ask about the same instant, and formatting is
// the costliest step of a decision, so one entry per zone turns thousands of reads into one.
const lastRead = new Map<string, { second: number; wall: WallTime }>();

/** The wall time shown in `timeZone` at the instant `epochMs`. Throws RangeError for an unknown zone. */
export function wallTimeAt(epochMs: number, timeZone: string): WallTime {
  const second = Math.floor(epochMs / 1000);
  const last = lastRead.get(timeZone);
  if (last !== undefined && last.second === second) return last.wall;
  const wall = readWallTime(second * 1000, timeZone);
  lastRead.set(timeZone, { second, wall });
  return wall;
}

function readWallTime(epochMs: number, timeZone: string): WallTime {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  return Object.freeze({
    year,
    month,
    day,
    hour,
    minute,
    second,
    isoWeekday: isoWeekdayOf(year, month, day),
  });
}

/** A calendar date without a time zone. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The civil date `days` days after `date` (negative: before). */
export function addDays(date: CivilDate, days: number): CivilDate {
  const d = new Date(civilToUtcMs(date.year, date.month, date.day) + days * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a civil date. */
export function isoWeekdayOf(year: number, month: number, day: number): number {
  const sundayZero = new Date(civilToUtcMs(year, month, day)).getUTCDay();
  return sundayZero === 0 ? 7 : sundayZero;
}

/** Milliseconds of the civil date and time read as if it were UTC (Date.UTC normalises overflow). */
export function civilToUtcMs(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear undoes that for the rare tiny year.
  if (year >= 0 && year < 100) {
    const d = new Date(ms);
    d.setUTCFullYear(year);
    return d.getTime();
  }
  return ms;
}

/** Offset of `timeZone` from UTC at `epochMs`, in milliseconds (positive east of Greenwich). */
export function utcOffsetMs(epochMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  const w = wallTimeAt(wholeSecond, timeZone);
  return civilToUtcMs(w.year, w.month, w.day, w.hour, w.minute, w.second) - wholeSecond;
}

/**
 * The instant at which clocks in `timeZone` show the given civil time. Ambiguous and skipped wall times
 * resolve like Temporal's "compatible" disambiguation: in a fall-back overlap the earlier instant, in a
 * spring-forward gap the instant the gap ends (so "midnight" on a day that starts at 01:00 is that 01:00).
 */
export function instantOfWallTime(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
): number {
  const asUtc = civilToUtcMs(year, month, day, hour, minute);
  // Transitions are at least days apart, so the offsets a day either side cover every candidate.
  const offsetBefore = utcOffsetMs(asUtc - MS_PER_DAY, timeZone);
  const offsetAfter = utcOffsetMs(asUtc + MS_PER_DAY, timeZone);
  const candidates = offsetBefore === offsetAfter ? [offsetBefore] : [offsetBefore, offsetAfter];
  let earliest = Number.POSITIVE_INFINITY;
  for (const offset of candidates) {
    const instant = asUtc - offset;
    if (utcOffsetMs(instant, timeZone) === offset && instant < earliest) earliest = instant;
  }
  if (earliest !== Number.POSITIVE_INFINITY) return earliest;
  // In a gap: reading the wall time with the offset in force before the gap moves it forward by the
  // gap's length (02:30 in a 02:00–03:00 gap becomes 03:30; a gap's start becomes the gap's end).
  return asUtc - offsetBefore;
}

/** Minutes since local midnight for an "HH:MM" string (validated by the config schema). */
export function minutesOfClock(hhmm: string): number {
  const hours = Number(hhmm.slice(0, 2));
  const minutes = Number(hhmm.slice(3, 5));
  return hours * 60 + minutes;
}

/** Civil date formatted as YYYY-MM-DD. */
export function formatCivilDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
