/**
 * Byte strings of varying length held outside V8's heap in large chunks, each known by a number (issue 16:
 * every one of 100,000 policies' watches holds its detector packed, about 2.5 KiB a week on). As strings
 * on V8's heap they were about 40 % of its retained bytes, what its growing factor multiplies, and each
 * bucket made all of them again beside the old; as a buffer of each watch's own, each is a malloc of its
 * own, pinning the allocator's main arena among a tick's garbage. Here a string is rewritten in place while
 * it fits its block, and the chunks are allocations of their own (above the 128 KiB mmap threshold
 * deploy/base sets, so each is a mapping, given back whole when freed). A chunk is compacted in place when
 * a quarter of it is blocks given up; it is freed when none of its blocks is held.
 *
 * A block: its capacity, its holder's number (FREE once given up) and the string's length, then the
 * string's bytes and spare capacity.
 */
export class PackedSlab {
  private readonly chunks: Array<Buffer | undefined> = [];
  /** Per chunk: the end of its last block, and the bytes of its blocks given up. */
  private readonly used: number[] = [];
  private readonly freed: number[] = [];
  private current = -1;
  /** Per number: its block's chunk (-1: not held) and offset. */
  private chunkOf = new Int32Array(1024).fill(-1);
  private offsetOf = new Int32Array(1024);
  private readonly freeNumbers: number[] = [];
  private numbers = 0;

  constructor(private readonly chunkBytes = CHUNK_BYTES) {}

  /** Holds `source[0, length)` under `number` (rewritten in place when it fits), or a new number; returns it. */
  write(source: Buffer, length: number, number?: number): number {
    const capacity = capacityFor(length);
    let n = number;
    if (n !== undefined) {
      const held = this.capacity(n);
      if (held >= capacity && held <= capacity + CAPACITY_STEP) {
        const chunk = this.chunks[this.chunkOf[n]!]!;
        const at = this.offsetOf[n]!;
        chunk.writeUInt32LE(length, at + 8);
        source.copy(chunk, at + HEADER, 0, length);
        return n;
      }
      this.giveUp(n);
    } else n = this.newNumber();
    const c = this.room(capacity);
    const chunk = this.chunks[c]!;
    const at = this.used[c]!;
    chunk.writeUInt32LE(capacity, at);
    chunk.writeUInt32LE(n, at + 4);
    chunk.writeUInt32LE(length, at + 8);
    source.copy(chunk, at + HEADER, 0, length);
    this.used[c] = at + capacity;
    this.chunkOf[n] = c;
    this.offsetOf[n] = at;
    return n;
  }

  /** The string held under `number`, copied into `target` (at least its length long); returns its length. */
  read(number: number, target: Buffer): number {
    const chunk = this.chunks[this.chunkOf[number]!]!;
    const at = this.offsetOf[number]!;
    const length = chunk.readUInt32LE(at + 8);
    chunk.copy(target, 0, at + HEADER, at + HEADER + length);
    return length;
  }

  /** The length of the string held under `number`. */
  length(number: number): number {
    return this.chunks[this.chunkOf[number]!]!.readUInt32LE(this.offsetOf[number]! + 8);
  }

  /** Gives up the string held under `number`; the number may be handed out again. */
  release(number: number): void {
    this.giveUp(number);
    this.freeNumbers.push(number);
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
    return this.chunks.reduce((sum, chunk) => sum + (chunk?.length ?? 0), 0);
  }

  private capacity(number: number): number {
    return this.chunks[this.chunkOf[number]!]!.readUInt32LE(this.offsetOf[number]!);
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

  private giveUp(number: number): void {
    const c = this.chunkOf[number]!;
    const chunk = this.chunks[c]!;
    const at = this.offsetOf[number]!;
    chunk.writeUInt32LE(FREE, at + 4);
    this.freed[c]! += chunk.readUInt32LE(at);
    this.chunkOf[number] = -1;
    if (this.freed[c] === this.used[c] && c !== this.current) {
      this.chunks[c] = undefined;
      this.used[c] = 0;
      this.freed[c] = 0;
    } else if (this.freed[c]! > chunk.length / 4) this.compact(c);
  }

  /** Slides the chunk's held blocks down over those given up. */
  private compact(c: number): void {
    const chunk = this.chunks[c]!;
    let to = 0;
    for (let at = 0; at < this.used[c]!;) {
      const capacity = chunk.readUInt32LE(at);
      const number = chunk.readUInt32LE(at + 4);
      if (number !== FREE) {
        if (to !== at) chunk.copyWithin(to, at, at + capacity);
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
      this.chunks[c] !== undefined && this.chunks[c].length - this.used[c]! >= capacity;
    if (this.current >= 0 && fits(this.current)) return this.current;
    let best = -1;
    for (let c = 0; c < this.chunks.length; c++)
      if (fits(c) && (best < 0 || this.used[c]! < this.used[best]!)) best = c;
    // A chunk with little room left would be current for a few blocks only: a new one instead.
    if (best < 0 || this.chunks[best]!.length - this.used[best]! < this.chunkBytes / 4) {
      best = this.chunks.indexOf(undefined);
      if (best < 0) best = this.chunks.length;
      this.chunks[best] = Buffer.allocUnsafeSlow(Math.max(this.chunkBytes, capacity));
      this.used[best] = 0;
      this.freed[best] = 0;
    }
    this.current = best;
    return best;
  }
}

/** A block's capacity, holder and length, before the string. */
const HEADER = 12;
/** Marks a block given up. */
const FREE = 0xffffffff;
/**
 * Blocks are allocated in steps of this, and kept while the string stays within a step of them: a week on,
 * a packed detector's length moves by a few of its numbers' widths (up to 9 bytes each) from bucket to
 * bucket, and in its first day by a few runs (6 bytes each) a bucket as its slots fill, so most packings fit
 * where the last one was. At most a step beyond the length: about 5 % of a week-old watch.
 */
const CAPACITY_STEP = 128;
/**
 * A chunk: about 400 week-old detectors, over the 128 KiB above which deploy/base's allocator settings map
 * an allocation of its own, and small enough that compacting one (a copy of at most this) is quick.
 */
const CHUNK_BYTES = 1 << 20;

const capacityFor = (length: number): number => Math.ceil((HEADER + length) / CAPACITY_STEP) * CAPACITY_STEP;
