/**
 * The newest `limit` values of a series, oldest first, in one Float32Array: how a service holds each
 * forecast policy's scored forecast outcomes (issue 16: engine memory; the bucket history, read whole
 * far less often, is kept in 16 bits by QuantizedWindow).
 *
 * Float32 is enough: its 24-bit significand keeps a value to within 6e-8 of itself, far below the noise
 * of any demand series and the width of any forecast interval; NaN (a bucket without a value) and
 * ±Infinity are kept as they are. The values stay contiguous, with a little room past the newest that
 * is reclaimed by moving them back when it runs out (once every `limit / 64` values at the limit), so a
 * reader gets them as one array without a copy.
 */
export class Float32Window {
  private data: Float32Array;
  private start = 0;
  private end = 0;

  constructor(
    private limit: number,
    values: ArrayLike<number> = [],
  ) {
    const n = Math.min(values.length, limit);
    this.data = new Float32Array(n + roomFor(limit));
    for (let i = 0; i < n; i++) this.data[i] = values[values.length - n + i]!;
    this.end = n;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** The value at `index` from the oldest (negative: from the newest); undefined outside the window. */
  at(index: number): number | undefined {
    const i = index < 0 ? this.end + index : this.start + index;
    return i >= this.start && i < this.end ? this.data[i] : undefined;
  }

  /** Appends a value, dropping the oldest when the window is full. */
  push(value: number): void {
    if (this.limit <= 0) return;
    if (this.length >= this.limit) this.start++;
    if (this.end === this.data.length) this.makeRoom();
    this.data[this.end++] = value;
  }

  /** Keeps at most the newest `limit` values from now on. */
  setLimit(limit: number): void {
    if (limit === this.limit) return;
    this.limit = limit;
    if (this.length > limit) this.start = this.end - limit;
    if (this.data.length > limit + 2 * roomFor(limit)) this.reallocate(this.length + roomFor(limit));
  }

  /** The values, oldest first, without a copy: valid until the next push. */
  view(): Float32Array {
    return this.data.subarray(this.start, this.end);
  }

  private makeRoom(): void {
    const n = this.length;
    // A window still filling up grows by doubling; a full one moves its values back to the start.
    const wanted = Math.min(this.limit, Math.max(2 * n, MIN_SIZE)) + roomFor(this.limit);
    if (wanted > this.data.length) this.reallocate(wanted);
    else {
      this.data.copyWithin(0, this.start, this.end);
      this.start = 0;
      this.end = n;
    }
  }

  private reallocate(size: number): void {
    const next = new Float32Array(size);
    next.set(this.view());
    this.end = this.length;
    this.start = 0;
    this.data = next;
  }
}

const MIN_SIZE = 64;

/** Spare room past the newest value: a full window moves its values once every this many pushes. */
const roomFor = (limit: number): number => Math.max(16, Math.ceil(limit / 64));
