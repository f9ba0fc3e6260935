/**
 * Blocks of varying size held in large chunks, each known by a number: what issue 16's slabs share (the
 * growth histograms' numbers, FloatSlab; the watches' packed detectors, engine/packedSlab.ts). As typed
 * arrays or buffers of their own, 100,000 policies' blocks are as many mallocs in glibc's main arena, among
 * a tick's garbage, which pins the freed memory around them, and two objects each on V8's heap, whose
 * growing factor multiplies what a full collection keeps. Here the chunks are allocations of their own
 * (above the 128 KiB mmap threshold deploy/base sets, so each is a mapping, given back whole when freed). A
 * block moves when it outgrows its place; a chunk is compacted in place when a quarter of it is blocks given
 * up, and freed when none of its blocks is held. So a block's place is not stable: its holder reads `at`
 * after any `place` or `release` (its own or any other block's).
 *
 * A block: its capacity and its holder's number (FREE once given up), two uint32s, then its contents.
 */
export class ChunkedBlocks {
  private readonly chunks: Array<ArrayBuffer | undefined> = [];
  private readonly u8s: Array<Uint8Array | undefined> = [];
  private readonly u32s: Array<Uint32Array | undefined> = [];
  /** Per chunk: the end of its last block, and the bytes of its blocks given up. */
  private readonly used: number[] = [];
  private readonly freed: number[] = [];
  private current = -1;
  /** Per number: its block's chunk (-1: not held) and byte offset. */
  private chunkOf = new Int32Array(1024).fill(-1);
  private offsetOf = new Int32Array(1024);
  private readonly freeNumbers: number[] = [];
  private numbers = 0;

  /** `onChunk` hears of each chunk made (its index and buffer) and freed (undefined), to keep views of it. */
  constructor(
    private readonly chunkBytes: number,
    private readonly onChunk: (index: number, chunk: ArrayBuffer | undefined) => void,
  ) {}

  /** A number for a new block of `bytes` bytes, all zero. */
  allocate(bytes: number): number {
    const n = this.newNumber();
    this.put(n, capacityFor(bytes));
    return n;
  }

  /**
   * Puts block `number` in a new place of at least `bytes` bytes, zero beyond the first `keep` bytes of its
   * contents, which it keeps.
   */
  move(number: number, bytes: number, keep: number): void {
    const from = this.chunkOf[number]!;
    const fromAt = this.offsetOf[number]!;
    this.put(number, capacityFor(bytes));
    const source = this.u8s[from]!.subarray(fromAt + HEADER, fromAt + HEADER + keep);
    this.u8s[this.chunkOf[number]!]!.set(source, this.at(number));
    this.giveUpAt(from, fromAt);
  }

  /** Gives up block `number`; the number may be handed out again. */
  release(number: number): void {
    this.giveUpAt(this.chunkOf[number]!, this.offsetOf[number]!);
    this.chunkOf[number] = -1;
    this.freeNumbers.push(number);
  }

  /** The index of the chunk holding block `number` (as `onChunk` heard of it). */
  chunkIndex(number: number): number {
    return this.chunkOf[number]!;
  }

  /** Where block `number`'s contents start in its chunk, in bytes (a multiple of 8). */
  at(number: number): number {
    return this.offsetOf[number]! + HEADER;
  }

  /** The bytes block `number` can hold where it is. */
  room(number: number): number {
    return this.u32s[this.chunkOf[number]!]![this.offsetOf[number]! / 4]! - HEADER;
  }

  /** Whether a block holding `bytes` would waste more than a step where block `number` is. */
  oversized(number: number, bytes: number): boolean {
    return this.room(number) + HEADER > capacityFor(bytes) + CAPACITY_STEP;
  }

  /** Bytes of blocks, held or given up and not yet compacted over (for benches and tests). */
  get usedBytes(): number {
    return this.used.reduce((sum, used) => sum + used, 0);
  }

  /** Bytes of the blocks held (for benches and tests). */
  get heldBytes(): number {
    return this.usedBytes - this.freed.reduce((sum, freed) => sum + freed, 0);
  }

  /** Bytes of chunks held (for benches and tests). */
  get bytes(): number {
    return this.chunks.reduce((sum, chunk) => sum + (chunk?.byteLength ?? 0), 0);
  }

