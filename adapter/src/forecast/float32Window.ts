/**
 * The newest `limit` values of one or more parallel series (`columns`), oldest first, in one Float32Array:
 * how a service holds each forecast policy's scored forecast outcomes, three series in one window (issue
 * 16: engine memory, scoredOutcomes.ts; the bucket history, read whole far less often, is kept in 16 bits
 * by QuantizedWindow).
 *
 * Float32 is enough: its 24-bit significand keeps a value to within 6e-8 of itself, far below the noise
 * of any demand series and the width of any forecast interval; NaN (a bucket without a value) and
 * ±Infinity are kept as they are. The values stay contiguous, with a little room past the newest that
 * is reclaimed by moving them back when it runs out (once every `limit / 64` values at the limit), so a
 * reader gets each series as one array without a copy.
 */
export class Float32Window {
  private data: Float32Array;
  private start = 0;
  private end = 0;

  constructor(
    private limit: number,
    /** The first series' values to start with (a window of one series). */
    values: ArrayLike<number> = [],
    private readonly columns = 1,
  ) {
    const n = Math.min(values.length, limit);
    this.data = new Float32Array((n + roomFor(limit)) * columns);
    for (let i = 0; i < n; i++) this.data[i] = values[values.length - n + i]!;
    this.end = n;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** The value at `index` from the oldest (negative: from the newest); undefined outside the window. */
  at(index: number, column = 0): number | undefined {
    const i = index < 0 ? this.end + index : this.start + index;
    return i >= this.start && i < this.end ? this.data[column * this.stride + i] : undefined;
  }

  /** Appends a value to each series, dropping the oldest when the window is full. */
  push(...values: number[]): void {
    if (this.limit <= 0) return;
    if (this.length >= this.limit) this.start++;
    if (this.end === this.stride) this.makeRoom();
    for (let c = 0; c < this.columns; c++) this.data[c * this.stride + this.end] = values[c]!;
    this.end++;
  }

  /** Keeps at most the newest `limit` values from now on. */
  setLimit(limit: number): void {
    if (limit === this.limit) return;
    this.limit = limit;
    if (this.length > limit) this.start = this.end - limit;
    if (this.stride > limit + 2 * roomFor(limit)) this.reallocate(this.length + roomFor(limit));
  }

  /** The values of a series, oldest first, without a copy: valid until the next push. */
  view(column = 0): Float32Array {
    const offset = column * this.stride;
    return this.data.subarray(offset + this.start, offset + this.end);
  }

  /** Room for values of each series. */
  private get stride(): number {
    return this.data.length / this.columns;
  }

  private makeRoom(): void {
    const n = this.length;
    // A window still filling up grows by doubling; a full one moves its values back to the start.
    const wanted = Math.min(this.limit, Math.max(2 * n, MIN_SIZE)) + roomFor(this.limit);
    if (wanted > this.stride) this.reallocate(wanted);
    else {
      for (let c = 0; c < this.columns; c++)
        this.data.copyWithin(c * this.stride, c * this.stride + this.start, c * this.stride + this.end);
      this.start = 0;
      this.end = n;
    }
  }

  private reallocate(size: number): void {
    const next = new Float32Array(size * this.columns);
    for (let c = 0; c < this.columns; c++) next.set(this.view(c), c * size);
    this.end = this.length;
    this.start = 0;
    this.data = next;
  }
}

const MIN_SIZE = 64;

/** Spare room past the newest value: a full window moves its values once every this many pushes. */
const roomFor = (limit: number): number => Math.max(16, Math.ceil(limit / 64));
