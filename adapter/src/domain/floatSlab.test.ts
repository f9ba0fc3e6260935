import { FloatSlab } from './floatSlab';

/** Block `n`'s first `count` float64s. */
const f64Of = (slab: FloatSlab, n: number, count: number): number[] =>
  Array.from(slab.f64(n).subarray(slab.at(n) / 8, slab.at(n) / 8 + count));

/** Fills block `n`'s first `count` float64s with `seed`, `seed + 1`, ... */
function fill(slab: FloatSlab, n: number, seed: number, count: number): void {
  const at = slab.at(n) / 8;
  for (let i = 0; i < count; i++) slab.f64(n)[at + i] = seed + i;
}
const counting = (seed: number, count: number) => Array.from({ length: count }, (_, i) => seed + i);

describe('a slab of number blocks', () => {
  it('hands out zeroed blocks, each its own, readable as float32s and float64s', () => {
    const slab = new FloatSlab(4096);
    const a = slab.allocate(80);
    const b = slab.allocate(80);
    expect(f64Of(slab, a, 10)).toEqual(new Array(10).fill(0));
    fill(slab, a, 1, 10);
    fill(slab, b, 100, 10);
    expect(f64Of(slab, a, 10)).toEqual(counting(1, 10));
    expect(f64Of(slab, b, 10)).toEqual(counting(100, 10));
    expect(slab.at(a) % 8).toBe(0);
    slab.f32(b)[slab.at(b) / 4] = 0.5;
    expect(slab.f64(a)[slab.at(a) / 8]).toBe(1);
  });

  it('keeps a block under its number as it grows and moves, the new part zero', () => {
    const slab = new FloatSlab(4096);
    const a = slab.allocate(16);
    const other = slab.allocate(16);
    fill(slab, a, 7, 2);
    fill(slab, other, 50, 2);
    const before = slab.at(a);
    slab.resize(a, 64); // within its 128-byte capacity: in place
    expect(slab.at(a)).toBe(before);
    slab.resize(a, 400); // moves
    expect(slab.at(a)).not.toBe(before);
    expect(f64Of(slab, a, 50)).toEqual([7, 8, ...new Array(48).fill(0)]);
    expect(f64Of(slab, other, 2)).toEqual([50, 51]);
  });

  it('compacts a chunk whose blocks are given up, the held ones keeping their contents', () => {
    const slab = new FloatSlab(4096);
    const blocks = Array.from({ length: 30 }, (_, i) => {
      const n = slab.allocate(100);
      fill(slab, n, 1000 * i, 12);
      return n;
    });
    // Every other block given up: past a quarter of the chunk, the rest slide down.
    blocks.filter((_, i) => i % 2 === 0).forEach((n) => slab.release(n));
    blocks.forEach((n, i) => {
      if (i % 2 === 1) expect(f64Of(slab, n, 12)).toEqual(counting(1000 * i, 12));
    });
    expect(slab.heldBytes).toBe(15 * 128);
    // Blocks grown out of their places move; those left compact around them.
    blocks.forEach((n, i) => {
      if (i % 2 === 1) slab.resize(n, 300 + i);
    });
    blocks.forEach((n, i) => {
      if (i % 2 === 1) expect(f64Of(slab, n, 12)).toEqual(counting(1000 * i, 12));
    });
  });

  it('frees a chunk none of whose blocks is held, and hands numbers out again', () => {
    const slab = new FloatSlab(1024);
    const first = Array.from({ length: 8 }, () => slab.allocate(100)); // one chunk
    const second = Array.from({ length: 8 }, () => slab.allocate(100)); // the next, now current
    expect(slab.bytes).toBe(2048);
    first.forEach((n) => slab.release(n));
    expect(slab.bytes).toBe(1024);
    expect(slab.allocate(10)).toBe(first[first.length - 1]);
    expect(second).toHaveLength(8);
  });
});
