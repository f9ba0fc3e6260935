import { CHUNK_BYTES, ChunkedBlocks } from './chunkedBlocks';

/**
 * Blocks of numbers (float32 or float64, read through views of the chunk that holds them) of varying size,
 * each known by a number, in chunks (ChunkedBlocks; issue 16: 100,000 policies' growth histograms, about
 * 1.7 KiB of bins and row state each). A block grows in place while it fits its capacity, else moves; its
 * holder reads `at` after any `resize` (its own or, after a release or resize, any other block's).
 */
export class FloatSlab {
  private readonly f32s: Array<Float32Array | undefined> = [];
  private readonly f64s: Array<Float64Array | undefined> = [];
  private readonly u8s: Array<Uint8Array | undefined> = [];
  private readonly blocks: ChunkedBlocks;

  constructor(chunkBytes = CHUNK_BYTES) {
    this.blocks = new ChunkedBlocks(chunkBytes, (index, chunk) => {
      this.f32s[index] = chunk && new Float32Array(chunk);
      this.f64s[index] = chunk && new Float64Array(chunk);
      this.u8s[index] = chunk && new Uint8Array(chunk);
    });
  }

  /** A new block of at least `bytes` bytes, all zero; returns its number. */
  allocate(bytes: number): number {
    return this.blocks.allocate(bytes);
  }

  /**
   * Makes block `number` at least `bytes` bytes long, its contents kept and any new bytes zero; it may
   * move, and so may other blocks.
   */
  resize(number: number, bytes: number): void {
    const room = this.blocks.room(number);
    if (room < bytes) this.blocks.move(number, bytes, room);
  }

  /** Gives up block `number`; the number may be handed out again. */
  release(number: number): void {
    this.blocks.release(number);
  }

  /** The chunk holding block `number`, as float32s (the block's first at `at(number) / 4`). */
  f32(number: number): Float32Array {
    return this.f32s[this.blocks.chunkIndex(number)]!;
  }

  /** The chunk holding block `number`, as float64s (the block's first at `at(number) / 8`). */
  f64(number: number): Float64Array {
    return this.f64s[this.blocks.chunkIndex(number)]!;
  }

  /** The chunk holding block `number`, as bytes (the block's first at `at(number)`). */
  u8(number: number): Uint8Array {
    return this.u8s[this.blocks.chunkIndex(number)]!;
  }

  /** Where block `number`'s contents start in its chunk, in bytes (a multiple of 8). */
  at(number: number): number {
    return this.blocks.at(number);
  }

  /** Bytes of chunks held (for benches and tests). */
  get bytes(): number {
    return this.blocks.bytes;
  }

  /** Bytes of the blocks held (for benches and tests). */
  get heldBytes(): number {
    return this.blocks.heldBytes;
  }
}
