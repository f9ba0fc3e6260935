import { FieldType, toDataFrame } from '@grafana/data';
import { burnDownFromFrames, trailingBurnRate } from './burnDownFromFrames';
import { DEFAULT_BUDGET_BURNDOWN_OPTIONS } from './options';

const HOUR = 3600_000;
const series = (name: string, times: number[], values: Array<number | null>) =>
  toDataFrame({
    name,
    fields: [
      { name: 'Time', type: FieldType.time, values: times },
      { name: 'Value', type: FieldType.number, values },
    ],
  });

describe('budget burn-down from query results', () => {
  const range = { from: 0, to: 10 * HOUR };

  it('projects at the burn-rate series and crosses zero at the ETA', () => {
    const result = burnDownFromFrames(
      [
        series('spent', [0, HOUR, 2 * HOUR], [0, 20, 40]),
        series('amount', [0, 2 * HOUR], [100, 100]),
        series('burn rate', [2 * HOUR], [30]),
      ],
      DEFAULT_BUDGET_BURNDOWN_OPTIONS,
      range,
    );
    if (!('burnDown' in result)) {
      throw new Error(result.problem);
    }
    const b = result.burnDown;
    expect(b.actual.remaining).toEqual([100, 80, 60]);
    // 60 left at 30 per hour: exhausted two hours after the last point.
    expect(b.exhaustionAt).toBe(4 * HOUR);
    expect(b.projection.times).toEqual([2 * HOUR, 4 * HOUR, 10 * HOUR]);
    expect(b.projection.remaining).toEqual([60, 0, 60 - 30 * 8]);
    expect(b.even).toEqual({ times: [0, 10 * HOUR], remaining: [100, 0] });
  });

  it("falls back to the spend's own trailing slope", () => {
    const spent = series('spent', [0, HOUR, 2 * HOUR, 3 * HOUR], [0, 5, 10, 12]);
    const result = burnDownFromFrames(
      [spent, series('amount', [0], [100])],
      DEFAULT_BUDGET_BURNDOWN_OPTIONS,
      range,
    );
    expect('burnDown' in result && result.burnDown.exhaustionAt).toBeNull();
    // From the point an hour before the last: 2 per hour.
    expect(
      trailingBurnRate({ names: ['spent'], times: [0, HOUR, 2 * HOUR, 3 * HOUR], values: [0, 5, 10, 12] }),
    ).toBeCloseTo(2);
  });

  it('says what is missing', () => {
    expect(burnDownFromFrames([], DEFAULT_BUDGET_BURNDOWN_OPTIONS, range)).toEqual({
      problem: 'No series named "spent" (spend so far in the period).',
    });
    expect(burnDownFromFrames([series('spent', [0], [1])], DEFAULT_BUDGET_BURNDOWN_OPTIONS, range)).toEqual({
      problem: 'No positive value in a series named "amount" (the budget amount).',
    });
  });
});
