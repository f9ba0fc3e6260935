/** Public API of the anomaly core (pure: plain data in, plain data out, state updated in place). */
export {
  createDetector,
  deserializeDetector,
  detectorOptionsSchema,
  detectorStateSchema,
  scoreSample,
  serializeDetector,
  type DetectorOptions,
  type DetectorState,
} from './detector';
export {
  NAB_STANDARD,
  groupedThresholdScore,
  nabScore,
  nabScoreAt,
  nabWindows,
  probationaryLength,
  scaledSigmoid,
  type NabFile,
  type NabProfile,
  type NabResult,
  type Window as NabWindow,
  windowsAt,
} from './nabScore';
export {
  EPISODE_START,
  expectedBand,
  MAX_EPISODE_MS,
  NO_EPISODE,
  newWatch,
  nextEpisode,
  seriesAnomaly,
  type SeriesAnomaly,
  QUIET_STEPS,
  watchSample,
  type AnomalyEpisode,
  type WatchedSeries,
} from './episode';
export { createExcursionRecord } from './excursionRecord';
