import { Float32Window } from './float32Window';

describe('Float32Window', () => {
  it('keeps the newest values up to its limit, oldest first, through many moves back', () => {
    const w = new Float32Window(100);
    for (let i = 0; i < 1000; i++) w.push(i);
    expect(w).toHaveLength(100);
    expect(Array.from(w.view())).toEqual(Array.from({ length: 100 }, (_, i) => 900 + i));
    expect(w.at(0)).toBe(900);
    expect(w.at(-1)).toBe(999);
    expect(w.at(100)).toBeUndefined();
    expect(w.at(-101)).toBeUndefined();
  });

  it('starts from the newest of the given values', () => {
    const w = new Float32Window(3, [1, 2, 3, 4, 5]);
    expect(Array.from(w.view())).toEqual([3, 4, 5]);
    w.push(6);
    expect(Array.from(w.view())).toEqual([4, 5, 6]);
  });

  it('keeps NaN and infinities, and values to float32 precision', () => {
    const w = new Float32Window(4, [Number.NaN, Infinity, -Infinity, 0.1]);
    const [nan, inf, negInf, tenth] = Array.from(w.view());
    expect(nan).toBeNaN();
    expect(inf).toBe(Infinity);
    expect(negInf).toBe(-Infinity);
    expect(tenth).toBe(Math.fround(0.1));
    expect(Math.abs(tenth! - 0.1) / 0.1).toBeLessThan(6e-8);
  });

  it('lowers and raises its limit', () => {
    const w = new Float32Window(
      10,
      Array.from({ length: 10 }, (_, i) => i),
    );
    w.setLimit(4);
    expect(Array.from(w.view())).toEqual([6, 7, 8, 9]);
    w.setLimit(6);
    w.push(10);
    w.push(11);
    w.push(12);
    expect(Array.from(w.view())).toEqual([7, 8, 9, 10, 11, 12]);
    w.setLimit(0);
    w.push(13);
    expect(w).toHaveLength(0);
  });

  it('holds a full window in little more than its limit of float32s', () => {
    const w = new Float32Window(4032, new Float64Array(4032));
    for (let i = 0; i < 10_000; i++) w.push(i);
    expect(w.view().buffer.byteLength).toBeLessThanOrEqual(4 * (4032 + 4032 / 64 + 1));
  });

  it('keeps parallel series in one window, each one array', () => {
    const w = new Float32Window(100, [], 3);
    for (let i = 0; i < 1000; i++) w.push(i, -i, i / 2);
    expect(w).toHaveLength(100);
    const newest = Array.from({ length: 100 }, (_, i) => 900 + i);
    expect(Array.from(w.view(0))).toEqual(newest);
    expect(Array.from(w.view(1))).toEqual(newest.map((v) => -v));
    expect(Array.from(w.view(2))).toEqual(newest.map((v) => v / 2));
    expect(w.at(-1, 1)).toBe(-999);
    expect(w.view(2).buffer.byteLength).toBeLessThanOrEqual(3 * 4 * (100 + 16));
  });
});
