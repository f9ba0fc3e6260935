import { decimalAt } from './decimalBytes';
import {
  parseSampleValue,
  type InstantSample,
  type Labels,
  type QueryData,
  type QueryResponse,
  type RangeSeries,
} from './prometheusResponse';

// A successful vector or matrix answer read straight from the body's bytes into samples and typed arrays
// (issue 16: engine memory). Decoding the body to a string and JSON.parse built the whole text, then a
// two-element array and a string for every sample, all of them alive until the parse ended: a large
// answer outlived the scavenges that ran meanwhile, and V8 promoted to the old generation what was
// garbage a moment later (at 2,000 forecasting policies, 70 % of what outlived a scavenge in a steady
// tick). Here only the labels are built as objects (by JSON.parse, from their own bytes). Anything else,
// an error, a scalar, a native histogram, a key given twice, an escape or a non-ASCII byte where a key,
// number or sample value is expected, is left to JSON.parse and parseQueryResponse (undefined), whose
// answer for any body this reads is the same (a test compares them).

/** Thrown inside the scanner, never out of it: the body is not in the layout read here. */
const UNEXPECTED = new Error('not a body the scanner reads');

const [TAB, LF, CR, SPACE, QUOTE, COMMA, COLON, BACKSLASH] = [9, 10, 13, 32, 34, 44, 58, 92];
const [OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [91, 93, 123, 125];
const [PLUS, MINUS, DOT, ZERO, NINE, LOWER_E, UPPER_E] = [43, 45, 46, 48, 57, 101, 69];

/**
 * Points of the matrix being read, series after series; reused by every body, copied out at the end of the
 * matrix into one array of its exact length that all its series are views of (`matrixPoints`).
 */
let timestamps: Float64Array = new Float64Array(1024);
let values: Float64Array = new Float64Array(1024);
/**
 * Points the scratch keeps between bodies: one series at Prometheus's most (11,000 points), doubled up to.
 * Grown beyond for a matrix of many series (a warm start's: 400,000 points, 8 MiB), it is given back.
 */
const KEPT_POINTS = 16_384;

/** The body's query response when it is a successful vector or matrix; otherwise undefined. */
export function scanQueryResponse(body: Uint8Array): QueryResponse | undefined {
  try {
    return new Scanner(Buffer.from(body.buffer, body.byteOffset, body.byteLength)).response();
  } catch (err) {
    if (err === UNEXPECTED) return undefined;
    throw err;
  }
}

class Scanner {
  private pos = 0;
  /** Points read so far of the matrix being read. */
  private points = 0;

  constructor(private readonly bytes: Buffer) {}

  response(): QueryResponse {
    let success = false;
    let data: QueryData | undefined;
    let warnings: string[] = [];
    this.object(
      (key) => {
        if (key === 'status') success = this.plainString() === 'success' || fail();
        else if (key === 'data') data = this.data();
        else if (key === 'warnings') {
          const w = this.json();
          warnings = Array.isArray(w) ? w.map(String) : [];
        } else this.json();
      },
      ['status', 'data', 'warnings'],
    );
    this.whitespace();
    if (!success || data === undefined || this.pos !== this.bytes.length) fail();
    return { data, warnings };
  }

  private data(): QueryData {
    let type: string | undefined;
    let data: QueryData | undefined;
    this.object(
      (key) => {
        if (key === 'resultType') type = this.plainString();
        else if (key === 'result') {
          if (type === 'vector') data = { resultType: 'vector', samples: this.array(() => this.sample()) };
          else if (type === 'matrix') {
            this.points = 0;
            data = {
              resultType: 'matrix',
              series: matrixPoints(
                this.array(() => this.series()),
                this.points,
              ),
            };
          } else fail();
        } else this.json();
      },
      ['resultType', 'result'],
    );
    return data ?? fail();
  }

  private sample(): InstantSample {
    const { labels, points } = this.labelled('value', 'histogram', () => this.point());
    return { labels, timestamp: points[0], value: points[1] };
  }

  private series(): ScannedSeries {
    const from = this.points;
    const { labels } = this.labelled('values', 'histograms', () => this.readPoints());
    return { labels, from, to: this.points };
  }

  /**
   * A result's object: its labels and its float points (`key`, read by `read`); one with native histograms
   * (`histogramKey`) is left to JSON.parse, as is one without its points.
   */
  private labelled<T>(key: string, histogramKey: string, read: () => T): { labels: Labels; points: T } {
    let labels: Labels = {};
    let found: T | undefined;
    this.object(
      (member) => {
        if (member === 'metric') labels = this.labels();
        else if (member === key) found = read();
        else if (member === histogramKey) fail();
        else this.json();
      },
      ['metric', key],
    );
    return { labels, points: found ?? fail() };
  }

  private labels(): Labels {
    this.whitespace();
    if (this.at(this.pos) !== OPEN_OBJECT) fail();
    const labels = this.json() as Record<string, unknown>;
    for (const k in labels) if (typeof labels[k] !== 'string') fail();
    return labels as Labels;
  }

  /** `[seconds, "value"]` as epoch milliseconds and a number, as parseQueryResponse reads it. */
  private point(): [number, number] {
    this.expect(OPEN_ARRAY);
    const at = this.number();
    this.expect(COMMA);
    const value = this.sampleValue();
    this.expect(CLOSE_ARRAY);
    return [Math.round(at * 1000), value];
  }

  /** A series' points, appended to the matrix's from `this.points` on. */
  private readPoints(): true {
    let n = this.points;
    this.expect(OPEN_ARRAY);
    if (!this.take(CLOSE_ARRAY)) {
      do {
        if (n === timestamps.length) {
          timestamps = grown(timestamps);
          values = grown(values);
        }
        this.expect(OPEN_ARRAY);
        timestamps[n] = Math.round(this.number() * 1000);
        this.expect(COMMA);
        values[n] = this.sampleValue();
        this.expect(CLOSE_ARRAY);
        n++;
      } while (this.take(COMMA));
      this.expect(CLOSE_ARRAY);
    }
    this.points = n;
    return true;
  }

  /**
   * An object's members, each value read by `member` (which must consume it); a key of `once` given
   * twice is refused, as JSON.parse would keep the last one.
   */
  private object(member: (key: string) => void, once: readonly string[]): void {
    let seen = 0;
    this.expect(OPEN_OBJECT);
    if (this.take(CLOSE_OBJECT)) return;
    do {
      const key = this.plainString();
      const bit = 1 << once.indexOf(key);
      if (bit > 0) {
        if (seen & bit) fail();
        seen |= bit;
      }
      this.expect(COLON);
      member(key);
    } while (this.take(COMMA));
    this.expect(CLOSE_OBJECT);
  }

  private array<T>(item: () => T): T[] {
    const out: T[] = [];
    this.expect(OPEN_ARRAY);
    if (this.take(CLOSE_ARRAY)) return out;
    do out.push(item());
    while (this.take(COMMA));
    this.expect(CLOSE_ARRAY);
    return out;
  }

  /** Any JSON value, by JSON.parse from its own text (which it checks). */
  private json(): unknown {
    this.whitespace();
    const start = this.pos;
    const c = this.at(start);
    if (c === QUOTE) this.pos = this.stringEnd(start);
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      let depth = 0;
      do {
        const d = this.at(this.pos);
        if (d === QUOTE) {
          this.pos = this.stringEnd(this.pos);
          continue;
        }
        if (Number.isNaN(d)) fail();
        if (d === OPEN_ARRAY || d === OPEN_OBJECT) depth++;
        else if (d === CLOSE_ARRAY || d === CLOSE_OBJECT) depth--;
        this.pos++;
      } while (depth > 0);
    } else {
      while (this.pos < this.bytes.length && !isDelimiter(this.at(this.pos))) this.pos++;
    }
    try {
      return JSON.parse(this.bytes.toString('utf8', start, this.pos));
    } catch {
      return fail();
    }
  }

  /** Index just past the string that opens at `start`. */
  private stringEnd(start: number): number {
    for (let i = start + 1; ;) {
      const c = this.at(i);
      if (Number.isNaN(c)) fail();
      if (c === BACKSLASH) i += 2;
      else if (c === QUOTE) return i + 1;
      else i++;
    }
  }

  /** An ASCII string without escapes or control characters (a key, a type, a sample value). */
  private plainString(): string {
    const start = this.plainStringStart();
    return this.bytes.toString('latin1', start, this.pos++);
  }

  /** A sample value, as parseSampleValue reads its string: a short decimal from its bytes (decimalBytes.ts). */
  private sampleValue(): number {
    const start = this.plainStringStart();
    const end = this.pos++;
    const value = decimalAt(this.bytes, start, end);
    return Number.isNaN(value) ? parseSampleValue(this.bytes.toString('latin1', start, end)) : value;
  }

  /** Reads a plain string up to its closing quote, where it leaves `pos`; returns where its text starts. */
  private plainStringStart(): number {
    this.expect(QUOTE);
    const start = this.pos;
    for (;;) {
      const c = this.at(this.pos);
      if (c === QUOTE) return start;
      if (c === BACKSLASH || c < 0x20 || c > 0x7e || Number.isNaN(c)) fail();
      this.pos++;
    }
  }

  /** A number as JSON writes it (RFC 8259 §6: no sign but minus, no leading zero, digits around the dot). */
  private number(): number {
    this.whitespace();
    const start = this.pos;
    if (this.at(this.pos) === MINUS) this.pos++;
    if (this.at(this.pos) === ZERO) this.pos++;
    else this.digits();
    if (this.at(this.pos) === DOT) {
      this.pos++;
      this.digits();
    }
    const e = this.at(this.pos);
    if (e === LOWER_E || e === UPPER_E) {
      this.pos++;
      const sign = this.at(this.pos);
      if (sign === PLUS || sign === MINUS) this.pos++;
      this.digits();
    }
    const value = decimalAt(this.bytes, start, this.pos);
    return Number.isNaN(value) ? Number(this.bytes.toString('latin1', start, this.pos)) : value;
  }

  /** One or more decimal digits. */
  private digits(): void {
    const start = this.pos;
    while (this.at(this.pos) >= ZERO && this.at(this.pos) <= NINE) this.pos++;
    if (this.pos === start) fail();
  }

  /** The byte at `i`; NaN past the end. */
  private at(i: number): number {
    return i < this.bytes.length ? this.bytes[i]! : Number.NaN;
  }

  private expect(c: number): void {
    if (!this.take(c)) fail();
  }

  private take(c: number): boolean {
    this.whitespace();
    if (this.at(this.pos) !== c) return false;
    this.pos++;
    return true;
  }

  private whitespace(): void {
    for (;;) {
      const c = this.at(this.pos);
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return;
      this.pos++;
    }
  }
}

