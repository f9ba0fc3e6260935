import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { dateTime, rangeUtil, type TimeRange } from '@grafana/data';

/**
 * The page's time range, kept in the URL as Grafana keeps a dashboard's (`from`/`to`, relative like
 * `now-6h` or epoch ms), so links and reloads keep it. Relative ranges are resolved at render time.
 */
export function useTimeRange(defaultFrom: string, defaultTo = 'now') {
  const [params, setParams] = useSearchParams();
  const rawFrom = params.get('from') ?? defaultFrom;
  const rawTo = params.get('to') ?? defaultTo;

  const range = useMemo(
    () => rangeUtil.convertRawToRange({ from: parseRaw(rawFrom), to: parseRaw(rawTo) }),
    [rawFrom, rawTo],
  );

  const setRange = useCallback(
    (next: TimeRange) => {
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          updated.set('from', serialise(next.raw.from));
          updated.set('to', serialise(next.raw.to));
          return updated;
        },
        { replace: false },
      );
    },
    [setParams],
  );

  const shift = useCallback(
    (direction: -1 | 1) => {
      const span = range.to.valueOf() - range.from.valueOf();
      const from = dateTime(range.from.valueOf() + direction * span);
      const to = dateTime(range.to.valueOf() + direction * span);
      setRange({ from, to, raw: { from, to } });
    },
    [range, setRange],
  );

  const zoomOut = useCallback(() => {
    const span = range.to.valueOf() - range.from.valueOf();
    const from = dateTime(range.from.valueOf() - span / 2);
    const to = dateTime(range.to.valueOf() + span / 2);
    setRange({ from, to, raw: { from, to } });
  }, [range, setRange]);

  return { range, setRange, shift, zoomOut };
}

/** A page's time range and its moves, as useTimeRange gives them. */
export type PageTimeRange = ReturnType<typeof useTimeRange>;

/** Epoch ms in the URL become dates; anything else (`now-6h`) stays relative. */
function parseRaw(raw: string) {
  return /^\d+$/.test(raw) ? dateTime(Number(raw)) : raw;
}

function serialise(raw: TimeRange['raw']['from']): string {
  return typeof raw === 'string' ? raw : String(raw.valueOf());
}

/** A Prometheus-style duration of the span to the nearest minute, in minutes, hours or days (at least 1m). */
export function durationOf(spanMs: number): string {
  const minutes = Math.max(1, Math.round(spanMs / 60_000));
  if (minutes % (24 * 60) === 0) {
    return `${minutes / (24 * 60)}d`;
  }
  if (minutes % 60 === 0) {
    return `${minutes / 60}h`;
  }
  return `${minutes}m`;
}
