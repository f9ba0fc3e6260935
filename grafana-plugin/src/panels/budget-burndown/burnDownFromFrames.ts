import type { DataFrame } from '@grafana/data';
import type { BurnDown } from '../../utils/burnDown';
import { findSeries, type NamedSeries, seriesOf } from '../shared/namedSeries';
import type { BudgetBurndownOptions } from './options';

const HOUR = 3600_000;

export type BurnDownFromFrames = { readonly burnDown: BurnDown } | { readonly problem: string };

function lastPresent(s: NamedSeries): { at: number; value: number } | undefined {
  for (let i = s.values.length - 1; i >= 0; i--) {
    const v = s.values[i];
    if (v !== null && v !== undefined) {
      return { at: s.times[i]!, value: v };
    }
  }
  return undefined;
}

/**
 * Spend per hour from the spend series itself: the slope between the last point and the first point
 * at least an hour before it (or the first point at all), never negative (a period reset in the
 * window shows as a drop).
 */
export function trailingBurnRate(spent: NamedSeries): number {
  const last = lastPresent(spent);
  if (!last) {
    return 0;
  }
  let from: { at: number; value: number } | undefined;
  for (let i = 0; i < spent.times.length; i++) {
    const v = spent.values[i];
    if (v === null || v === undefined || spent.times[i]! >= last.at) {
      continue;
    }
    if (spent.times[i]! <= last.at - HOUR || from === undefined) {
      from = { at: spent.times[i]!, value: v };
    }
  }
  if (!from || last.at === from.at) {
    return 0;
  }
  return Math.max(0, ((last.value - from.value) / (last.at - from.at)) * HOUR);
}

/**
 * The burn-down over the dashboard's time range, taken as the budget period (pick "This month" or
 * "Today" so far and to come): spend so far from the spend series (e.g. costscale_budget_spend), the
 * amount from its series (costscale_budget_amount), the projection at the burn-rate series
 * (costscale_budget_burn_rate_per_hour) or, without one, the spend's own trailing slope.
 */
export function burnDownFromFrames(
  frames: readonly DataFrame[],
  options: BudgetBurndownOptions,
  range: { from: number; to: number },
): BurnDownFromFrames {
  const all = seriesOf(frames);
  const spent = findSeries(all, options.spentSeries);
  const amountSeries = findSeries(all, options.amountSeries);
  if (!spent) {
    return { problem: `No series named "${options.spentSeries}" (spend so far in the period).` };
  }
  const amount = amountSeries ? lastPresent(amountSeries)?.value : undefined;
  if (amount === undefined || !(amount > 0)) {
    return { problem: `No positive value in a series named "${options.amountSeries}" (the budget amount).` };
  }
  const latest = lastPresent(spent);
  if (!latest) {
    return { problem: `The series "${options.spentSeries}" has no values in this time range.` };
  }
  const rateSeries = findSeries(all, options.burnRateSeries);
  const rate = (rateSeries && lastPresent(rateSeries)?.value) ?? trailingBurnRate(spent);

  const points = spent.times
    .map((t, i) => ({ t, v: spent.values[i] }))
    .filter((p): p is { t: number; v: number } => p.v !== null && p.v !== undefined);
  const now = latest.at;
  const remainingNow = amount - latest.value;
  const hoursToEnd = Math.max(0, (range.to - now) / HOUR);
  const projectionTimes = [now];
  const projectionRemaining = [remainingNow];
  let exhaustionAt: number | null = remainingNow <= 0 ? now : null;
  if (remainingNow > 0 && rate > 0) {
    const eta = now + (remainingNow / rate) * HOUR;
    if (eta < range.to) {
      exhaustionAt = eta;
      projectionTimes.push(eta);
      projectionRemaining.push(0);
    }
  }
  projectionTimes.push(Math.max(now, range.to));
  projectionRemaining.push(remainingNow - rate * hoursToEnd);

  return {
    burnDown: {
      periodStart: range.from,
      periodEnd: range.to,
      now,
      actual: { times: points.map((p) => p.t), remaining: points.map((p) => amount - p.v) },
      projection: { times: projectionTimes, remaining: projectionRemaining },
      even: { times: [range.from, range.to], remaining: [amount, 0] },
      exhaustionAt,
      warningRemaining: amount * (1 - options.warning),
      criticalRemaining: amount * (1 - options.critical),
    },
  };
}
