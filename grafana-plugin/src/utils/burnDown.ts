import type { BudgetEvent, Budget, BudgetStatus } from '../api/types';

// A budget's burn-down: the budget left over the period, from the period's start through the
// threshold crossings the engine recorded to now, then the projection to the period's end (reaching
// zero at the exhaustion ETA when the budget runs out within the period), beside the even burn that
// would spend exactly the budget.

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface BurnDown {
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly now: number;
  /** Budget left at each known instant: the period start, recorded events, now. */
  readonly actual: { readonly times: number[]; readonly remaining: number[] };
  /** From now to the period's end at the projected burn; may go below zero (an overrun). */
  readonly projection: { readonly times: number[]; readonly remaining: number[] };
  /** The even burn: the whole amount from start to end. */
  readonly even: { readonly times: number[]; readonly remaining: number[] };
  readonly exhaustionAt: number | null;
  readonly warningRemaining: number;
  readonly criticalRemaining: number;
}

function daysInMonth(label: string): number | undefined {
  const match = /^(\d{4})-(\d{2})$/.exec(label);
  if (!match) {
    return undefined;
  }
  return new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).getUTCDate();
}

/**
 * The period's start. The adapter reports it with each recorded event; without one it is the period's
 * end less its length, which is off by the daylight-saving shift at most (an hour, invisible at the
 * chart's scale).
 */
export function periodStartOf(
  kind: Budget['spec']['period'],
  status: BudgetStatus,
  periodEnd: number,
  events: readonly BudgetEvent[],
): number {
  const recorded = events.find(
    (e) => Date.parse(e.periodStart) <= periodEnd && Date.parse(e.at) <= periodEnd,
  );
  if (recorded) {
    const start = Date.parse(recorded.periodStart);
    if (periodEnd - start <= 31 * DAY) {
      return start;
    }
  }
  switch (kind) {
    case 'daily':
      return periodEnd - DAY;
    case 'weekly':
      return periodEnd - 7 * DAY;
    case 'monthly':
      return periodEnd - (daysInMonth(status.periodLabel) ?? 30) * DAY;
  }
}

export function budgetBurnDown(
  budget: Budget,
  status: BudgetStatus,
  events: readonly BudgetEvent[],
): BurnDown {
  const now = Date.parse(status.evaluatedAt);
  const periodEnd = now + status.hoursLeft * HOUR;
  const periodStart = periodStartOf(budget.spec.period, status, periodEnd, events);
  const amount = status.amount;

  const crossings = events
    .filter((e) => {
      const at = Date.parse(e.at);
      return at >= periodStart && at < now;
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const actualTimes = [periodStart, ...crossings.map((e) => Date.parse(e.at)), now];
  const actualRemaining = [
    amount,
    ...crossings.map((e) => amount - e.utilisation * amount),
    amount - status.spent,
  ];

  const projectionTimes = [now];
  const projectionRemaining = [amount - status.spent];
  const exhaustionAt = status.exhaustionAt === null ? null : Date.parse(status.exhaustionAt);
  // Through zero at the ETA only when the projection overruns too (a forecast basis may not).
  if (
    exhaustionAt !== null &&
    exhaustionAt > now &&
    exhaustionAt < periodEnd &&
    status.projectedSpend >= amount
  ) {
    projectionTimes.push(exhaustionAt);
    projectionRemaining.push(0);
  }
  projectionTimes.push(periodEnd);
  projectionRemaining.push(amount - status.projectedSpend);

  return {
    periodStart,
    periodEnd,
    now,
    actual: { times: actualTimes, remaining: actualRemaining },
    projection: { times: projectionTimes, remaining: projectionRemaining },
    even: { times: [periodStart, periodEnd], remaining: [amount, 0] },
    exhaustionAt,
    warningRemaining: amount * (1 - budget.spec.thresholds.warning),
    criticalRemaining: amount * (1 - budget.spec.thresholds.critical),
  };
}
