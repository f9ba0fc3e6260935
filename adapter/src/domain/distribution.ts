/**
 * A predictive distribution of peak demand over the decision horizon [t, t+H], in the policy's demand
 * units. The forecasting engine and the reactive empirical-ratio fallback both provide it.
 */
export interface DemandDistribution {
  /** The τ-quantile (0 ≤ τ ≤ 1) of peak demand; non-decreasing in τ. */
  quantile(tau: number): number;
}
