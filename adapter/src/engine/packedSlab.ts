import { CHUNK_BYTES, ChunkedBlocks } from '../domain/chunkedBlocks';

/**
 * Byte strings of varying length held outside V8's heap in chunks (domain/chunkedBlocks.ts), each known by a
 * number (issue 16: every one of 100,000 policies' watches holds its detector packed, about 2.5 KiB a week
 * on). As strings on V8's heap they were about 40 % of its retained bytes, what its growing factor
 * multiplies, and each bucket made all of them again beside the old; as a buffer of each watch's own, each is
 * a malloc of its own, pinning the allocator's main arena among a tick's garbage. Here a string is rewritten
 * in place while it fits its block within a step.
 *
 * A block's contents: the string's length (a uint32), then its bytes and spare capacity.
 */
export class PackedSlab {
  private readonly buffers: Array<Buffer | undefined> = [];
  private readonly blocks: ChunkedBlocks;

  constructor(chunkBytes = CHUNK_BYTES) {
    this.blocks = new ChunkedBlocks(chunkBytes, (index, chunk) => {
      this.buffers[index] = chunk && Buffer.from(chunk);
    });
  }

  /** Holds `source[0, length)` under `number` (rewritten in place when it fits), or a new number; returns it. */
  write(source: Buffer, length: number, number?: number): number {
    const bytes = LENGTH + length;
    let n = number;
    if (n === undefined) n = this.blocks.allocate(bytes);
    else if (this.blocks.room(n) < bytes || this.blocks.oversized(n, bytes)) this.blocks.move(n, bytes, 0);
    const chunk = this.chunk(n);
    const at = this.blocks.at(n);
    chunk.writeUInt32LE(length, at);
    source.copy(chunk, at + LENGTH, 0, length);
    return n;
  }

  /** The string held under `number`, copied into `target` (at least its length long); returns its length. */
  read(number: number, target: Buffer): number {
    const chunk = this.chunk(number);
    const at = this.blocks.at(number);
    const length = chunk.readUInt32LE(at);
    chunk.copy(target, 0, at + LENGTH, at + LENGTH + length);
    return length;
  }

  /** The length of the string held under `number`. */
  length(number: number): number {
    return this.chunk(number).readUInt32LE(this.blocks.at(number));
  }

  /** Gives up the string held under `number`; the number may be handed out again. */
  release(number: number): void {
    this.blocks.release(number);
  }

  /** Bytes of blocks, held or given up and not yet compacted over (for benches and tests). */
  get usedBytes(): number {
    return this.blocks.usedBytes;
  }

  /** Bytes of the blocks held (for benches and tests). */
  get heldBytes(): number {
    return this.blocks.heldBytes;
  }

  /** Bytes of chunks held (for benches and tests). */
  get bytes(): number {
    return this.blocks.bytes;
  }

  private chunk(number: number): Buffer {
    return this.buffers[this.blocks.chunkIndex(number)]!;
  }
}

/** The string's length, before its bytes. */
const LENGTH = 4;
