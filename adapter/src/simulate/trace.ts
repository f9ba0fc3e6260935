import { parse } from 'csv-parse/sync';

// A demand trace: demand (units/s) sampled at increasing instants; the last sample holds for as long as
// the interval before it. Parsed from CSV `timestamp,demand` where the timestamp is ISO 8601 or Unix seconds.
// Rows that repeat the previous row's timestamp become one sample, their mean: exports in local time
// repeat an instant at a clock change (NAB's realAWSCloudwatch files map a skipped hour onto one time).
// A step back of at most an hour is the clock of a local-time export falling back (NAB's
// machine_temperature_system_failure repeats an hour at line 10,151): the rows until the clock passes the
// last kept one are dropped and reported. A longer step back is an error.

export interface DemandTrace {
  readonly timesMs: Float64Array;
  readonly demand: Float64Array;
}

/** Where a trace's clock stepped back, and how many rows were dropped until it caught up. */
export interface ClockStep {
  readonly line: number;
  readonly backMs: number;
  readonly dropped: number;
}

export interface ParsedTrace extends DemandTrace {
  readonly clockSteps: readonly ClockStep[];
}

const CLOCK_STEP_BACK_MAX_MS = 3_600_000;

/** A problem in a trace file, with its 1-based line. */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Unix milliseconds of an ISO 8601 or Unix-seconds timestamp; a zone-less ISO time is read as UTC. */
export function parseTimestamp(text: string): number {
  if (NUMBER.test(text)) return Number(text) * 1000;
  if (!ISO_DATE.test(text)) return Number.NaN;
  const iso = text.replace(' ', 'T');
  return Date.parse(HAS_ZONE.test(iso) || !iso.includes('T') ? iso : `${iso}Z`);
}

/** Parses CSV text; the first row may be a header. Throws TraceFormatError naming the line. */
export function parseDemandTraceCsv(text: string): ParsedTrace {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
  } catch (err) {
    throw new TraceFormatError(0, `not valid CSV: ${(err as Error).message}`);
  }
  const first = rows[0];
  const hasHeader = first !== undefined && Number.isNaN(parseTimestamp(first[0] ?? ''));
  const count = rows.length - (hasHeader ? 1 : 0);
  if (count < 2) throw new TraceFormatError(0, 'a trace needs at least two samples');
  const times: number[] = [];
  const demand: number[] = [];
  const clockSteps: ClockStep[] = [];
  /** The step back whose rows are being dropped, until the clock passes the last kept row. */
  let catchingUp: { -readonly [K in keyof ClockStep]: ClockStep[K] } | undefined;
  let repeats = 1;
  for (let i = 0; i < count; i++) {
    const row = rows[i + (hasHeader ? 1 : 0)] as string[];
    const line = i + (hasHeader ? 2 : 1);
    if (row.length < 2) throw new TraceFormatError(line, 'expected two columns: timestamp,demand');
    const t = parseTimestamp(row[0] as string);
    if (!Number.isFinite(t)) {
      throw new TraceFormatError(line, `timestamp "${row[0]}" is neither ISO 8601 nor Unix seconds`);
    }
    const d = NUMBER.test(row[1] as string) ? Number(row[1]) : Number.NaN;
    if (!Number.isFinite(d) || d < 0) {
      throw new TraceFormatError(line, `demand "${row[1]}" is not a non-negative number`);
    }
    const last = times.length - 1;
    if (catchingUp !== undefined && t <= (times[last] as number)) {
      catchingUp.dropped += 1;
      continue;
    }
    catchingUp = undefined;
    if (last >= 0 && t < (times[last] as number)) {
      const backMs = (times[last] as number) - t;
      if (backMs > CLOCK_STEP_BACK_MAX_MS) {
        throw new TraceFormatError(line, 'timestamps must not decrease (by more than an hour)');
      }
      catchingUp = { line, backMs, dropped: 1 };
      clockSteps.push(catchingUp);
      continue;
    }
    if (last >= 0 && t === times[last]) {
      repeats += 1;
      demand[last] = (demand[last] as number) + (d - (demand[last] as number)) / repeats;
      continue;
    }
    repeats = 1;
    times.push(t);
    demand.push(d);
  }
  if (times.length < 2) throw new TraceFormatError(0, 'a trace needs at least two distinct timestamps');
  return { timesMs: Float64Array.from(times), demand: Float64Array.from(demand), clockSteps };
}
