import React from 'react';
import type { TimeRange } from '@grafana/data';
import { TimeRangePicker } from '@grafana/ui';

export interface TimeRangeControlProps {
  readonly range: TimeRange;
  readonly onChange: (range: TimeRange) => void;
  readonly onShift: (direction: -1 | 1) => void;
  readonly onZoomOut: () => void;
}

/** Grafana's time picker bound to a page's time range (see useTimeRange). */
export function TimeRangeControl({ range, onChange, onShift, onZoomOut }: TimeRangeControlProps) {
  return (
    <TimeRangePicker
      value={range}
      onChange={onChange}
      onChangeTimeZone={() => {}}
      onMoveBackward={() => onShift(-1)}
      onMoveForward={() => onShift(1)}
      onZoom={onZoomOut}
      isOnCanvas
    />
  );
}
