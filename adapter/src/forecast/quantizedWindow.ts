/**
 * The newest `limit` values of a series, oldest first, in 12 bits a value (or 8, below): how a service
 * holds each forecast policy's bucket history (14 days at 5 minutes: 4,032 buckets, 7.5 KiB in 12 bits,
 * 5.7 with all but the newest day in 8, against 16 KiB as float32; issue 16: engine memory).
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
 *
 * A window may keep only its newest `fine` values so (rounded up to whole blocks): an older block is
 * coarsened to 8 bits a code between the same extremes (64 bytes instead of 96), so a value comes back
 * within (largest − smallest) / (2 · COARSE_MAX_CODE) + quantizationBound — 2.1e-3 of its block's range,
 * still exactly at its extremes. Why (issue 16, docs/limits-and-memory.md, session 23): the older
 * values are read only through sums over many of them (seasonal averages, backtest errors, the MASE
 * scale) and by models whose state the newest values set, and their error is far below any forecast's.
 */
export const BLOCK_SIZE = 64;
/** The largest code of a finite value; the three above it stand for NaN, +Infinity and −Infinity. */
export const MAX_CODE = 4_092;
const NAN_CODE = 4_093;
const POSITIVE_INFINITY_CODE = 4_094;
const NEGATIVE_INFINITY_CODE = 4_095;
/** Bytes of a block's codes (BLOCK_SIZE is even: two codes in three bytes). */
const BLOCK_BYTES = (BLOCK_SIZE * 3) / 2;
/** The largest code of a finite value in a coarsened block (a byte a code); the three above as above. */
export const COARSE_MAX_CODE = 252;
const COARSE_NAN_CODE = 253;

/** The largest error of a value in a coarsened block whose finite values span [low, high]. */
export const coarseBound = (low: number, high: number): number =>
  (high - low) / (2 * COARSE_MAX_CODE) + quantizationBound(low, high);

/** The largest error of a value in a block whose finite values span [low, high]. */
export const quantizationBound = (low: number, high: number): number => (high - low) / (2 * MAX_CODE);

/**
 * Where view() decodes to, shared by every window: the history is read whole only to fit, forecast or
 * score it, one series at a time, so a service keeps one decoded copy instead of one per policy.
 */
let decoded = new Float64Array(0);

export class QuantizedWindow {
  /** Codes of the full blocks: a ring of `fineCapacity` blocks of 12 bits, then one of `coarseCapacity` of 8. */
  private codes: Uint8Array;
  /** Per ring block its smallest and largest finite value (the fine ring's, the coarse ring's), then the filling block's values. */
  private doubles: Float64Array;
  private fineCapacity = 0;
  private coarseCapacity = 0;
  /** The oldest block of each ring and how many it holds: the coarse ring's blocks are the older. */
  private fineFirst = 0;
  private fineBlocks = 0;
  private coarseFirst = 0;
  private coarseBlocks = 0;
  /** Values dropped from the start of the oldest block (or of the filling block when there is none). */
  private skip = 0;
  private filling = 0;

  constructor(
    private limit: number,
    values: ArrayLike<number> = [],
    /** The newest values kept in 12 bits (older ones in 8); all of them when undefined. */
    private readonly fine?: number,
  ) {
    this.fineCapacity = fineCapacityFor(limit, fine);
    this.coarseCapacity = capacityFor(limit) - this.fineCapacity;
    [this.doubles, this.codes] = allocate(this.fineCapacity, this.coarseCapacity);
    for (let i = Math.max(0, values.length - limit); i < values.length; i++) this.push(values[i]!);
  }

  get length(): number {
    return (this.coarseBlocks + this.fineBlocks) * BLOCK_SIZE - this.skip + this.filling;
  }

  /** The value at `index` from the oldest (negative: from the newest); undefined outside the window. */
  at(index: number): number | undefined {
    const n = this.length;
    const i = index < 0 ? n + index : index;
    if (i < 0 || i >= n) return undefined;
    const position = this.skip + i;
    const block = Math.floor(position / BLOCK_SIZE);
    const blocks = this.coarseBlocks + this.fineBlocks;
    if (block >= blocks) return this.doubles[this.tail + position - blocks * BLOCK_SIZE];
    const j = position % BLOCK_SIZE;
    if (block < this.coarseBlocks) {
      const slot = (this.coarseFirst + block) % this.coarseCapacity;
      const low = this.doubles[this.coarseExtremes + 2 * slot]!;
      const high = this.doubles[this.coarseExtremes + 2 * slot + 1]!;
      return decodeCoarse(
        this.codes[this.coarseCodes + slot * BLOCK_SIZE + j]!,
        low,
        high,
        coarseStep(low, high),
      );
    }
    const slot = (this.fineFirst + block - this.coarseBlocks) % this.fineCapacity;
    const low = this.doubles[2 * slot]!;
    const high = this.doubles[2 * slot + 1]!;
    return decode(readCode(this.codes, slot, j), low, high, step(low, high));
  }

