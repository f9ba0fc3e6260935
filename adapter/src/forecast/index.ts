/** Public API of the forecasting core (pure: plain data in, plain data out). */
export { peakDistribution, type DemandDistribution, type StepQuantiles } from './distribution';
export {
  fitForecastState,
  forecastFromState,
  type FitOptions,
  type ProbabilisticForecast,
} from './forecaster';
export {
  deserializeForecastState,
  forecastStateSchema,
  isRefitDue,
  serializeForecastState,
  type ForecastState,
} from './state';
export { calendarPeriods, detectSeasonalPeriods, type PeriodDetectionOptions } from './period';
export { seasonalScale, summarizeAccuracy, type AccuracySummary, type ForecastOutcomes } from './accuracy';
export { forecastGate, type ForecastMode, type GateDecision, type GateOptions } from './gate';
export { describeModel, type FittedModel, type ModelRecipe } from './models';
export { decompose, seasonalForecast, type Decomposition, type DecomposeOptions } from './decompose';
export { fitEts, forecastEts, type EtsParams, type EtsTrend } from './ets';
export { fitTheta, forecastTheta, type ThetaParams } from './theta';
export { forecastLinearTrend, type LinearTrendParams } from './linearTrend';
export { forecastSeasonalNaive } from './seasonalNaive';
export { fillGaps } from './series';
export { packCalibration, type Calibration, type PackedCalibration } from './calibration';
export { Float32Window } from './float32Window';
export { QuantizedWindow } from './quantizedWindow';
export { ScoredOutcomes } from './scoredOutcomes';
export { fresh, ScratchArrays, type Allocate } from './scratch';
export {
  backtestMode,
  feedSeries,
  hasFitHistory,
  isFitDue,
  LOWER_QUANTILE,
  MAX_BUCKETS,
  modelDescription,
  NOMINAL_COVERAGE,
  onlineSeries,
  historyWindow,
  reforecastSeries,
  refitSeries,
  seriesView,
  UPPER_QUANTILE,
  type ForecastView,
  type OnlineSeries,
} from './online';
