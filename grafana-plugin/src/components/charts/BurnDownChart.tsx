import React from 'react';
import type { BurnDown } from '../../utils/burnDown';
import { formatDateTime, formatMoney } from '../../utils/format';
import { testIds } from '../testIds';
import { TimeChart } from './TimeChart';

export interface BurnDownChartProps {
  readonly burnDown: BurnDown;
  readonly currency: string;
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly timeZone?: string;
  readonly showLegend?: boolean;
}

/** Budget left over the period: actual, projected (to the exhaustion ETA), the even burn and the thresholds. */
export function BurnDownChart({
  burnDown,
  currency,
  width,
  height,
  title,
  timeZone,
  showLegend,
}: BurnDownChartProps) {
  const b = burnDown;
  return (
    <TimeChart
      testId={testIds.charts.burnDown}
      title={title}
      width={width}
      height={height}
      timeZone={timeZone}
      showLegend={showLegend}
      timeRange={{ min: b.periodStart, max: b.periodEnd }}
      left={{ label: 'budget left', format: (v) => formatMoney(v, currency, 0), fromZero: true }}
      lines={[
        {
          label: 'even burn',
          times: b.even.times,
          values: b.even.remaining,
          color: '#8e8e8e',
          width: 1,
          dashed: true,
        },
        {
          label: 'budget left',
          times: b.actual.times,
          values: b.actual.remaining,
          color: 'green',
          width: 2.5,
        },
        {
          label: 'projection',
          times: b.projection.times,
          values: b.projection.remaining,
          color: 'orange',
          dashed: true,
        },
      ]}
      rules={[
        { label: 'warning threshold', value: b.warningRemaining, color: 'yellow' },
        { label: 'critical threshold', value: b.criticalRemaining, color: 'red' },
      ]}
      markers={[
        { label: 'now', at: b.now, color: 'blue' },
        ...(b.exhaustionAt === null
          ? []
          : [
              {
                label: `exhausted ${formatDateTime(b.exhaustionAt, timeZone)}`,
                at: b.exhaustionAt,
                color: 'red',
              },
            ]),
      ]}
    />
  );
}
