import type { Config, Policy } from '../config/schema';
import { escapeRegex, quoteString } from '../sources/promql';

// PromQL the engine asks besides each policy's own queries. Each is written per policy or budget in
// the form the query planner merges, so all policies still cost one request per template.

const SPEND_STEP_SECONDS = 300;

/**
 * Spend since the period start from costscale's own exported cost series: the cost per hour sampled
 * every 5 minutes and summed, so series that existed for part of the period count only then. `max by`
 * collapses the copies several adapter replicas export.
 */
export function budgetSpendQuery(policies: readonly Policy[], elapsedSeconds: number): string | undefined {
  if (policies.length === 0 || elapsedSeconds < SPEND_STEP_SECONDS) return undefined;
  const alternation = (values: string[]): string =>
    quoteString([...new Set(values)].sort().map(escapeRegex).join('|'));
  const selector = `costscale_cost_per_hour{namespace=~${alternation(policies.map((p) => p.namespace))},policy=~${alternation(policies.map((p) => p.name))}}`;
  const window = `${Math.floor(elapsedSeconds / SPEND_STEP_SECONDS) * SPEND_STEP_SECONDS}s:${SPEND_STEP_SECONDS}s`;
  return `sum(sum_over_time((max by (namespace, policy) (${selector}))[${window}])) / ${3600 / SPEND_STEP_SECONDS}`;
}

/** The backend budgets are read from: the one OpenCost prices come from, else `default`, else the first. */
export function budgetBackend(config: Config): string | undefined {
  const names = Object.keys(config.prometheus);
  if (names.includes(config.prices.backend)) return config.prices.backend;
  return names.includes('default') ? 'default' : names[0];
}
