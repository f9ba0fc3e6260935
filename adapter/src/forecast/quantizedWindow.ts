/**
 * The newest `limit` values of a series, oldest first, in 12 bits a value: how a service holds each
 * forecast policy's bucket history (14 days at 5 minutes: 4,032 buckets, 7.5 KiB here against 16 KiB as
 * float32; issue 16: engine memory).
 *
 * Values are kept in blocks of BLOCK_SIZE. The newest, still-filling block is held as doubles; once full
 * it is quantised linearly between its smallest and largest finite value (kept as doubles): a value
 * comes back within half a step, (largest − smallest) / (2 · MAX_CODE) — 1.2e-4 of its block's range,
 * and exactly for a block's smallest and largest value and for a constant block. NaN (a bucket without
 * a value) and ±Infinity have codes of their own and come back as they were. Two codes take three
 * bytes. Why 12 bits (session 19, docs/limits-and-memory.md): forecasts made from it are as accurate on
 * the trace benches as from 16 bits, while at 10 bits the taxi series' one-hour error rose; a single
 * forecast can move by more than its history's values do at any width, as the fit's choices (the
 * optimiser's optimum, the ensemble) are not continuous in the data.
 */
export const BLOCK_SIZE = 64;
/** The largest code of a finite value; the three above it stand for NaN, +Infinity and −Infinity. */
export const MAX_CODE = 4_092;
const NAN_CODE = 4_093;
const POSITIVE_INFINITY_CODE = 4_094;
const NEGATIVE_INFINITY_CODE = 4_095;
/** Bytes of a block's codes (BLOCK_SIZE is even: two codes in three bytes). */
const BLOCK_BYTES = (BLOCK_SIZE * 3) / 2;

/** The largest error of a value in a block whose finite values span [low, high]. */
export const quantizationBound = (low: number, high: number): number => (high - low) / (2 * MAX_CODE);

/**
 * Where view() decodes to, shared by every window: the history is read whole only to fit, forecast or
 * score it, one series at a time, so a service keeps one decoded copy instead of one per policy.
 */
let decoded = new Float64Array(0);

export class QuantizedWindow {
  /** Codes of the full blocks, a ring of `capacity` blocks starting at block `first`. */
  private codes: Uint8Array;
  /** Per ring block its smallest and largest finite value, then the filling block's values. */
  private doubles: Float64Array;
  private capacity = 0;
  private first = 0;
  private blocks = 0;
  /** Values dropped from the start of the oldest block (or of the filling block when there is none). */
  private skip = 0;
  private filling = 0;

  constructor(
    private limit: number,
    values: ArrayLike<number> = [],
  ) {
    this.capacity = capacityFor(limit);
    [this.doubles, this.codes] = allocate(this.capacity);
    for (let i = Math.max(0, values.length - limit); i < values.length; i++) this.push(values[i]!);
  }

  get length(): number {
    return this.blocks * BLOCK_SIZE - this.skip + this.filling;
  }

  /** The value at `index` from the oldest (negative: from the newest); undefined outside the window. */
  at(index: number): number | undefined {
    const n = this.length;
    const i = index < 0 ? n + index : index;
    if (i < 0 || i >= n) return undefined;
    const position = this.skip + i;
    const block = Math.floor(position / BLOCK_SIZE);
    if (block >= this.blocks) return this.doubles[2 * this.capacity + position - this.blocks * BLOCK_SIZE];
    const slot = (this.first + block) % this.capacity;
    const low = this.doubles[2 * slot]!;
    const high = this.doubles[2 * slot + 1]!;
    return decode(readCode(this.codes, slot, position % BLOCK_SIZE), low, high, step(low, high));
  }

  /** Appends a value, dropping the oldest when the window is full. */
  push(value: number): void {
    if (this.limit <= 0) return;
    this.doubles[2 * this.capacity + this.filling++] = value;
    if (this.filling === BLOCK_SIZE) this.seal();
    this.trim();
  }

  /** Keeps at most the newest `limit` values from now on. */
  setLimit(limit: number): void {
    if (limit === this.limit) return;
    this.limit = limit;
    this.trim();
    if (capacityFor(limit) !== this.capacity) this.reallocate(capacityFor(limit));
  }

  /**
   * The values, oldest first, as doubles: valid until the next view() of any window (one buffer serves
   * them all).
   */
  view(): Float64Array {
    const n = this.length;
    if (decoded.length < n) decoded = new Float64Array(Math.max(n, 2 * decoded.length));
    let k = 0;
    for (let b = 0; b < this.blocks; b++) {
      const slot = (this.first + b) % this.capacity;
      const low = this.doubles[2 * slot]!;
      const high = this.doubles[2 * slot + 1]!;
      const s = step(low, high);
      for (let j = b === 0 ? this.skip : 0; j < BLOCK_SIZE; j++)
        decoded[k++] = decode(readCode(this.codes, slot, j), low, high, s);
    }
    const tail = 2 * this.capacity;
    for (let j = this.blocks === 0 ? this.skip : 0; j < this.filling; j++)
      decoded[k++] = this.doubles[tail + j]!;
    return decoded.subarray(0, n);
  }

