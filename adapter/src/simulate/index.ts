// What-if simulation: replays a demand trace through costscale or a baseline and the HPA model, with
// pod readiness delay and the HPA sync period, and reports cost and SLO misses (pure; no I/O).
export { simulate, DEFAULT_SYNC_PERIOD_MS } from './simulate';
export { costscaleScaler, reanchored, type CostscaleScalerParams } from './costscaleScaler';
export {
  costscaleScenario,
  policyCostPerReplicaHour,
  workloadFromPolicy,
  type CostscaleScenarioOptions,
} from './fromPolicy';
export { parseDemandTraceCsv, parseTimestamp, TraceFormatError, type DemandTrace } from './trace';
export { summarize, timelineCsv, resultTable, type ResultSummary } from './report';
export type {
  DemandHistory,
  MetricScaler,
  Scenario,
  SimulationOptions,
  SimulationResult,
  Timeline,
  WorkloadModel,
} from './types';
