// What-if simulation: replays a demand trace through costscale or a baseline and the HPA model, with
// pod readiness delay and the HPA sync period, and reports cost and SLO misses (pure; no I/O).
export { simulate, DEFAULT_SYNC_PERIOD_MS } from './simulate';
export {
  costscaleScaler,
  DEFAULT_ENGINE_SETTINGS,
  engineSettingsOf,
  observationOf,
  observeForCostscale,
  simulatedDecisionInput,
  type CostscaleObservation,
  type CostscaleScalerParams,
  type EngineSettings,
  type SimulatedPolicy,
} from './costscaleScaler';
export { earlierDemandAt, earlierDemandRange } from './earlierDemand';
export { forecastShare, forecastTrack, type ForecastSettings, type ForecastTrack } from './forecastTrack';
export {
  DEFAULT_PIPELINE,
  demandCounter,
  observeDemand,
  prometheusRate,
  rateWindowOf,
  traceEnd,
  type MetricPipeline,
  type ObservedDemand,
} from './pipeline';
export {
  COSTSCALE_HPA_SCALE_DOWN_WINDOW_SECONDS,
  hpaBehavior,
  costscaleScenario,
  policyCostPerReplicaHour,
  workloadFromPolicy,
  type CostscaleScenarioOptions,
} from './fromPolicy';
export {
  costAtMisses,
  dominates,
  frontier,
  gapClosed,
  perfectForesightReplicaHours,
  type FrontierPoint,
} from './frontier';
export { parseDemandTraceCsv, parseTimestamp, TraceFormatError, type DemandTrace } from './trace';
export { summarize, timelineCsv, resultTable, type ResultSummary } from './report';
export type {
  MetricScaler,
  Scenario,
  SimulationOptions,
  SimulationResult,
  Timeline,
  WorkloadModel,
} from './types';