  /** Appends a value, dropping the oldest when the window is full. */
  push(value: number): void {
    if (this.limit <= 0) return;
    this.doubles[this.tail + this.filling++] = value;
    if (this.filling === BLOCK_SIZE) this.seal();
    this.trim();
  }

  /** Keeps at most the newest `limit` values from now on. */
  setLimit(limit: number): void {
    if (limit === this.limit) return;
    this.limit = limit;
    this.trim();
    const fine = fineCapacityFor(limit, this.fine);
    if (fine !== this.fineCapacity || capacityFor(limit) - fine !== this.coarseCapacity)
      this.reallocate(fine, capacityFor(limit) - fine);
  }

  /**
   * The values, oldest first, as doubles: valid until the next view() of any window (one buffer serves
   * them all).
   */
  view(): Float64Array {
    const n = this.length;
    if (decoded.length < n) decoded = new Float64Array(Math.max(n, 2 * decoded.length));
    let k = 0;
    for (let b = 0; b < this.coarseBlocks; b++) {
      const slot = (this.coarseFirst + b) % this.coarseCapacity;
      const low = this.doubles[this.coarseExtremes + 2 * slot]!;
      const high = this.doubles[this.coarseExtremes + 2 * slot + 1]!;
      const s = coarseStep(low, high);
      const at = this.coarseCodes + slot * BLOCK_SIZE;
      for (let j = b === 0 ? this.skip : 0; j < BLOCK_SIZE; j++)
        decoded[k++] = decodeCoarse(this.codes[at + j]!, low, high, s);
    }
    for (let b = 0; b < this.fineBlocks; b++) {
      const slot = (this.fineFirst + b) % this.fineCapacity;
      const low = this.doubles[2 * slot]!;
      const high = this.doubles[2 * slot + 1]!;
      const s = step(low, high);
      for (let j = b === 0 && this.coarseBlocks === 0 ? this.skip : 0; j < BLOCK_SIZE; j++)
        decoded[k++] = decode(readCode(this.codes, slot, j), low, high, s);
    }
    const tail = this.tail;
    for (let j = this.coarseBlocks + this.fineBlocks === 0 ? this.skip : 0; j < this.filling; j++)
      decoded[k++] = this.doubles[tail + j]!;
    return decoded.subarray(0, n);
  }

  /** Where the filling block's values start in `doubles`. */
  private get tail(): number {
    return 2 * (this.fineCapacity + this.coarseCapacity);
  }

  /** Where the coarse ring's extremes start in `doubles`. */
  private get coarseExtremes(): number {
    return 2 * this.fineCapacity;
  }

  /** Where the coarse ring's codes start in `codes`. */
  private get coarseCodes(): number {
    return this.fineCapacity * BLOCK_BYTES;
  }

  /** Quantises the filling block into the fine ring, first coarsening its oldest block when it is full. */
  private seal(): void {
    if (this.fineBlocks === this.fineCapacity) {
      this.coarsen(this.fineFirst, (this.coarseFirst + this.coarseBlocks) % this.coarseCapacity);
      this.fineFirst = (this.fineFirst + 1) % this.fineCapacity;
      this.fineBlocks--;
      this.coarseBlocks++;
    }
    const slot = (this.fineFirst + this.fineBlocks) % this.fineCapacity;
    const tail = this.tail;
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
    this.fineBlocks++;
    this.filling = 0;
  }

  /** Writes fine ring block `from` as coarse ring block `to`. */
  private coarsen(from: number, to: number): void {
    this.doubles[this.coarseExtremes + 2 * to] = this.doubles[2 * from]!;
    this.doubles[this.coarseExtremes + 2 * to + 1] = this.doubles[2 * from + 1]!;
    const at = this.coarseCodes + to * BLOCK_SIZE;
    for (let j = 0; j < BLOCK_SIZE; j++) this.codes[at + j] = coarseCode(readCode(this.codes, from, j));
  }

