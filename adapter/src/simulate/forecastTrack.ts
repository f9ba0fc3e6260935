import {
  feedSeries,
  isFitDue,
  onlineSeries,
  reforecastSeries,
  refitSeries,
  type DemandDistribution,
  type ForecastMode,
  type ProbabilisticForecast,
} from '../forecast';
import type { ObservedDemand } from './pipeline';

// The engine's online forecasting replayed over the demand it observed: the same bucketing, fit and
// refit cadence, scoring and accuracy gate (forecast/online.ts), tick by tick. It depends on the
// observed demand and the forecast settings only, not on any decision, so one track serves every
// scenario of a trace.

export interface ForecastSettings {
  /** policy.forecast.stepSeconds */
  readonly stepSeconds: number;
  /** policy.forecast.refitHours */
  readonly refitHours: number;
  /** engine.forecast.coverageMargin */
  readonly coverageMargin: number;
  /** Steps the models are fitted for: max(horizon steps, DISPLAY_STEPS) as in the engine. */
  readonly fitHorizon: number;
}

export interface TrackedForecast {
  readonly mode: ForecastMode;
  /** The forecast made when the view began; absent while none exists. */
  readonly forecast?: ProbabilisticForecast;
}

export interface ForecastTrack {
  /** Per engine tick, the index of its view in `views`. */
  readonly viewAt: Int32Array;
  readonly views: readonly TrackedForecast[];
  /** Model fits made over the trace. */
  readonly fits: number;
}

/** Steps the engine forecasts for display and calibration (ForecastingOptions.displaySteps). */
export const DISPLAY_STEPS = 12;

export function forecastTrack(observed: ObservedDemand, settings: ForecastSettings): ForecastTrack {
  const { t0, stepMs, values, pipeline } = observed;
  const bucketMs = settings.stepSeconds * 1000;
  const refitMs = settings.refitHours * 3_600_000;
  // The simulated service starts with the trace: Prometheus holds nothing earlier to warm-start from.
  const series = onlineSeries(bucketMs, t0 - pipeline.tickAgeMs, []);
  const viewAt = new Int32Array(values.length);
  const views: TrackedForecast[] = [];
  let fits = 0;
  let current: TrackedForecast | undefined;
  for (let k = 0; k < values.length; k++) {
    const now = t0 + k * stepMs - pipeline.tickAgeMs;
    const value = values[k] as number;
    const closed = feedSeries(
      series,
      Number.isFinite(value) ? value : undefined,
      now,
      settings.coverageMargin,
    );
    let refitted = false;
    if (isFitDue(series, now, refitMs)) {
      fits++;
      refitted = refitSeries(series, now, settings.fitHorizon) !== undefined;
    }
    if (series.model !== undefined && (closed || series.forecast === undefined)) {
      reforecastSeries(series, DISPLAY_STEPS);
    }
    const mode: ForecastMode = series.forecast === undefined ? 'reactive' : series.mode;
    if (
      current === undefined ||
      closed ||
      refitted ||
      current.mode !== mode ||
      current.forecast !== series.forecast
    ) {
      current = { mode, ...(series.forecast && { forecast: series.forecast }) };
      views.push(current);
    }
    viewAt[k] = views.length - 1;
  }
  return { viewAt, views, fits };
}

/** Peak-demand distributions of a track's views over `steps` buckets, built once per view. */
export function trackDistributions(
  track: ForecastTrack,
  steps: number,
): (k: number) => DemandDistribution | undefined {
  const built = new Map<number, DemandDistribution | undefined>();
  return (k) => {
    const index = track.viewAt[k] as number;
    if (built.has(index)) return built.get(index);
    const view = track.views[index] as TrackedForecast;
    const distribution =
      view.mode === 'forecast' && view.forecast !== undefined ? view.forecast.peak(steps) : undefined;
    built.set(index, distribution);
    return distribution;
  };
}

/** Fraction of ticks on which the forecast decided. */
export function forecastShare(track: ForecastTrack): number {
  let n = 0;
  for (let k = 0; k < track.viewAt.length; k++) {
    if ((track.views[track.viewAt[k] as number] as TrackedForecast).mode === 'forecast') n++;
  }
  return track.viewAt.length > 0 ? n / track.viewAt.length : 0;
}
