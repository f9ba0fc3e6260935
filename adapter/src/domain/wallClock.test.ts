import fc from 'fast-check';
import { instantOfWallTime, utcOffsetMs, wallTimeAt } from './wallClock';

const HOUR = 3_600_000;

describe('wallTimeAt', () => {
  it('reads the wall clock of the zone, with the ISO weekday', () => {
    // 2024-07-01T10:15:30Z is a Monday; Berlin is on CEST (UTC+2).
    expect(wallTimeAt(Date.UTC(2024, 6, 1, 10, 15, 30), 'Europe/Berlin')).toEqual({
      year: 2024,
      month: 7,
      day: 1,
      hour: 12,
      minute: 15,
      second: 30,
      isoWeekday: 1,
    });
    // Los Angeles is on PDT (UTC−7): 03:15 the same Monday.
    expect(wallTimeAt(Date.UTC(2024, 6, 1, 10, 15, 30), 'America/Los_Angeles')).toMatchObject({
      day: 1,
      hour: 3,
      isoWeekday: 1,
    });
    expect(wallTimeAt(Date.UTC(2024, 6, 1, 3, 0), 'America/Los_Angeles')).toMatchObject({
      day: 30,
      month: 6,
      hour: 20,
      isoWeekday: 7,
    });
  });
});

describe('utcOffsetMs', () => {
  it('follows daylight saving and fractional offsets', () => {
    expect(utcOffsetMs(Date.UTC(2024, 0, 15), 'Europe/Berlin')).toBe(HOUR);
    expect(utcOffsetMs(Date.UTC(2024, 6, 15), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(utcOffsetMs(Date.UTC(2024, 6, 15), 'Asia/Kolkata')).toBe(5.5 * HOUR);
    expect(utcOffsetMs(Date.UTC(2024, 6, 15), 'Asia/Kathmandu')).toBe(5.75 * HOUR);
    expect(utcOffsetMs(Date.UTC(2024, 6, 15), 'America/New_York')).toBe(-4 * HOUR);
    expect(utcOffsetMs(Date.UTC(2024, 6, 15), 'UTC')).toBe(0);
  });
});

describe('instantOfWallTime', () => {
  it('maps an ordinary wall time to its instant', () => {
    expect(instantOfWallTime('Europe/Berlin', 2024, 1, 15, 9, 30)).toBe(Date.UTC(2024, 0, 15, 8, 30));
  });

  it('moves a wall time inside a spring-forward gap forward by the gap', () => {
    // New York skips 02:00–03:00 on 2024-03-10; 02:30 EST would be 07:30Z, which reads 03:30 EDT.
    const t = instantOfWallTime('America/New_York', 2024, 3, 10, 2, 30);
    expect(t).toBe(Date.UTC(2024, 2, 10, 7, 30));
    expect(wallTimeAt(t, 'America/New_York')).toMatchObject({ hour: 3, minute: 30 });
  });

  it('takes the earlier instant of a fall-back overlap', () => {
    // 01:30 happens twice in New York on 2024-11-03: first at 05:30Z (EDT), then 06:30Z (EST).
    expect(instantOfWallTime('America/New_York', 2024, 11, 3, 1, 30)).toBe(Date.UTC(2024, 10, 3, 5, 30));
  });

  it('resolves a skipped midnight to the moment the day begins', () => {
    // Chile springs forward at local midnight: 2024-09-08 starts at 01:00 (−03), i.e. 04:00Z.
    expect(instantOfWallTime('America/Santiago', 2024, 9, 8)).toBe(Date.UTC(2024, 8, 8, 4, 0));
  });

  it('round-trips every minute-aligned instant to the same wall time', () => {
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'America/Santiago',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1) / 60_000, max: Date.UTC(2035, 0, 1) / 60_000 }),
        fc.constantFrom(...zones),
        (minutes, zone) => {
          const t = minutes * 60_000;
          const w = wallTimeAt(t, zone);
          const back = instantOfWallTime(zone, w.year, w.month, w.day, w.hour, w.minute);
          // In an overlap the earlier of the two instants comes back; otherwise t itself.
          expect(back).toBeLessThanOrEqual(t);
          expect(wallTimeAt(back, zone)).toEqual(w);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips every quarter hour across daylight-saving transitions', () => {
    const transitions: Array<[string, number]> = [
      ['America/New_York', Date.UTC(2024, 2, 10, 7)],
      ['America/New_York', Date.UTC(2024, 10, 3, 6)],
      ['America/Santiago', Date.UTC(2024, 8, 8, 4)],
      ['America/Santiago', Date.UTC(2024, 3, 7, 3)],
      ['Australia/Lord_Howe', Date.UTC(2024, 3, 6, 15)],
      ['Europe/Berlin', Date.UTC(2024, 9, 27, 1)],
    ];
    for (const [zone, transition] of transitions) {
      for (let t = transition - 24 * HOUR; t <= transition + 24 * HOUR; t += HOUR / 4) {
        const w = wallTimeAt(t, zone);
        const back = instantOfWallTime(zone, w.year, w.month, w.day, w.hour, w.minute);
        expect(back).toBeLessThanOrEqual(t);
        expect(t - back).toBeLessThanOrEqual(HOUR);
        expect(wallTimeAt(back, zone)).toEqual(w);
      }
    }
  });
});