  /** Quantises the filling block into the ring. */
  private seal(): void {
    const slot = (this.first + this.blocks) % this.capacity;
    const tail = 2 * this.capacity;
    let low = Infinity;
    let high = -Infinity;
    for (let j = 0; j < BLOCK_SIZE; j++) {
      const v = this.doubles[tail + j]!;
      if (Number.isFinite(v)) {
        if (v < low) low = v;
        if (v > high) high = v;
      }
    }
    if (low > high) low = high = 0;
    const s = step(low, high);
    for (let j = 0; j < BLOCK_SIZE; j += 2)
      writeCodes(
        this.codes,
        slot,
        j,
        encode(this.doubles[tail + j]!, low, high, s),
        encode(this.doubles[tail + j + 1]!, low, high, s),
      );
    this.doubles[2 * slot] = low;
    this.doubles[2 * slot + 1] = high;
    this.blocks++;
    this.filling = 0;
  }

  /** Drops the oldest values beyond the limit. */
  private trim(): void {
    let excess = this.length - Math.max(0, this.limit);
    while (excess > 0) {
      const inFirst = this.blocks > 0 ? BLOCK_SIZE - this.skip : this.filling - this.skip;
      if (excess < inFirst || this.blocks === 0) {
        this.skip += Math.min(excess, inFirst);
        excess = 0;
      } else {
        excess -= inFirst;
        this.first = (this.first + 1) % this.capacity;
        this.blocks--;
        this.skip = 0;
      }
    }
    if (this.blocks === 0 && this.skip === this.filling) this.skip = this.filling = 0;
  }

  private reallocate(capacity: number): void {
    const [doubles, codes] = allocate(capacity);
    for (let b = 0; b < this.blocks; b++) {
      const slot = (this.first + b) % this.capacity;
      codes.set(this.codes.subarray(slot * BLOCK_BYTES, (slot + 1) * BLOCK_BYTES), b * BLOCK_BYTES);
      doubles[2 * b] = this.doubles[2 * slot]!;
      doubles[2 * b + 1] = this.doubles[2 * slot + 1]!;
    }
    doubles.set(this.doubles.subarray(2 * this.capacity, 2 * this.capacity + this.filling), 2 * capacity);
    this.codes = codes;
    this.doubles = doubles;
    this.capacity = capacity;
    this.first = 0;
  }
}

/** Blocks a window of `limit` values spans at most, with its oldest block partly dropped. */
const capacityFor = (limit: number): number => Math.max(1, Math.ceil(Math.max(0, limit) / BLOCK_SIZE) + 1);

/**
 * A window's doubles and its codes in one buffer (one allocation, one buffer object less a policy): the
 * doubles first, where they are aligned.
 */
function allocate(capacity: number): [Float64Array, Uint8Array] {
  const doubles = 2 * capacity + BLOCK_SIZE;
  const buffer = new ArrayBuffer(doubles * 8 + capacity * BLOCK_BYTES);
  return [new Float64Array(buffer, 0, doubles), new Uint8Array(buffer, doubles * 8)];
}

/** Code `j` of ring block `slot`: codes 2i and 2i + 1 share the three bytes from 3i, low bits first. */
function readCode(codes: Uint8Array, slot: number, j: number): number {
  const at = slot * BLOCK_BYTES + (j >> 1) * 3;
  return j % 2 === 0
    ? codes[at]! | ((codes[at + 1]! & 0x0f) << 8)
    : (codes[at + 1]! >> 4) | (codes[at + 2]! << 4);
}

/** Writes codes `j` (even) and `j + 1` of ring block `slot`. */
function writeCodes(codes: Uint8Array, slot: number, j: number, even: number, odd: number): void {
  const at = slot * BLOCK_BYTES + (j >> 1) * 3;
  codes[at] = even & 0xff;
  codes[at + 1] = (even >> 8) | ((odd & 0x0f) << 4);
  codes[at + 2] = odd >> 4;
}

const step = (low: number, high: number): number => (high - low) / MAX_CODE;

function encode(v: number, low: number, high: number, s: number): number {
  if (Number.isNaN(v)) return NAN_CODE;
  if (v === Infinity) return POSITIVE_INFINITY_CODE;
  if (v === -Infinity) return NEGATIVE_INFINITY_CODE;
  if (v >= high) return MAX_CODE;
  return s > 0 ? Math.min(MAX_CODE, Math.max(0, Math.round((v - low) / s))) : 0;
}

function decode(code: number, low: number, high: number, s: number): number {
  if (code < MAX_CODE) return low + code * s;
  if (code === MAX_CODE) return high;
  return code === NAN_CODE ? Number.NaN : code === POSITIVE_INFINITY_CODE ? Infinity : -Infinity;
}
