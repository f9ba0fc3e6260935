/**
 * Recent demand per policy at the tick step, kept in memory so the reactive distribution needs no
 * range query per tick: warm-started once from Prometheus, then fed by each tick's instant value.
 * Held as float32, half the bytes of float64 (at 100,000 policies and an hour at 15 s, 108 MB less): a
 * sample keeps 24 significant bits, within a relative 2^-24 (6e-8) of the value Prometheus gave, far
 * below any demand's noise; values beyond float32's range (3.4e38) would read back as Infinity.
 *
 * Each policy's window is a block of `capacity` samples and an eighth more: samples are appended and
 * never overwritten, and when the block is full the newest ones move to a fresh block (once every
 * capacity/8 samples), so a view handed out earlier keeps its values while costing no copy. The blocks,
 * all of one size, lie side by side in large chunks (issue 16): as a typed array each, a window was a malloc
 * of 1 KiB made again once in 30 ticks in glibc's main arena among a tick's garbage, and two objects
 * (the array and its buffer, with the window's own about 240 bytes) on V8's heap, whose growing factor
 * multiplies what a full collection keeps. A block left behind is handed out again only after the next
 * `retain` (the next tick's start), so a view stays unchanged for the tick it was handed out in.
 */
export class RecentDemand {
  /** Per policy, its window's number. */
  private readonly windows = new Map<string, number>();
  /** Per window number: its block, the end of its samples in it, and how many it holds (up to capacity). */
  private blockOf = new Int32Array(INITIAL_WINDOWS);
  private endOf = new Int32Array(INITIAL_WINDOWS);
  private lengthOf = new Int32Array(INITIAL_WINDOWS);
  private readonly freeWindows: number[] = [];
  private windowCount = 0;
  private readonly blocks: FixedBlocks;

  constructor(private readonly capacity: number) {
    this.blocks = new FixedBlocks(capacity + Math.max(1, Math.ceil(capacity / 8)));
  }

  has(key: string): boolean {
    return this.windows.has(key);
  }

  /** Replaces a policy's history with `values` (oldest first), e.g. from a range query. */
  seed(key: string, values: Float64Array | Float32Array): void {
    const old = this.windows.get(key);
    if (old !== undefined) this.forget(old);
    const w = this.newWindow();
    this.windows.set(key, w);
    const kept = values.subarray(Math.max(0, values.length - this.capacity));
    this.blocks.chunkOf(this.blockOf[w]!).set(kept, this.blocks.offsetOf(this.blockOf[w]!));
    this.endOf[w] = kept.length;
    this.lengthOf[w] = kept.length;
  }

  /** Appends one sample; NaN keeps the step when a tick had no value. */
  push(key: string, value: number): void {
    let w = this.windows.get(key);
    if (w === undefined) {
      w = this.newWindow();
      this.windows.set(key, w);
    }
    let block = this.blockOf[w]!;
    let end = this.endOf[w]!;
    if (end === this.blocks.size) {
      const kept = this.capacity - 1;
      const next = this.blocks.allocate();
      const at = this.blocks.offsetOf(block);
      this.blocks
        .chunkOf(next)
        .set(this.blocks.chunkOf(block).subarray(at + end - kept, at + end), this.blocks.offsetOf(next));
      this.blocks.release(block);
      this.blockOf[w] = block = next;
      end = kept;
    }
    this.blocks.chunkOf(block)[this.blocks.offsetOf(block) + end] = value;
    this.endOf[w] = end + 1;
    this.lengthOf[w] = Math.min(this.lengthOf[w]! + 1, this.capacity);
  }

  /** The policy's samples, oldest first: a view that later pushes leave unchanged (no copy per tick). */
  values(key: string): Float32Array {
    const w = this.windows.get(key);
    if (w === undefined) return EMPTY;
    const block = this.blockOf[w]!;
    const end = this.blocks.offsetOf(block) + this.endOf[w]!;
    return this.blocks.chunkOf(block).subarray(end - this.lengthOf[w]!, end);
  }

  /**
   * Forgets policies that are no longer configured. Called once a tick before any other call: the blocks
   * left behind before it may be handed out again (see the class).
   */
  retain(keys: ReadonlySet<string>): void {
    this.blocks.reuseReleased();
    // No view of the tick before is read any more: blocks may move, so chunks given up can be freed
    // (those of the windows forgotten below at the next tick's, once their blocks are free).
    this.blocks.shrink((moves) => {
      for (const w of this.windows.values()) {
        const to = moves.get(this.blockOf[w]!);
        if (to !== undefined) this.blockOf[w] = to;
      }
    });
    for (const [key, w] of this.windows)
      if (!keys.has(key)) {
        this.windows.delete(key);
        this.forget(w);
      }
  }

