import React from 'react';
import type { PanelProps } from '@grafana/data';
import { BurnDownChart } from '../../components/charts/BurnDownChart';
import { PanelMessage } from '../shared/PanelMessage';
import { burnDownFromFrames } from './burnDownFromFrames';
import type { BudgetBurndownOptions } from './options';

/** A budget's burn-down with projection and exhaustion ETA over the dashboard's time range. */
export function BudgetBurndownPanel({
  data,
  width,
  height,
  options,
  timeRange,
  timeZone,
}: PanelProps<BudgetBurndownOptions>) {
  const result = burnDownFromFrames(data.series, options, {
    from: timeRange.from.valueOf(),
    to: timeRange.to.valueOf(),
  });
  if ('problem' in result) {
    return (
      <PanelMessage width={width} height={height}>
        {result.problem}
      </PanelMessage>
    );
  }
  return (
    <BurnDownChart
      title="Budget burn-down"
      burnDown={result.burnDown}
      currency={options.currency}
      width={width}
      height={height}
      timeZone={timeZone}
    />
  );
}
