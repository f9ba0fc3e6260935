import React from 'react';
import type { PanelProps } from '@grafana/data';
import { TimeChart } from '../../components/charts/TimeChart';
import { formatNumber } from '../../utils/format';
import { PanelMessage } from '../shared/PanelMessage';
import { forecastBandSeries } from './forecastBand';
import type { ForecastBandOptions } from './options';

/** Actual demand with its forecast band, point forecast and replicas, from any datasource's series. */
export function ForecastBandPanel({
  data,
  width,
  height,
  options,
  timeRange,
  timeZone,
}: PanelProps<ForecastBandOptions>) {
  const { lines, bands, missing } = forecastBandSeries(data.series, options);
  if (lines.length === 0 && bands.length === 0) {
    return (
      <PanelMessage width={width} height={height}>
        No series named {missing.map((m) => `"${m}"`).join(', ')}. Set the queries&apos; legends to the names
        in the panel options (Series).
      </PanelMessage>
    );
  }
  const hasReplicas = lines.some((l) => l.axis === 'right');
  return (
    <TimeChart
      title="Demand forecast band"
      width={width}
      height={height}
      timeZone={timeZone}
      timeRange={{ min: timeRange.from.valueOf(), max: timeRange.to.valueOf() }}
      left={{ label: options.unit || undefined, format: (v) => formatNumber(v, 1) }}
      right={
        hasReplicas ? { label: 'replicas', format: (v) => formatNumber(v, 0), integer: true } : undefined
      }
      lines={lines}
      bands={bands}
    />
  );
}
