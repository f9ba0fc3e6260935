// The REST API's resources, from the adapter's client types. `export type` only: no adapter code
// enters the plugin bundle, and a change of the API's shape breaks the plugin's typecheck.
export type {
  ActingBound,
  Anomaly,
  AnomalyDetail,
  Bound,
  Budget,
  BudgetEvent,
  BudgetSpec,
  BudgetSpecInput,
  BudgetStatus,
  Decision,
  DecisionRecord,
  Explanation,
  FieldError,
  Forecast,
  ForecastAccuracy,
  List,
  Overview,
  Policy,
  PolicyMode,
  PolicySpec,
  PolicyState,
  PolicyStatus,
  Problem,
  Recommendation,
  RecommendationKind,
  RecommendationStatus,
  SimulationReport,
  SimulationRequest,
  SimulationSummary,
  SlaCheck,
  ThresholdState,
  Whoami,
} from '../../../adapter/src/server/rest/client-types';

import type { BudgetSpec } from '../../../adapter/src/server/rest/client-types';

export type BudgetPeriod = BudgetSpec['period'];
export type RecommendationAction = 'apply' | 'dismiss' | 'rollback';
