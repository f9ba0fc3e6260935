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
});