  /** Drops the oldest values beyond the limit. */
  private trim(): void {
    let excess = this.length - Math.max(0, this.limit);
    while (excess > 0) {
      const blocks = this.coarseBlocks + this.fineBlocks;
      const inFirst = blocks > 0 ? BLOCK_SIZE - this.skip : this.filling - this.skip;
      if (excess < inFirst || blocks === 0) {
        this.skip += Math.min(excess, inFirst);
        excess = 0;
      } else {
        excess -= inFirst;
        if (this.coarseBlocks > 0) {
          this.coarseFirst = (this.coarseFirst + 1) % this.coarseCapacity;
          this.coarseBlocks--;
        } else {
          this.fineFirst = (this.fineFirst + 1) % this.fineCapacity;
          this.fineBlocks--;
        }
        this.skip = 0;
      }
    }
    if (this.coarseBlocks + this.fineBlocks === 0 && this.skip === this.filling) this.skip = this.filling = 0;
  }

  /**
   * Moves the blocks into rings of the given capacities. The fine blocks always fit: the fine ring shrinks
   * only with the whole window's capacity, and the trim before leaves fewer blocks than that.
   */
  private reallocate(fineCapacity: number, coarseCapacity: number): void {
    const [doubles, codes] = allocate(fineCapacity, coarseCapacity);
    const coarseExtremes = 2 * fineCapacity;
    const coarseCodes = fineCapacity * BLOCK_BYTES;
    for (let b = 0; b < this.coarseBlocks; b++) {
      const slot = (this.coarseFirst + b) % this.coarseCapacity;
      const at = this.coarseCodes + slot * BLOCK_SIZE;
      codes.set(this.codes.subarray(at, at + BLOCK_SIZE), coarseCodes + b * BLOCK_SIZE);
      doubles[coarseExtremes + 2 * b] = this.doubles[this.coarseExtremes + 2 * slot]!;
      doubles[coarseExtremes + 2 * b + 1] = this.doubles[this.coarseExtremes + 2 * slot + 1]!;
    }
    for (let b = 0; b < this.fineBlocks; b++) {
      const slot = (this.fineFirst + b) % this.fineCapacity;
      codes.set(this.codes.subarray(slot * BLOCK_BYTES, (slot + 1) * BLOCK_BYTES), b * BLOCK_BYTES);
      doubles[2 * b] = this.doubles[2 * slot]!;
      doubles[2 * b + 1] = this.doubles[2 * slot + 1]!;
    }
    doubles.set(
      this.doubles.subarray(this.tail, this.tail + this.filling),
      2 * (fineCapacity + coarseCapacity),
    );
    this.codes = codes;
    this.doubles = doubles;
    this.fineCapacity = fineCapacity;
    this.coarseCapacity = coarseCapacity;
    this.fineFirst = 0;
    this.coarseFirst = 0;
  }
}

/** Blocks a window of `limit` values spans at most, with its oldest block partly dropped. */
const capacityFor = (limit: number): number => Math.max(1, Math.ceil(Math.max(0, limit) / BLOCK_SIZE) + 1);

/** Blocks of the fine ring: those the newest `fine` values span (all when undefined), at least one. */
const fineCapacityFor = (limit: number, fine: number | undefined): number =>
  fine === undefined
    ? capacityFor(limit)
    : Math.min(capacityFor(limit), Math.max(1, Math.ceil(fine / BLOCK_SIZE)));

/**
 * A window's doubles and its codes in one buffer (one allocation, one buffer object less a policy): the
 * doubles first, where they are aligned.
 */
function allocate(fineCapacity: number, coarseCapacity: number): [Float64Array, Uint8Array] {
  const doubles = 2 * (fineCapacity + coarseCapacity) + BLOCK_SIZE;
  const buffer = new ArrayBuffer(doubles * 8 + fineCapacity * BLOCK_BYTES + coarseCapacity * BLOCK_SIZE);
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

/** A 12-bit code as the 8-bit code of the same value, between the same extremes (which stay exact). */
function coarseCode(code: number): number {
  if (code > MAX_CODE) return code - NAN_CODE + COARSE_NAN_CODE;
  return Math.round((code * COARSE_MAX_CODE) / MAX_CODE);
}

const coarseStep = (low: number, high: number): number => (high - low) / COARSE_MAX_CODE;

function decodeCoarse(code: number, low: number, high: number, s: number): number {
  if (code < COARSE_MAX_CODE) return low + code * s;
  if (code === COARSE_MAX_CODE) return high;
  return code === COARSE_NAN_CODE ? Number.NaN : code === COARSE_NAN_CODE + 1 ? Infinity : -Infinity;
}

function decode(code: number, low: number, high: number, s: number): number {
  if (code < MAX_CODE) return low + code * s;
  if (code === MAX_CODE) return high;
  return code === NAN_CODE ? Number.NaN : code === POSITIVE_INFINITY_CODE ? Infinity : -Infinity;
}