function fail(): never {
  throw UNEXPECTED;
}

function isDelimiter(c: number): boolean {
  return (
    c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT || c === SPACE || c === LF || c === CR || c === TAB
  );
}

/** A matrix's series as read: its labels and where its points are among the matrix's. */
interface ScannedSeries {
  readonly labels: Labels;
  readonly from: number;
  readonly to: number;
}

/**
 * The series with their points, the matrix's `count` copied out of the scratch into one array: the
 * timestamps of every series, then their values. One allocation a body rather than two a series: a warm
 * start's range query answers a hundred series of 14 days of 5 minutes (32 KiB an array), which glibc
 * placed among the histories allocated beside them and kept as holes when they were freed; as one array
 * (6 MiB there) it is above the mmap threshold deploy/ sets and given back whole (issue 16).
 */
function matrixPoints(series: readonly ScannedSeries[], count: number): RangeSeries[] {
  const points = new Float64Array(2 * count);
  points.set(timestamps.subarray(0, count));
  points.set(values.subarray(0, count), count);
  if (timestamps.length > KEPT_POINTS)
    [timestamps, values] = [new Float64Array(1024), new Float64Array(1024)];
  return series.map(({ labels, from, to }) => ({
    labels,
    timestamps: points.subarray(from, to),
    values: points.subarray(count + from, count + to),
  }));
}

function grown(a: Float64Array): Float64Array {
  const next = new Float64Array(2 * a.length);
  next.set(a);
  return next;
}
