/**
 * Blocks of numbers (float32 or float64, read through views of the chunk that holds them) of varying size
 * held in large chunks, each known by a number (issue 16: 100,000 policies' growth histograms, about 1.7 KiB
 * of bins and row state each). As typed arrays of their own, each block is a malloc in glibc's main arena
 * beside a tick's garbage, and two objects (the array and its buffer, about 180 bytes) on V8's heap, whose
 * growing factor multiplies what a full collection keeps. Here the chunks are allocations of their own
 * (above the 128 KiB mmap threshold deploy/base sets, so each is a mapping, given back whole when freed). A
 * block grows in place while it fits its capacity, else moves; a chunk is compacted in place when a quarter
 * of it is blocks given up, and freed when none of its blocks is held. So a block's place is not stable:
 * its holder reads `at` after any `resize` (its own or, after a release or resize, any other block's).
 *
 * A block: its capacity and its holder's number (FREE once given up), as two uint32s, then its contents.
 */
export class FloatSlab {
  private readonly chunks: Array<ArrayBuffer | undefined> = [];
  private readonly f32s: Array<Float32Array | undefined> = [];
  private readonly f64s: Array<Float64Array | undefined> = [];
  private readonly u32s: Array<Uint32Array | undefined> = [];
  private readonly u8s: Array<Uint8Array | undefined> = [];
  /** Per chunk: the end of its last block, and the bytes of its blocks given up. */
  private readonly used: number[] = [];
  private readonly freed: number[] = [];
  private current = -1;
  /** Per number: its block's chunk (-1: not held) and byte offset. */
  private chunkOf = new Int32Array(1024).fill(-1);
  private offsetOf = new Int32Array(1024);
  private readonly freeNumbers: number[] = [];
  private numbers = 0;

  constructor(private readonly chunkBytes = CHUNK_BYTES) {}

  /** A new block of at least `bytes` bytes, all zero; returns its number. */
  allocate(bytes: number): number {
    const n = this.newNumber();
    this.place(n, capacityFor(bytes));
    return n;
  }

  /**
   * Makes block `number` at least `bytes` bytes long, its contents kept and any new bytes zero; it may
   * move, and so may other blocks.
   */
  resize(number: number, bytes: number): void {
    const capacity = capacityFor(bytes);
    const held = this.capacity(number);
    if (held >= capacity) return;
    const from = this.chunkOf[number]!;
    const fromAt = this.offsetOf[number]!;
    this.place(number, capacity);
    const to = this.chunkOf[number]!;
    const source = this.u8s[from]!;
    this.u8s[to]!.set(source.subarray(fromAt + HEADER, fromAt + held), this.offsetOf[number]! + HEADER);
    this.giveUpAt(from, fromAt);
  }

  /** Gives up block `number`; the number may be handed out again. */
  release(number: number): void {
    this.giveUpAt(this.chunkOf[number]!, this.offsetOf[number]!);
    this.chunkOf[number] = -1;
    this.freeNumbers.push(number);
  }

  /** The chunk holding block `number`, as float32s (the block's first at `at(number) / 4`). */
  f32(number: number): Float32Array {
    return this.f32s[this.chunkOf[number]!]!;
  }

  /** The chunk holding block `number`, as float64s (the block's first at `at(number) / 8`). */
  f64(number: number): Float64Array {
    return this.f64s[this.chunkOf[number]!]!;
  }

  /** The chunk holding block `number`, as bytes (the block's first at `at(number)`). */
  u8(number: number): Uint8Array {
    return this.u8s[this.chunkOf[number]!]!;
  }

  /** Where block `number`'s contents start in its chunk, in bytes (a multiple of 8). */
  at(number: number): number {
    return this.offsetOf[number]! + HEADER;
  }

  /** Bytes of chunks held (for benches and tests). */
  get bytes(): number {
    return this.chunks.reduce((sum, chunk) => sum + (chunk?.byteLength ?? 0), 0);
  }

  /** Bytes of the blocks held (for benches and tests). */
  get heldBytes(): number {
    let sum = 0;
    for (let c = 0; c < this.chunks.length; c++) sum += this.used[c]! - this.freed[c]!;
    return sum;
  }

  private capacity(number: number): number {
    return this.u32s[this.chunkOf[number]!]![this.offsetOf[number]! / 4]!;
  }

  /** Puts block `number` in a new zeroed place of `capacity` bytes. */
  private place(number: number, capacity: number): void {
    const c = this.room(capacity);
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
      this.chunks[c] = this.f32s[c] = this.f64s[c] = this.u32s[c] = this.u8s[c] = undefined;
      this.used[c] = 0;
      this.freed[c] = 0;
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
  private room(capacity: number): number {
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
      this.f32s[best] = new Float32Array(chunk);
      this.f64s[best] = new Float64Array(chunk);
      this.u32s[best] = new Uint32Array(chunk);
      this.u8s[best] = new Uint8Array(chunk);
      this.used[best] = 0;
      this.freed[best] = 0;
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
 * time while it is young, so a block moves once in several widenings; at most a step beyond its contents,
 * under a tenth of a histogram's block.
 */
const CAPACITY_STEP = 128;
/** A chunk: about 600 histograms, over the 128 KiB mmap threshold, and quick to compact (a copy of at most this). */
const CHUNK_BYTES = 1 << 20;

const capacityFor = (bytes: number): number => Math.ceil((HEADER + bytes) / CAPACITY_STEP) * CAPACITY_STEP;
