import React from 'react';
import { TimeRangePicker } from '@grafana/ui';
import type { PageTimeRange } from '../../hooks/useTimeRange';

/** Grafana's time picker bound to a page's time range (see useTimeRange). */
export function TimeRangeControl({ time }: { readonly time: PageTimeRange }) {
  return (
    <TimeRangePicker
      value={time.range}
      onChange={time.setRange}
      onChangeTimeZone={() => {}}
      onMoveBackward={() => time.shift(-1)}
      onMoveForward={() => time.shift(1)}
      onZoom={time.zoomOut}
      isOnCanvas
    />
  );
}
