export interface BudgetBurndownOptions {
  /** Series names (legend, frame name or refId). */
  spentSeries: string;
  amountSeries: string;
  burnRateSeries: string;
  currency: string;
  /** Fractions of the budget spent. */
  warning: number;
  critical: number;
}

export const DEFAULT_BUDGET_BURNDOWN_OPTIONS: BudgetBurndownOptions = {
  spentSeries: 'spent',
  amountSeries: 'amount',
  burnRateSeries: 'burn rate',
  currency: 'USD',
  warning: 0.8,
  critical: 0.95,
};
