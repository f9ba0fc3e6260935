import fc from 'fast-check';
import {
  budgetEvents,
  budgetPeriodAt,
  type BudgetPeriodKind,
  budgetStatus,
  MAX_SHADOW_PRICE,
  shadowPrice,
  thresholdState,
} from './budget';
import { wallTimeAt } from './wallClock';

const HOUR = 3_600_000;

describe('budgetPeriodAt', () => {
  it('gives a 23-hour day when Berlin springs forward', () => {
    const p = budgetPeriodAt('daily', 'Europe/Berlin', Date.UTC(2024, 2, 31, 12));
    expect(p.start).toBe(Date.UTC(2024, 2, 30, 23));
    expect(p.end).toBe(Date.UTC(2024, 2, 31, 22));
    expect((p.end - p.start) / HOUR).toBe(23);
    expect(p.label).toBe('2024-03-31');
  });

  it('gives a 25-hour day when New York falls back', () => {
    const p = budgetPeriodAt('daily', 'America/New_York', Date.UTC(2024, 10, 3, 12));
    expect(p.start).toBe(Date.UTC(2024, 10, 3, 4));
    expect((p.end - p.start) / HOUR).toBe(25);
  });

  it('starts a day at 01:00 where midnight is skipped (Santiago)', () => {
    const p = budgetPeriodAt('daily', 'America/Santiago', Date.UTC(2024, 8, 8, 15));
    expect(p.start).toBe(Date.UTC(2024, 8, 8, 4));
    expect(p.end).toBe(Date.UTC(2024, 8, 9, 3));
  });

  it('skips a calendar day a zone skipped (Samoa, 2011-12-30)', () => {
    // Apia moved from UTC−10 to UTC+14 at the end of 29 December 2011 local time (10:00Z on the 30th).
    const dec29 = budgetPeriodAt('daily', 'Pacific/Apia', Date.UTC(2011, 11, 30, 5));
    expect(dec29.label).toBe('2011-12-29');
    expect(dec29.end).toBe(Date.UTC(2011, 11, 30, 10));
    const dec31 = budgetPeriodAt('daily', 'Pacific/Apia', dec29.end);
    expect(dec31.label).toBe('2011-12-31');
    expect(dec31.start).toBe(dec29.end);
  });

  it('runs ISO weeks from Monday in the zone, labelled with the ISO week-year', () => {
    // Sunday 2024-03-31 23:30 in Tokyo (14:30Z) belongs to the week of Monday 2024-03-25.
    const p = budgetPeriodAt('weekly', 'Asia/Tokyo', Date.UTC(2024, 2, 31, 14, 30));
    expect(p.start).toBe(Date.UTC(2024, 2, 24, 15));
    expect(p.end).toBe(Date.UTC(2024, 2, 31, 15));
    expect(p.label).toBe('2024-W13');
    // Half an hour later it is Monday in Tokyo: the next week.
    expect(budgetPeriodAt('weekly', 'Asia/Tokyo', Date.UTC(2024, 2, 31, 15)).label).toBe('2024-W14');
    expect(budgetPeriodAt('weekly', 'UTC', Date.UTC(2024, 11, 31)).label).toBe('2025-W01');
    expect(budgetPeriodAt('weekly', 'UTC', Date.UTC(2021, 0, 3)).label).toBe('2020-W53');
    expect(budgetPeriodAt('weekly', 'UTC', Date.UTC(2026, 0, 1)).label).toBe('2026-W01');
  });

  it('includes the daylight-saving change in a week that spans it', () => {
    const p = budgetPeriodAt('weekly', 'Europe/Berlin', Date.UTC(2024, 2, 28));
    expect((p.end - p.start) / HOUR).toBe(7 * 24 - 1);
  });

  it('runs months from the 1st in the zone, across month and year ends', () => {
    // 2024-01-31T12:00Z is already 1 February 01:00 in Auckland (NZDT, UTC+13); 2024 is a leap year.
    const feb = budgetPeriodAt('monthly', 'Pacific/Auckland', Date.UTC(2024, 0, 31, 12));
    expect(feb.label).toBe('2024-02');
    expect(feb.start).toBe(Date.UTC(2024, 0, 31, 11));
    expect(feb.end).toBe(Date.UTC(2024, 1, 29, 11));
    const dec = budgetPeriodAt('monthly', 'America/Los_Angeles', Date.UTC(2025, 0, 1, 5));
    expect(dec.label).toBe('2024-12');
    expect(dec.start).toBe(Date.UTC(2024, 11, 1, 8));
    expect(dec.end).toBe(Date.UTC(2025, 0, 1, 8));
    const march = budgetPeriodAt('monthly', 'Europe/Berlin', Date.UTC(2024, 2, 15));
    expect((march.end - march.start) / HOUR).toBe(31 * 24 - 1);
  });

  it('tiles time: every instant lies in its period, which starts at local midnight and abuts its neighbours', () => {
    const zones = [
      'UTC',
      'Europe/Berlin',
      'America/Santiago',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'Pacific/Apia',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom<BudgetPeriodKind>('daily', 'weekly', 'monthly'),
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2035, 0, 1) }),
        (kind, zone, at) => {
          const p = budgetPeriodAt(kind, zone, at);
          expect(p.start).toBeLessThanOrEqual(at);
          expect(p.end).toBeGreaterThan(at);
          expect(budgetPeriodAt(kind, zone, p.end).start).toBe(p.end);
          expect(budgetPeriodAt(kind, zone, p.start - 1).end).toBe(p.start);
          const startWall = wallTimeAt(p.start, zone);
          if (kind === 'weekly') expect(startWall.isoWeekday).toBe(1);
          if (kind === 'monthly') expect(startWall.day).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('budgetStatus', () => {
  const period = budgetPeriodAt('monthly', 'UTC', Date.UTC(2024, 3, 10));
  const at = Date.UTC(2024, 3, 16); // 15 days into a 30-day month: 360 h left

  it('projects spend from the burn rate and reports utilisation and exhaustion', () => {
    const s = budgetStatus({ amount: 1000, period, spent: 400, burnRatePerHour: 2, at });
    expect(s.hoursLeft).toBe(360);
    expect(s.projectedSpend).toBe(400 + 2 * 360);
    expect(s.projectionBasis).toBe('burn-rate');
    expect(s.utilisation).toBeCloseTo(0.4, 12);
    expect(s.remaining).toBe(600);
    expect(s.exhaustionAt).toBe(at + 300 * HOUR);
    expect(s.state).toBe('ok');
    expect(s.shadowPrice).toBeCloseTo((1120 - 1000) / 600, 12);
    expect(s.warnings).toEqual([]);
  });

  it('uses the forecast spend to period end when given', () => {
    const s = budgetStatus({
      amount: 1000,
      period,
      spent: 400,
      burnRatePerHour: 2,
      forecastSpendToEnd: 300,
      at,
    });
    expect(s.projectedSpend).toBe(700);
    expect(s.projectionBasis).toBe('forecast');
    expect(s.shadowPrice).toBe(0);
  });

  it('reports no exhaustion inside the period when the burn is slow, and exhaustion now when spent', () => {
    expect(
      budgetStatus({ amount: 1000, period, spent: 400, burnRatePerHour: 1, at }).exhaustionAt,
    ).toBeNull();
    const spent = budgetStatus({ amount: 1000, period, spent: 1200, burnRatePerHour: 1, at });
    expect(spent.exhaustionAt).toBe(at);
    expect(spent.remaining).toBe(0);
    expect(spent.state).toBe('critical');
    expect(spent.shadowPrice).toBe(MAX_SHADOW_PRICE);
  });

  it('names unusable spend inputs instead of trusting them', () => {
    const s = budgetStatus({ amount: 1000, period, spent: Number.NaN, burnRatePerHour: -3, at });
    expect(s.spent).toBe(0);
    expect(s.burnRatePerHour).toBe(0);
    expect(s.warnings).toHaveLength(2);
    expect(s.warnings[0]).toMatch(/spend so far is NaN/);
  });

  it('applies custom thresholds', () => {
    const thresholds = { warning: 0.5, critical: 0.7 };
    expect(budgetStatus({ amount: 100, period, spent: 55, burnRatePerHour: 0, at, thresholds }).state).toBe(
      'warning',
    );
    expect(thresholdState(0.79, { warning: 0.8, critical: 0.95 })).toBe('ok');
    expect(thresholdState(0.8, { warning: 0.8, critical: 0.95 })).toBe('warning');
    expect(thresholdState(0.95, { warning: 0.8, critical: 0.95 })).toBe('critical');
  });
});

describe('shadowPrice', () => {
  it('is 0 while the projection fits the budget', () => {
    expect(shadowPrice(1000, 500, 1000)).toBe(0);
    expect(shadowPrice(1000, 500, 800)).toBe(0);
  });

  it('is the overrun over the remaining budget, capped', () => {
    expect(shadowPrice(1000, 500, 1100)).toBeCloseTo(0.2, 12);
    expect(shadowPrice(1000, 999.99, 2000)).toBe(MAX_SHADOW_PRICE);
    expect(shadowPrice(1000, 1000, 1001)).toBe(MAX_SHADOW_PRICE);
  });

  it('never falls as the projected overrun or the spend so far grows', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (amount, spentFraction, projectedExtra, moreProjected, moreSpent) => {
          const spent = amount * spentFraction;
          const projected = spent + amount * projectedExtra;
          const base = shadowPrice(amount, spent, projected);
          expect(base).toBeGreaterThanOrEqual(0);
          expect(shadowPrice(amount, spent, projected + amount * moreProjected)).toBeGreaterThanOrEqual(base);
          // More spent with the same projection: the same overrun falls on less remaining budget.
          const spent2 = Math.min(projected, spent + amount * moreSpent);
          expect(shadowPrice(amount, spent2, projected)).toBeGreaterThanOrEqual(base);
        },
      ),
    );
  });
});

