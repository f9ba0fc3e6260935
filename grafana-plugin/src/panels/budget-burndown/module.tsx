import { PanelPlugin } from '@grafana/data';
import { BudgetBurndownPanel } from './BudgetBurndownPanel';
import { type BudgetBurndownOptions, DEFAULT_BUDGET_BURNDOWN_OPTIONS } from './options';

const SERIES = 'Series';

export const plugin = new PanelPlugin<BudgetBurndownOptions>(BudgetBurndownPanel).setPanelOptions((builder) =>
  builder
    .addTextInput({
      path: 'spentSeries',
      name: 'Spend so far',
      description: 'Legend, frame name or query letter, e.g. of costscale_budget_spend{budget="…"}',
      category: [SERIES],
      defaultValue: DEFAULT_BUDGET_BURNDOWN_OPTIONS.spentSeries,
    })
    .addTextInput({
      path: 'amountSeries',
      name: 'Budget amount',
      description: 'e.g. costscale_budget_amount{budget="…"}',
      category: [SERIES],
      defaultValue: DEFAULT_BUDGET_BURNDOWN_OPTIONS.amountSeries,
    })
    .addTextInput({
      path: 'burnRateSeries',
      name: 'Burn rate per hour',
      description: 'Optional, e.g. costscale_budget_burn_rate_per_hour; without it the spend trend is used',
      category: [SERIES],
      defaultValue: DEFAULT_BUDGET_BURNDOWN_OPTIONS.burnRateSeries,
    })
    .addTextInput({
      path: 'currency',
      name: 'Currency',
      description: 'ISO code of the price book currency',
      defaultValue: DEFAULT_BUDGET_BURNDOWN_OPTIONS.currency,
    })
    .addSliderInput({
      path: 'warning',
      name: 'Warning threshold',
      description: 'Fraction of the budget spent',
      defaultValue: DEFAULT_BUDGET_BURNDOWN_OPTIONS.warning,
      settings: { min: 0.05, max: 1, step: 0.01 },
    })
    .addSliderInput({
      path: 'critical',
      name: 'Critical threshold',
      description: 'Fraction of the budget spent',
      defaultValue: DEFAULT_BUDGET_BURNDOWN_OPTIONS.critical,
      settings: { min: 0.05, max: 1, step: 0.01 },
    }),
);
