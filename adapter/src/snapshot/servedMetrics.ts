/** Names of the metrics served through the External Metrics API (ARCHITECTURE.md §3). */
export const SERVED_METRICS = [
  'costscale_replicas',
  'costscale_load',
  'costscale_cost_per_hour',
  'costscale_budget_pressure',
  'costscale_forecast_demand',
] as const;
export type ServedMetric = (typeof SERVED_METRICS)[number];