describe('budgetEvents', () => {
  const period = budgetPeriodAt('daily', 'UTC', Date.UTC(2024, 5, 1, 12));
  const at = Date.UTC(2024, 5, 1, 12);
  const status = (spent: number) => budgetStatus({ amount: 100, period, spent, burnRatePerHour: 0, at });

  it('records nothing while the state holds', () => {
    expect(budgetEvents('team-a', { periodLabel: period.label, state: 'warning' }, status(85), at)).toEqual(
      [],
    );
    expect(budgetEvents('team-a', undefined, status(10), at)).toEqual([]);
  });

  it('records an upward crossing of the warning threshold', () => {
    const events = budgetEvents('team-a', { periodLabel: period.label, state: 'ok' }, status(81), at);
    expect(events).toEqual([
      {
        budget: 'team-a',
        periodLabel: '2024-06-01',
        at,
        threshold: 'warning',
        level: 0.8,
        direction: 'up',
        from: 'ok',
        to: 'warning',
        utilisation: 0.81,
      },
    ]);
  });

  it('records both thresholds, in order, when one step crosses both', () => {
    const up = budgetEvents('b', { periodLabel: period.label, state: 'ok' }, status(97), at);
    expect(up.map((e) => [e.threshold, e.direction])).toEqual([
      ['warning', 'up'],
      ['critical', 'up'],
    ]);
    const down = budgetEvents('b', { periodLabel: period.label, state: 'critical' }, status(5), at);
    expect(down.map((e) => [e.threshold, e.direction])).toEqual([
      ['critical', 'down'],
      ['warning', 'down'],
    ]);
  });

  it('starts a new period from ok', () => {
    expect(budgetEvents('b', { periodLabel: '2024-05-31', state: 'critical' }, status(3), at)).toEqual([]);
    const fresh = budgetEvents('b', { periodLabel: '2024-05-31', state: 'critical' }, status(90), at);
    expect(fresh.map((e) => [e.threshold, e.direction, e.from])).toEqual([['warning', 'up', 'ok']]);
  });
});