  /** Puts block `number` in a new zeroed place of `capacity` bytes, header included. */
  private put(number: number, capacity: number): void {
    const c = this.chunkWithRoom(capacity);
    const at = this.used[c]!;
    this.u8s[c]!.fill(0, at, at + capacity);
    const u32 = this.u32s[c]!;
    u32[at / 4] = capacity;
    u32[at / 4 + 1] = number;
    this.used[c] = at + capacity;
    this.chunkOf[number] = c;
    this.offsetOf[number] = at;
  }

  private newNumber(): number {
    const reused = this.freeNumbers.pop();
    if (reused !== undefined) return reused;
    if (this.numbers === this.chunkOf.length) {
      const chunkOf = new Int32Array(2 * this.numbers).fill(-1);
      chunkOf.set(this.chunkOf);
      const offsetOf = new Int32Array(2 * this.numbers);
      offsetOf.set(this.offsetOf);
      this.chunkOf = chunkOf;
      this.offsetOf = offsetOf;
    }
    return this.numbers++;
  }

  private giveUpAt(c: number, at: number): void {
    const u32 = this.u32s[c]!;
    u32[at / 4 + 1] = FREE;
    this.freed[c]! += u32[at / 4]!;
    if (this.freed[c] === this.used[c] && c !== this.current) {
      this.chunks[c] = this.u8s[c] = this.u32s[c] = undefined;
      this.used[c] = 0;
      this.freed[c] = 0;
      this.onChunk(c, undefined);
    } else if (this.freed[c]! > this.chunks[c]!.byteLength / 4) this.compact(c);
  }

  /** Slides the chunk's held blocks down over those given up. */
  private compact(c: number): void {
    const u32 = this.u32s[c]!;
    const bytes = this.u8s[c]!;
    let to = 0;
    for (let at = 0; at < this.used[c]!;) {
      const capacity = u32[at / 4]!;
      const number = u32[at / 4 + 1]!;
      if (number !== FREE) {
        if (to !== at) bytes.copyWithin(to, at, at + capacity);
        this.offsetOf[number] = to;
        to += capacity;
      }
      at += capacity;
    }
    this.used[c] = to;
    this.freed[c] = 0;
  }

  /** A chunk with `capacity` bytes free at its end: the current one, else the freest, else a new one. */
  private chunkWithRoom(capacity: number): number {
    const fits = (c: number) =>
      this.chunks[c] !== undefined && this.chunks[c].byteLength - this.used[c]! >= capacity;
    if (this.current >= 0 && fits(this.current)) return this.current;
    let best = -1;
    for (let c = 0; c < this.chunks.length; c++)
      if (fits(c) && (best < 0 || this.used[c]! < this.used[best]!)) best = c;
    // A chunk with little room left would be current for a few blocks only: a new one instead.
    if (best < 0 || this.chunks[best]!.byteLength - this.used[best]! < this.chunkBytes / 4) {
      best = this.chunks.indexOf(undefined);
      if (best < 0) best = this.chunks.length;
      const chunk = new ArrayBuffer(Math.max(this.chunkBytes, capacity));
      this.chunks[best] = chunk;
      this.u8s[best] = new Uint8Array(chunk);
      this.u32s[best] = new Uint32Array(chunk);
      this.used[best] = 0;
      this.freed[best] = 0;
      this.onChunk(best, chunk);
    }
    this.current = best;
    return best;
  }
}

/** A block's capacity and holder, before its contents: 8 bytes, so that float64s in it stay aligned. */
const HEADER = 8;
/** Marks a block given up. */
const FREE = 0xffffffff;
/**
 * Blocks are allocated in steps of this: a growth histogram's row widens a few bins (4 bytes each) at a
 * time while it is young, and a week-old packed detector's length moves by a few of its numbers' widths
 * (up to 9 bytes each) from bucket to bucket, so a block moves once in several changes; at most a step
 * beyond its contents, under a tenth of a histogram's block and about 5 % of a week-old detector.
 */
const CAPACITY_STEP = 128;
/**
 * A chunk: about 600 histograms or 400 week-old detectors, over the 128 KiB mmap threshold, and quick to
 * compact (a copy of at most this).
 */
export const CHUNK_BYTES = 1 << 20;

const capacityFor = (bytes: number): number => Math.ceil((HEADER + bytes) / CAPACITY_STEP) * CAPACITY_STEP;
