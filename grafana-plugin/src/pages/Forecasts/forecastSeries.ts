import type { ChartBand, ChartLine, ChartMarker } from '../../components/charts/TimeChart';
import type { DecisionRecord, Forecast } from '../../api/types';

// From the forecast resource and the decisions of the same window to what the forecast chart draws:
// actual demand, the point forecast, nested quantile bands and the replicas decided over time.

export interface QuantileBand {
  readonly lower: number;
  readonly upper: number;
  readonly lowerValues: ReadonlyArray<number | null>;
  readonly upperValues: ReadonlyArray<number | null>;
}

/** Quantiles paired from the outside in (0.05 with 0.95, 0.25 with 0.75, …); unpaired ones are left out. */
export function quantileBands(quantiles: NonNullable<Forecast['forecast']>['quantiles']): QuantileBand[] {
  const sorted = [...quantiles].sort((a, b) => a.quantile - b.quantile);
  const bands: QuantileBand[] = [];
  for (let i = 0, j = sorted.length - 1; i < j; i++, j--) {
    const lo = sorted[i]!;
    const hi = sorted[j]!;
    if (lo.quantile < 0.5 && hi.quantile > 0.5) {
      bands.push({ lower: lo.quantile, upper: hi.quantile, lowerValues: lo.values, upperValues: hi.values });
    }
  }
  return bands;
}

const percent = (q: number) => `${Number((q * 100).toFixed(1))}`;

export interface ForecastChartSeries {
  readonly lines: ChartLine[];
  readonly bands: ChartBand[];
  readonly markers: ChartMarker[];
  readonly hasData: boolean;
}

export function forecastChartSeries(
  forecast: Forecast,
  decisions: readonly DecisionRecord[],
): ForecastChartSeries {
  const lines: ChartLine[] = [];
  const bands: ChartBand[] = [];
  const markers: ChartMarker[] = [];
  const unit = `${forecast.unit}/s`;

  if (forecast.forecast) {
    const f = forecast.forecast;
    const pairs = quantileBands(f.quantiles);
    pairs.forEach((band, index) => {
      bands.push({
        label: `forecast ${percent(band.lower)}–${percent(band.upper)} %`,
        times: f.timestamps,
        lower: band.lowerValues,
        upper: band.upperValues,
        color: 'blue',
        // Inner bands are more likely and drawn stronger.
        opacity: 0.15 + (0.2 * index) / Math.max(1, pairs.length - 1),
      });
    });
    lines.push({
      label: `point forecast (${f.model})`,
      times: f.timestamps,
      values: f.point,
      color: 'blue',
      dashed: true,
    });
    markers.push({ label: 'forecast made', at: Date.parse(f.madeAt), color: 'purple' });
  }

  lines.unshift({
    label: `actual demand (${unit})`,
    times: forecast.actuals.timestamps,
    values: forecast.actuals.values,
    color: 'green',
  });

  const ordered = [...decisions].sort((a, b) => Date.parse(a.decidedAt) - Date.parse(b.decidedAt));
  if (ordered.length > 0) {
    lines.push({
      label: 'replicas decided',
      times: ordered.map((d) => Date.parse(d.decidedAt)),
      values: ordered.map((d) => d.replicas),
      color: 'orange',
      step: true,
      axis: 'right',
      width: 1.5,
    });
  }

  const hasData =
    forecast.actuals.values.some((v) => v !== null) ||
    (forecast.forecast?.point.some((v) => v !== null) ?? false) ||
    ordered.some((d) => d.replicas !== null);
  return { lines, bands, markers, hasData };
}
