import { RecentDemand } from './recentDemand';

describe('RecentDemand', () => {
  it('keeps the last samples oldest first, NaN for ticks without a value', () => {
    const h = new RecentDemand(3);
    expect(h.values('a')).toEqual(new Float32Array(0));
    for (const v of [1, 2, Number.NaN, 4]) h.push('a', v);
    expect(Array.from(h.values('a'))).toEqual([2, Number.NaN, 4]);
  });

  it.each([1, 4, 17])('hands out views that later pushes leave unchanged (capacity %i)', (capacity) => {
    const h = new RecentDemand(capacity);
    const views: Array<{ view: Float32Array; expected: number[] }> = [];
    for (let v = 0; v < 5 * capacity + 3; v++) {
      h.push('a', v);
      const view = h.values('a');
      views.push({ view, expected: Array.from(view) });
      const length = Math.min(v + 1, capacity);
      expect(Array.from(view)).toEqual(Array.from({ length }, (_, i) => v - length + 1 + i));
    }
    for (const { view, expected } of views) expect(Array.from(view)).toEqual(expected);
  });

  it('seeds from the newest samples of a range, and forgets policies no longer configured', () => {
    const h = new RecentDemand(2);
    h.seed('a', Float64Array.from([1, 2, 3]));
    h.push('b', 9);
    expect(Array.from(h.values('a'))).toEqual([2, 3]);
    h.retain(new Set(['b']));
    expect(h.has('a')).toBe(false);
    expect(Array.from(h.values('b'))).toEqual([9]);
  });

  it('keeps each sample as float32, within a relative 2^-24 of the value given', () => {
    const h = new RecentDemand(4);
    const given = [1 / 3, 123_456.789, 0.000_123_4, 9.87e12];
    h.seed('a', Float64Array.from(given));
    Array.from(h.values('a')).forEach((v, i) => {
      expect(Math.abs(v - given[i]!) / given[i]!).toBeLessThanOrEqual(2 ** -24);
      expect(v).toBe(Math.fround(given[i]!));
    });
  });

  it('holds the windows side by side in a few large buffers, each window its own values', () => {
    const h = new RecentDemand(240);
    for (let p = 0; p < 3000; p++)
      h.seed(
        `p${p}`,
        Float64Array.from({ length: 240 }, (_, i) => p + i),
      );
    for (let t = 0; t < 40; t++) for (let p = 0; p < 3000; p++) h.push(`p${p}`, p + 240 + t);
    const buffers = new Set<ArrayBufferLike>();
    const wrong: string[] = [];
    for (let p = 0; p < 3000; p++) {
      const view = h.values(`p${p}`);
      buffers.add(view.buffer);
      if (view.length !== 240 || view[0] !== p + 40 || view[239] !== p + 279) wrong.push(`p${p}`);
    }
    expect(wrong).toEqual([]);
    // About a thousand windows a buffer, not a buffer each.
    expect(buffers.size).toBeLessThanOrEqual(8);
  });

  it('frees the chunks the windows no longer need after a reload to fewer policies, each window its values', () => {
    const h = new RecentDemand(240); // blocks of 270 samples: 970 a chunk
    for (let p = 0; p < 3000; p++)
      h.seed(
        `p${p}`,
        Float64Array.from({ length: 240 }, (_, i) => p + i),
      );
    const buffers = (keys: Iterable<string>) => new Set(Array.from(keys, (k) => h.values(k).buffer)).size;
    const all = Array.from({ length: 3000 }, (_, p) => `p${p}`);
    expect(buffers(all)).toBe(4);
    // A few policies gone: nothing moves.
    const most = new Set(all.filter((_, p) => p % 30 !== 0));
    h.retain(most);
    h.retain(most);
    expect(buffers(most)).toBe(4);
    // One in six kept, from every chunk: their blocks are free from the next tick's retain, which moves
    // the windows left into the first chunk.
    const kept = new Set(all.filter((_, p) => p % 6 === 1));
    h.retain(kept);
    expect(buffers(kept)).toBe(4);
    h.retain(kept);
    expect(buffers(kept)).toBe(1);
    for (const k of kept) h.push(k, -1);
    const wrong = [...kept].filter((k) => {
      const p = Number(k.slice(1));
      const view = h.values(k);
      return view.length !== 240 || view[0] !== p + 1 || view[238] !== p + 239 || view[239] !== -1;
    });
    expect(wrong).toEqual([]);
    // Policies that come back find room, then new chunks.
    for (const k of all) h.push(k, 0);
    expect(buffers(all)).toBe(4);
  });

  it('hands the block a window moved from out again only after the next retain, views meanwhile unchanged', () => {
    const h = new RecentDemand(8); // blocks of 9 samples: a window moves at its 10th
    const keys = new Set(['a', 'b']);
    for (let v = 0; v < 9; v++) h.push('a', v);
    const before = h.values('a');
    h.push('a', 9); // moves
    for (const v of [100, 101, 102]) h.push('b', v); // a new window: not in the block 'a' left
    expect(Array.from(before)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    h.retain(keys);
    h.push('c', 200); // may take the block 'a' left
    for (let v = 0; v < 8; v++) h.push('c', 201 + v);
    expect(Array.from(h.values('a'))).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(h.values('b'))).toEqual([100, 101, 102]);
    expect(Array.from(h.values('c'))).toEqual([201, 202, 203, 204, 205, 206, 207, 208]);
  });
});
