import type { ChartBand, ChartLine, ChartRegion } from '../../components/charts/TimeChart';
import type { Anomaly, AnomalyDetail } from '../../api/types';

// From anomaly episodes to what charts draw: the episode's signal with the band the detector expected
// before it and the episode shaded; and, on other charts (the forecast), each episode as a shaded span.

/** Where an episode ends on a chart: its end, or `now` while it lasts. */
const endOf = (a: Anomaly, now: number): number => (a.endedAt === null ? now : Date.parse(a.endedAt));

export const regionLabel = (signal: string) => `${signal} anomaly`;

export function anomalyRegions(anomalies: readonly Anomaly[], now: number): ChartRegion[] {
  return anomalies.map((a) => ({
    label: regionLabel(a.signal),
    from: Date.parse(a.startedAt),
    to: endOf(a, now),
    color: 'red',
  }));
}

export interface AnomalyChartSeries {
  readonly lines: ChartLine[];
  readonly bands: ChartBand[];
  readonly regions: ChartRegion[];
  readonly hasData: boolean;
}

export function anomalyChartSeries(detail: AnomalyDetail, now: number): AnomalyChartSeries {
  const samples = detail.samples;
  const times = samples?.timestamps ?? [];
  const lines: ChartLine[] = samples
    ? [
        {
          label: `${detail.signal}${detail.unit ? ` (${detail.unit})` : ''}`,
          times,
          values: samples.values,
          color: 'green',
        },
      ]
    : [];
  const bands: ChartBand[] = [];
  const first = times[0];
  const last = times[times.length - 1];
  if (detail.expected && first !== undefined && last !== undefined) {
    const { low, high } = detail.expected;
    bands.push({
      label: 'expected band',
      times: [first, last],
      lower: [low, low],
      upper: [high, high],
      color: 'blue',
      opacity: 0.2,
    });
  }
  return {
    lines,
    bands,
    regions: anomalyRegions([detail], now),
    hasData: samples?.values.some((v) => v !== null) ?? false,
  };
}
