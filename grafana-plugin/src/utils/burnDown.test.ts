import { budget, budgetEvents, NOW } from '../testing/fixtures';
import { budgetBurnDown, periodStartOf } from './burnDown';

const HOUR = 3600_000;

describe('budget burn-down', () => {
  const status = budget.status!;

  it('takes the period start from a recorded event, else from the period length', () => {
    const end = NOW + status.hoursLeft * HOUR;
    expect(periodStartOf('monthly', status, end, budgetEvents)).toBe(Date.parse('2026-03-01T00:00:00Z'));
    // March has 31 days.
    expect(periodStartOf('monthly', status, end, [])).toBe(end - 31 * 24 * HOUR);
    expect(periodStartOf('daily', status, end, [])).toBe(end - 24 * HOUR);
  });

  it('draws the budget left through the recorded crossings to now', () => {
    const b = budgetBurnDown(budget, status, budgetEvents);
    expect(b.now).toBe(NOW);
    expect(b.actual.times).toEqual([
      Date.parse('2026-03-01T00:00:00Z'),
      Date.parse(budgetEvents[0]!.at),
      NOW,
    ]);
    expect(b.actual.remaining).toEqual([500, 100, 90]);
  });

  it('projects through zero at the exhaustion ETA to the overrun at the period end', () => {
    const b = budgetBurnDown(budget, status, budgetEvents);
    const eta = NOW + (90 / 0.25) * HOUR;
    expect(b.exhaustionAt).toBe(eta);
    expect(b.projection.times).toEqual([NOW, eta, NOW + status.hoursLeft * HOUR]);
    expect(b.projection.remaining[1]).toBe(0);
    expect(b.projection.remaining[2]).toBeCloseTo(500 - status.projectedSpend);
    expect(b.warningRemaining).toBeCloseTo(100);
    expect(b.criticalRemaining).toBeCloseTo(25);
  });

  it('projects straight to the period end when the budget holds', () => {
    const calm = {
      ...status,
      burnRatePerHour: 0.05,
      projectedSpend: 410 + 0.05 * status.hoursLeft,
      exhaustionAt: null,
    };
    const b = budgetBurnDown(budget, calm, []);
    expect(b.exhaustionAt).toBeNull();
    expect(b.projection.times).toHaveLength(2);
    expect(b.projection.remaining[1]).toBeGreaterThan(0);
  });
});
