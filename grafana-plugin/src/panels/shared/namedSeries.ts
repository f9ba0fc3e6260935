import { type DataFrame, FieldType, getFieldDisplayName } from '@grafana/data';

// Panels pick their series out of whatever the queries return by name: the field's display name
// (its legend), the frame's name or the query's refId, compared without case.

export interface NamedSeries {
  /** The names it answers to: display name, frame name, refId. */
  readonly names: readonly string[];
  readonly times: number[];
  readonly values: Array<number | null>;
}

/** Every numeric field that has a time field beside it. */
export function seriesOf(frames: readonly DataFrame[]): NamedSeries[] {
  const out: NamedSeries[] = [];
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    const times = Array.from(time.values as ArrayLike<unknown>, (t) => Number(t));
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) {
        continue;
      }
      const values = Array.from(field.values as ArrayLike<unknown>, (v) =>
        typeof v === 'number' && Number.isFinite(v) ? v : null,
      );
      const names = [getFieldDisplayName(field, frame, [...frames]), frame.name, frame.refId].filter(
        (n): n is string => typeof n === 'string' && n !== '',
      );
      out.push({ names, times, values });
    }
  }
  return out;
}

/** The first series answering to `name` (ignoring case); undefined when `name` is empty or none does. */
export function findSeries(series: readonly NamedSeries[], name: string): NamedSeries | undefined {
  const wanted = name.trim().toLowerCase();
  return wanted === '' ? undefined : series.find((s) => s.names.some((n) => n.toLowerCase() === wanted));
}
