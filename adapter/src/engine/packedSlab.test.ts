import { PackedSlab } from './packedSlab';

/** `length` bytes counting from `seed`. */
const text = (seed: number, length: number): Buffer =>
  Buffer.from(Array.from({ length }, (_, i) => (seed + i) & 0xff));

function readBack(slab: PackedSlab, number: number): Buffer {
  const target = Buffer.alloc(slab.length(number));
  slab.read(number, target);
  return target;
}

describe('a slab of packed strings', () => {
  it('gives each string a number and its bytes back', () => {
    const slab = new PackedSlab(4096);
    const a = slab.write(text(1, 300), 300);
    const b = slab.write(text(2, 40), 40);
    expect(a).not.toBe(b);
    expect(readBack(slab, a)).toEqual(text(1, 300));
    expect(readBack(slab, b)).toEqual(text(2, 40));
  });

  it('rewrites a string in place while it fits its block within a step, else moves it under the same number', () => {
    const slab = new PackedSlab(4096);
    const steps: Array<[length: number, used: number]> = [
      [300, 384], // 12 bytes of header and 300: a block of 384, which holds up to 372
      [372, 384], // in place
      [373, 896], // a block of 512 after the other
      [300, 896], // needs 384: within a step of 512, in place
      [200, 1152], // needs 256: 512 would waste more than a step, so a block of 256
    ];
    let a: number | undefined;
    for (const [length, used] of steps) {
      const n = slab.write(text(length, length), length, a);
      a ??= n;
      expect(n).toBe(a);
      expect(slab.usedBytes).toBe(used);
      expect(readBack(slab, a)).toEqual(text(length, length));
    }
  });

  it('compacts a chunk when a quarter of it is given up, and keeps every string held', () => {
    const slab = new PackedSlab(4096);
    // 16 blocks of 256 bytes fill a chunk.
    const numbers = Array.from({ length: 16 }, (_, i) => slab.write(text(i, 200), 200));
    expect(slab.bytes).toBe(4096);
    for (const i of [0, 2, 4, 6, 8]) slab.release(numbers[i]!);
    expect(slab.usedBytes).toBe(16 * 256 - 5 * 256);
    // Five blocks given up (1,280 bytes, over a quarter): the rest slid down, room for five again.
    const again = Array.from({ length: 5 }, (_, i) => slab.write(text(100 + i, 200), 200));
    expect(slab.bytes).toBe(4096);
    expect(slab.usedBytes).toBe(4096);
    const kept = numbers.map((n, i) => [n, i] as const).filter(([, i]) => ![0, 2, 4, 6, 8].includes(i));
    for (const [n, i] of kept) expect(readBack(slab, n)).toEqual(text(i, 200));
    again.forEach((n, i) => expect(readBack(slab, n)).toEqual(text(100 + i, 200)));
  });

  it('frees a chunk none of whose blocks is held, and reuses given-up numbers', () => {
    const slab = new PackedSlab(1024);
    const first = Array.from({ length: 4 }, (_, i) => slab.write(text(i, 200), 200));
    const second = slab.write(text(9, 200), 200);
    expect(slab.bytes).toBe(2048);
    for (const n of first) slab.release(n);
    expect(slab.bytes).toBe(1024);
    expect(readBack(slab, second)).toEqual(text(9, 200));
    expect(first).toContain(slab.write(text(10, 20), 20));
  });

  it('holds a string longer than a chunk in a chunk of its own', () => {
    const slab = new PackedSlab(1024);
    const long = slab.write(text(3, 5000), 5000);
    expect(readBack(slab, long)).toEqual(text(3, 5000));
    expect(slab.bytes).toBeGreaterThanOrEqual(5012);
  });
});