  private newWindow(): number {
    let w = this.freeWindows.pop();
    if (w === undefined) {
      w = this.windowCount++;
      if (w === this.blockOf.length) {
        this.blockOf = grown(this.blockOf);
        this.endOf = grown(this.endOf);
        this.lengthOf = grown(this.lengthOf);
      }
    }
    this.blockOf[w] = this.blocks.allocate();
    this.endOf[w] = 0;
    this.lengthOf[w] = 0;
    return w;
  }

  private forget(w: number): void {
    this.blocks.release(this.blockOf[w]!);
    this.freeWindows.push(w);
  }
}

const EMPTY = new Float32Array(0);
const INITIAL_WINDOWS = 1024;

function grown(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const next = new Int32Array(2 * array.length);
  next.set(array);
  return next;
}

/**
 * Blocks of `size` float32s in chunks of about CHUNK_BYTES (above the 128 KiB mmap threshold deploy/base
 * sets, so each is a mapping of its own), each known by a number. A block released is handed out again
 * only after `reuseReleased`. The last chunk is freed (`shrink`) once the free blocks could take every
 * block handed out in it and a quarter of a chunk besides: the windows are as many as the policies, so
 * after a reload to fewer, not at every policy that goes, and a few that come back find room.
 */
export class FixedBlocks {
  private readonly chunks: Float32Array[] = [];
  private readonly perChunk: number;
  private free: number[] = [];
  private released: number[] = [];
  private count = 0;

  constructor(readonly size: number) {
    this.perChunk = Math.max(1, Math.floor(CHUNK_BYTES / (4 * size)));
  }

  allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const n = this.count++;
    if (n === this.chunks.length * this.perChunk)
      this.chunks.push(new Float32Array(this.perChunk * this.size));
    return n;
  }

  /** Gives block `n` up, to be handed out again after the next `reuseReleased`. */
  release(n: number): void {
    this.released.push(n);
  }

  /** Makes the blocks released so far free to hand out. */
  reuseReleased(): void {
    for (const n of this.released) this.free.push(n);
    this.released = [];
  }

  /**
   * Frees the chunks beyond the fewest that hold every block in use and a quarter of a chunk free: each
   * block in use beyond them copied to a free one below, `moved` told where each went (its number to its
   * new one), so the caller points its users at the new one before any other call. Called with no block
   * released and not yet free (right after `reuseReleased`): those could not be moved or taken.
   */
  shrink(moved: (moves: ReadonlyMap<number, number>) => void): void {
    const inUse = this.count - this.free.length;
    const keep = Math.max(1, Math.ceil((inUse + Math.ceil(this.perChunk / 4)) / this.perChunk));
    if (keep >= this.chunks.length || this.released.length > 0) return;
    const limit = keep * this.perChunk;
    const freeAbove = new Uint8Array(this.count - limit);
    const below: number[] = [];
    for (const n of this.free)
      if (n >= limit) freeAbove[n - limit] = 1;
      else below.push(n);
    const moves = new Map<number, number>();
    for (let n = limit; n < this.count; n++) {
      if (freeAbove[n - limit] === 1) continue;
      const to = below.pop()!;
      const at = this.offsetOf(n);
      this.chunkOf(to).set(this.chunkOf(n).subarray(at, at + this.size), this.offsetOf(to));
      moves.set(n, to);
    }
    this.chunks.length = keep;
    this.count = limit;
    this.free = below;
    moved(moves);
  }

  /** The chunk holding block `n`. */
  chunkOf(n: number): Float32Array {
    return this.chunks[Math.floor(n / this.perChunk)]!;
  }

  /** Where block `n` starts in its chunk. */
  offsetOf(n: number): number {
    return (n % this.perChunk) * this.size;
  }

  /** Bytes of chunks held (for benches and tests). */
  get bytes(): number {
    return this.chunks.length * this.perChunk * this.size * 4;
  }
}

/** A chunk of blocks: about a thousand hour-long windows at a 15 s tick. */
const CHUNK_BYTES = 1 << 20;
