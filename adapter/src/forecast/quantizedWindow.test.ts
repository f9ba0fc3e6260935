import { fitForecastState, forecastFromState } from './forecaster';
import { historyWindow } from './online';
import { BLOCK_SIZE, QuantizedWindow, coarseBound, quantizationBound } from './quantizedWindow';

describe('QuantizedWindow', () => {
  it('keeps the newest values up to its limit, oldest first, through many blocks', () => {
    const w = new QuantizedWindow(100);
    for (let i = 0; i < 1000; i++) w.push(i);
    expect(w).toHaveLength(100);
    const kept = Array.from({ length: 100 }, (_, i) => 900 + i);
    for (const [i, v] of Array.from(w.view()).entries()) expect(v).toBeCloseTo(kept[i]!, 1);
    expect(w.at(0)).toBeCloseTo(900, 1);
    expect(w.at(-1)).toBe(999);
    expect(w.at(100)).toBeUndefined();
    expect(w.at(-101)).toBeUndefined();
  });

  it('starts from the newest of the given values', () => {
    const w = new QuantizedWindow(3, [1, 2, 3, 4, 5]);
    expect(Array.from(w.view())).toEqual([3, 4, 5]);
    w.push(6);
    expect(Array.from(w.view())).toEqual([4, 5, 6]);
  });

  it('keeps NaN and infinities as they were', () => {
    const values = [
      Number.NaN,
      Infinity,
      -Infinity,
      0.1,
      ...Array.from({ length: 2 * BLOCK_SIZE }, (_, i) => i),
    ];
    const w = new QuantizedWindow(1000, values);
    const [nan, inf, negInf, tenth] = Array.from(w.view());
    expect(nan).toBeNaN();
    expect(inf).toBe(Infinity);
    expect(negInf).toBe(-Infinity);
    expect(Math.abs(tenth! - 0.1)).toBeLessThanOrEqual(quantizationBound(0, BLOCK_SIZE - 4));
  });

  it('keeps every value within half a step of its block, exactly at the block extremes', () => {
    // Demand-like values with bursts and gaps, pushed one at a time as buckets close.
    const values = Array.from({ length: 5000 }, (_, i) => {
      if (i % 97 === 5) return Number.NaN;
      const burst = i % 613 < 3 ? 5e4 : 0;
      return 200 + 150 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 101) / 3 + burst + 1e-3 * i;
    });
    const w = new QuantizedWindow(values.length);
    values.forEach((v) => w.push(v));
    const decoded = w.view();
    for (let b = 0; b * BLOCK_SIZE < values.length; b++) {
      const block = values.slice(b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE);
      const finite = block.filter(Number.isFinite);
      const [low, high] = [Math.min(...finite), Math.max(...finite)];
      const bound = quantizationBound(low, high) * (1 + 1e-9);
      block.forEach((v, j) => {
        const got = decoded[b * BLOCK_SIZE + j]!;
        if (Number.isNaN(v)) expect(got).toBeNaN();
        else if (v === low || v === high || block.length < BLOCK_SIZE) expect(got).toBe(v);
        else expect(Math.abs(got - v)).toBeLessThanOrEqual(bound);
      });
    }
    // The bound in relative terms: 1.2e-4 of the block's range.
    expect(quantizationBound(0, 1)).toBeLessThan(1.23e-4);
  });

  it('changes the forecast fitted on it by far less than its own interval', () => {
    const day = 288;
    const values = Float64Array.from(
      { length: 14 * day },
      (_, i) => 100 + 40 * Math.sin((2 * Math.PI * i) / day) + ((i * 7919) % 101) / 10,
    );
    const w = new QuantizedWindow(values.length, values);
    const options = { horizon: 12, stepSeconds: 300, nowMs: 0 };
    const exact = fitForecastState(values, options);
    const stored = fitForecastState(w.view(), options);
    expect(stored.members).toHaveLength(exact.members.length);
    const a = forecastFromState(exact, values);
    const b = forecastFromState(stored, w.view());
    const width = a.quantile(0.95)[0]! - a.quantile(0.05)[0]!;
    for (let h = 0; h < 12; h++) expect(Math.abs(a.point[h]! - b.point[h]!)).toBeLessThan(1e-3 * width);
  });

  it('holds 14 days of 5-minute buckets in 12 bits a bucket and its blocks’ extremes', () => {
    // The typed arrays' contents, as process.memoryUsage() counts them: codes, extremes, filling block.
    const buckets = 14 * 288;
    const windows: QuantizedWindow[] = [];
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 100; i++) windows.push(new QuantizedWindow(buckets));
    const perWindow = (process.memoryUsage().arrayBuffers - before) / windows.length;
    // 64 blocks of 96 bytes of codes and 16 of extremes, and 64 doubles: 7,680 bytes (16 bits: 9,728).
    expect(perWindow).toBeLessThanOrEqual(64 * (96 + 16) + 64 * 8);
  });

  it('lowers and raises its limit', () => {
    const w = new QuantizedWindow(
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

  it('lowers its limit across blocks, keeping the newest', () => {
    const w = new QuantizedWindow(
      1000,
      Array.from({ length: 1000 }, (_, i) => i),
    );
    w.setLimit(130);
    expect(w).toHaveLength(130);
    expect(w.at(0)).toBeCloseTo(870, 1);
    expect(w.at(-1)).toBe(999);
    w.setLimit(2000);
    for (let i = 1000; i < 1200; i++) w.push(i);
    expect(w).toHaveLength(330);
    expect(w.at(0)).toBeCloseTo(870, 1);
    expect(w.at(-1)).toBe(1199);
  });

  describe('with only the newest values in 12 bits', () => {
    // Demand-like values with bursts, gaps and infinities, pushed one at a time as buckets close.
    const values = Array.from({ length: 5000 }, (_, i) => {
      if (i % 97 === 5) return Number.NaN;
      if (i === 700) return Infinity;
      if (i === 701) return -Infinity;
      const burst = i % 613 < 3 ? 5e4 : 0;
      return 200 + 150 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 101) / 3 + burst + 1e-3 * i;
    });

    it('keeps the older values within the coarse bound of their block, exactly at its extremes', () => {
      const limit = 4032;
      const w = new QuantizedWindow(limit, [], 288);
      const all = new QuantizedWindow(limit);
      values.forEach((v) => {
        w.push(v);
        all.push(v);
      });
      expect(w).toHaveLength(limit);
      const got = Float64Array.from(w.view());
      const fine = Float64Array.from(all.view());
      const first = values.length - limit;
      // The newest five blocks and the filling one are as a window of 12 bits throughout holds them.
      const newest = limit - (5 * BLOCK_SIZE + (values.length % BLOCK_SIZE));
      expect(Array.from(got.subarray(newest))).toEqual(Array.from(fine.subarray(newest)));
      expect(got.subarray(0, newest)).not.toEqual(fine.subarray(0, newest));
      for (let b = Math.floor(first / BLOCK_SIZE); b * BLOCK_SIZE < first + newest; b++) {
        const block = values.slice(b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE);
        const finite = block.filter(Number.isFinite);
        const [low, high] = [Math.min(...finite), Math.max(...finite)];
        const bound = coarseBound(low, high) * (1 + 1e-9);
        block.forEach((v, j) => {
          const i = b * BLOCK_SIZE + j - first;
          if (i < 0) return;
          expect(w.at(i)).toBe(got[i]);
          if (Number.isNaN(v)) expect(got[i]).toBeNaN();
          else if (!Number.isFinite(v) || v === low || v === high) expect(got[i]).toBe(v);
          else expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(bound);
        });
      }
      // The bound in relative terms: 2.1e-3 of the block's range.
      expect(coarseBound(0, 1)).toBeLessThan(2.11e-3);
    });

    it('lowers its limit below and raises it above its 12-bit part, keeping the newest', () => {
      const w = new QuantizedWindow(2000, values.slice(0, 2000), 300);
      const before = Float64Array.from(w.view());
      w.setLimit(200);
      expect(Array.from(w.view())).toEqual(Array.from(before.subarray(1800)));
      w.setLimit(1000);
      for (let i = 2000; i < 3000; i++) w.push(values[i]!);
      expect(w).toHaveLength(1000);
      expect(w.at(-1)).toBe(values[2999]);
      const now = Float64Array.from(w.view());
      for (let i = 0; i < 1000; i++) {
        const v = values[2000 + i]!;
        if (Number.isFinite(v)) expect(Math.abs(now[i]! - v)).toBeLessThanOrEqual(coarseBound(0, 5e4));
        else expect(now[i]).toEqual(v);
      }
      w.setLimit(500);
      expect(Array.from(w.view())).toEqual(Array.from(now.subarray(500)));
    });

    it('gives back what a window of 12 bits throughout gives, within a coarse step, through limits that change', () => {
      const w = new QuantizedWindow(700, [], 200);
      const all = new QuantizedWindow(700);
      const limits = [700, 150, 1200, 64, 3000, 500];
      let k = 0;
      for (const [round, limit] of limits.entries()) {
        w.setLimit(limit);
        all.setLimit(limit);
        for (let i = 0; i < 900 + 37 * round; i++, k++) {
          w.push(values[k % values.length]!);
          all.push(values[k % values.length]!);
        }
        expect(w).toHaveLength(all.length);
        const got = Float64Array.from(w.view());
        const fine = Float64Array.from(all.view());
        got.forEach((v, i) => {
          expect(w.at(i)).toBe(v);
          if (Number.isFinite(fine[i])) expect(Math.abs(v - fine[i]!)).toBeLessThanOrEqual(5.1e4 / 504);
          else expect(v).toEqual(fine[i]);
        });
        expect(Array.from(got.subarray(-200))).toEqual(Array.from(fine.subarray(-200)));
      }
    });

    it("holds a series' 14 days of 5-minute buckets in 8 bits a bucket but the newest day", () => {
      const buckets = 14 * 288;
      const windows: QuantizedWindow[] = [];
      const before = process.memoryUsage().arrayBuffers;
      for (let i = 0; i < 100; i++) windows.push(historyWindow(300_000, buckets));
      const perWindow = (process.memoryUsage().arrayBuffers - before) / windows.length;
      // 5 blocks of 96 bytes of codes, 59 of 64, 16 bytes of extremes each and 64 doubles: 5,792 bytes.
      expect(perWindow).toBeLessThanOrEqual(5 * 96 + 59 * 64 + 64 * 16 + 64 * 8);
    });
  });
});
