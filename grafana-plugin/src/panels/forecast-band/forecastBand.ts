import type { DataFrame } from '@grafana/data';
import type { ChartBand, ChartLine } from '../../components/charts/TimeChart';
import { findSeries, seriesOf } from '../shared/namedSeries';
import type { ForecastBandOptions } from './options';

export interface ForecastBandSeries {
  readonly lines: ChartLine[];
  readonly bands: ChartBand[];
  /** Option names that matched no series, for the panel to say so. */
  readonly missing: string[];
}

/**
 * The forecast band from query results: the band between the lower and upper series (on the lower
 * series' timestamps, so both must share them, as one query's quantiles do), actual and forecast lines,
 * and replicas on a second axis. Only `actual` is required.
 */
export function forecastBandSeries(
  frames: readonly DataFrame[],
  options: ForecastBandOptions,
): ForecastBandSeries {
  const all = seriesOf(frames);
  const actual = findSeries(all, options.actualSeries);
  const forecast = findSeries(all, options.forecastSeries);
  const lower = findSeries(all, options.lowerSeries);
  const upper = findSeries(all, options.upperSeries);
  const replicas = findSeries(all, options.replicasSeries);
  const lines: ChartLine[] = [];
  const bands: ChartBand[] = [];
  const missing: string[] = [];

  if (lower && upper) {
    const upperAt = new Map(upper.times.map((t, i) => [t, upper.values[i] ?? null]));
    bands.push({
      label: `${options.lowerSeries}–${options.upperSeries}`,
      times: lower.times,
      lower: lower.values,
      upper: lower.times.map((t) => upperAt.get(t) ?? null),
      color: 'blue',
      opacity: 0.25,
    });
  } else if (options.lowerSeries || options.upperSeries) {
    missing.push(
      ...[lower ? undefined : options.lowerSeries, upper ? undefined : options.upperSeries].filter(
        (n): n is string => Boolean(n),
      ),
    );
  }
  if (actual) {
    lines.push({ label: options.actualSeries, times: actual.times, values: actual.values, color: 'green' });
  } else {
    missing.push(options.actualSeries);
  }
  if (forecast) {
    lines.push({
      label: options.forecastSeries,
      times: forecast.times,
      values: forecast.values,
      color: 'blue',
      dashed: true,
    });
  }
  if (replicas) {
    lines.push({
      label: options.replicasSeries,
      times: replicas.times,
      values: replicas.values,
      color: 'orange',
      step: true,
      axis: 'right',
      width: 1.5,
    });
  }
  return { lines, bands, missing };
}
