import { type ScheduleProfile, scheduleFloorAt, windowState } from './schedule';
import { instantOfWallTime } from './wallClock';

const businessHours: ScheduleProfile = {
  name: 'business-hours',
  timeZone: 'Europe/Berlin',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
  minReplicas: 5,
};
const fridayNight: ScheduleProfile = {
  name: 'friday-batch',
  timeZone: 'Europe/Berlin',
  days: ['fri'],
  from: '22:00',
  to: '06:00',
  minReplicas: 8,
};
const berlin = (y: number, mo: number, d: number, h: number, mi = 0) =>
  instantOfWallTime('Europe/Berlin', y, mo, d, h, mi);
const none = new Set<string>();

describe('windowState', () => {
  it('opens at from and closes at to on listed days (2024-07-01 is a Monday)', () => {
    expect(windowState(businessHours, none, berlin(2024, 7, 1, 8, 59))).toBe('closed');
    expect(windowState(businessHours, none, berlin(2024, 7, 1, 9, 0))).toBe('open');
    expect(windowState(businessHours, none, berlin(2024, 7, 1, 16, 59))).toBe('open');
    expect(windowState(businessHours, none, berlin(2024, 7, 1, 17, 0))).toBe('closed');
    expect(windowState(businessHours, none, berlin(2024, 7, 6, 12, 0))).toBe('closed');
  });

  it('reads the clock in the profile zone', () => {
    const newYork: ScheduleProfile = { ...businessHours, timeZone: 'America/New_York' };
    const berlinNoon = berlin(2024, 7, 1, 12); // 06:00 in New York
    expect(windowState(businessHours, none, berlinNoon)).toBe('open');
    expect(windowState(newYork, none, berlinNoon)).toBe('closed');
    expect(windowState(newYork, none, berlin(2024, 7, 1, 15))).toBe('open');
  });

  it('runs a window that wraps midnight into the next day (2024-07-05 is a Friday)', () => {
    expect(windowState(fridayNight, none, berlin(2024, 7, 5, 21, 59))).toBe('closed');
    expect(windowState(fridayNight, none, berlin(2024, 7, 5, 22, 0))).toBe('open');
    expect(windowState(fridayNight, none, berlin(2024, 7, 6, 5, 59))).toBe('open');
    expect(windowState(fridayNight, none, berlin(2024, 7, 6, 6, 0))).toBe('closed');
    // Saturday night is not a start day, and Friday morning belongs to Thursday's (unlisted) window.
    expect(windowState(fridayNight, none, berlin(2024, 7, 6, 23, 0))).toBe('closed');
    expect(windowState(fridayNight, none, berlin(2024, 7, 5, 3, 0))).toBe('closed');
  });

  it('treats from = to as the whole day', () => {
    const allDay: ScheduleProfile = { ...businessHours, days: ['sat'], from: '00:00', to: '00:00' };
    expect(windowState(allDay, none, berlin(2024, 7, 6, 0, 0))).toBe('open');
    expect(windowState(allDay, none, berlin(2024, 7, 6, 23, 59))).toBe('open');
    expect(windowState(allDay, none, berlin(2024, 7, 7, 0, 0))).toBe('closed');
  });

  it('skips windows starting on a holiday, judged on the profile zone date', () => {
    const holidays = new Set(['2024-12-25']);
    expect(windowState(businessHours, holidays, berlin(2024, 12, 25, 10))).toBe('holiday');
    expect(windowState(businessHours, holidays, berlin(2024, 12, 24, 10))).toBe('open');
    // 00:30 on the 25th in Berlin is still the 24th in New York.
    const allWeek = { ...businessHours, days: businessHours.days, from: '00:00', to: '00:00' };
    const justAfterMidnight = berlin(2024, 12, 25, 0, 30);
    expect(windowState(allWeek, holidays, justAfterMidnight)).toBe('holiday');
    expect(windowState({ ...allWeek, timeZone: 'America/New_York' }, holidays, justAfterMidnight)).toBe(
      'open',
    );
    // A wrapping window belongs to the date it starts on.
    const christmasEveNight = { ...fridayNight, days: ['tue', 'wed'] as ScheduleProfile['days'] };
    expect(windowState(christmasEveNight, holidays, berlin(2024, 12, 25, 2))).toBe('open');
    expect(windowState(christmasEveNight, holidays, berlin(2024, 12, 25, 23))).toBe('holiday');
    expect(windowState(christmasEveNight, holidays, berlin(2024, 12, 26, 2))).toBe('holiday');
  });

  it('never opens a window that falls in a skipped hour', () => {
    const skipped: ScheduleProfile = {
      name: 'two-am',
      timeZone: 'America/New_York',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      from: '02:00',
      to: '03:00',
      minReplicas: 1,
    };
    const dayStart = instantOfWallTime('America/New_York', 2024, 3, 10);
    const dayEnd = instantOfWallTime('America/New_York', 2024, 3, 11);
    let open = 0;
    for (let t = dayStart; t < dayEnd; t += 60_000) if (windowState(skipped, none, t) === 'open') open++;
    expect(open).toBe(0);
    const nextDay = instantOfWallTime('America/New_York', 2024, 3, 11, 2, 30);
    expect(windowState(skipped, none, nextDay)).toBe('open');
  });
});

describe('scheduleFloorAt', () => {
  it('takes the highest floor among active profiles and names it', () => {
    const lateFriday: ScheduleProfile = {
      ...businessHours,
      name: 'late',
      days: ['fri'],
      from: '16:00',
      to: '23:00',
      minReplicas: 3,
    };
    const at = berlin(2024, 7, 5, 16, 30);
    const floor = scheduleFloorAt([lateFriday, businessHours], [], at);
    expect(floor).toEqual({
      floor: 5,
      profile: 'business-hours',
      active: ['late', 'business-hours'],
      skippedForHoliday: [],
    });
    const evening = scheduleFloorAt([lateFriday, businessHours, fridayNight], [], berlin(2024, 7, 5, 22, 30));
    expect(evening.floor).toBe(8);
    expect(evening.profile).toBe('friday-batch');
  });

  it('keeps the first listed profile on a tie', () => {
    const twin: ScheduleProfile = { ...businessHours, name: 'twin' };
    expect(scheduleFloorAt([twin, businessHours], [], berlin(2024, 7, 1, 10)).profile).toBe('twin');
  });

  it('is zero with no profile active, and lists holiday skips', () => {
    expect(scheduleFloorAt([businessHours], [], berlin(2024, 7, 6, 10))).toEqual({
      floor: 0,
      profile: null,
      active: [],
      skippedForHoliday: [],
    });
    expect(
      scheduleFloorAt([businessHours], ['2024-07-01'], berlin(2024, 7, 1, 10)).skippedForHoliday,
    ).toEqual(['business-hours']);
  });
});
