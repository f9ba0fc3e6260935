import {
  GrowthHistogram,
  growthHistogramFits,
  growthHistogramFor,
  growthPriorFor,
  reactivePeakDistribution,
} from './growthHistogram';

const feed = (h: GrowthHistogram, samples: number[]) => h.observeAll(Float64Array.from(samples));

describe('GrowthHistogram', () => {
  it('scales current demand by the shifted growth seen over past horizons', () => {
    // Every horizon of 2 steps rises from 100 to 150: (150 + 5) / (100 + 5) above the shift.
    const h = new GrowthHistogram({ horizonSteps: 2, shift: 5, halfLifeSteps: 1e9, minWeight: 10 });
    for (let i = 0; i < 50; i++) feed(h, [100, 120, 150]);
    expect(h.size).toBe(50);
    const d = h.distribution(100);
    expect(d).toBeDefined();
    // Within one growth bin (under 2 % there) of 150 at every τ up to the largest horizon's.
    for (const tau of [0.1, 0.5, 0.9]) expect(Math.abs(d!.quantile(tau) - 150) / 150).toBeLessThan(0.02);
  });

  it('keeps each level row its own, whichever row was seen first', () => {
    // A flat stretch at 1,000 (level row 9) first, then one alternating 2 and 2.2 (row 1): the rows share
    // one array in the order first seen, and each still reads only its own horizons.
    const h = new GrowthHistogram({ horizonSteps: 1, shift: 1, halfLifeSteps: 1e9, minWeight: 5 });
    feed(
      h,
      Array.from({ length: 40 }, () => 1000),
    );
    feed(
      h,
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 2 : 2.2)),
    );
    for (const tau of [0.1, 0.9]) expect(h.distribution(1000)!.quantile(tau)).toBe(1000);
    const low = h.distribution(2)!;
    // Half the horizons grew (2 + 1) → (2.2 + 1), half fell: within a growth bin (7 % wide) of each.
    expect(Math.abs(low.quantile(0.9) / 2.2 - 1)).toBeLessThan(0.07);
    expect(Math.abs(low.quantile(0.1) / (3 * (3 / 3.2) - 1) - 1)).toBeLessThan(0.07);
    expect(low.note.text()).toContain('level rows 1 of 10');
  });

  it('gives exactly D(t) after a flat history: zero growth has a bin of its own', () => {
    const h = new GrowthHistogram({ horizonSteps: 4, shift: 50, halfLifeSteps: 1e9 });
    h.observeAll(new Float64Array(240).fill(400));
    for (const tau of [0.01, 0.5, 0.99]) expect(h.distribution(400)!.quantile(tau)).toBe(400);
  });

  /** A query 4 ticks behind, a horizon of 1 tick, no decay. */
  const laggedFourTicks = () =>
    new GrowthHistogram({ horizonSteps: 1, lagSteps: 4, shift: 1e-12, halfLifeSteps: 1e9, minWeight: 10 });

  it('with a lag, learns growth from the extrapolated base D̂ to the peak the lag still hides', () => {
    // Demand ×1.1 per tick, seen by a query 4 ticks behind; horizon 1 tick. The base of each horizon is
    // D̂ = 2·y(b) − y(b − 4) = y(b)·(2 − 1.1⁻⁴); the peak y(b + 4 + 1) = y(b)·1.1⁵ as measured counts half,
    // extrapolated over the lag, 2·y(b + 5) − y(b + 1) = y(b)·(2·1.1⁵ − 1.1), the other half.
    const samples = Float64Array.from({ length: 60 }, (_, i) => 1e-6 * 1.1 ** i);
    const lagged = laggedFourTicks();
    lagged.observeAll(samples);
    const plain = new GrowthHistogram({ horizonSteps: 1, shift: 1e-12, halfLifeSteps: 1e9, minWeight: 10 });
    plain.observeAll(samples);
    expect(lagged.size).toBe(60 - 1 - 4);
    const base = 2 - 1.1 ** -4;
    const d = lagged.distribution(1)!;
    // Each within its growth bin (about 1.5 % wide at the measured growth, 3.4 % at the extrapolated).
    expect(Math.abs(d.quantile(0.25) / (1.1 ** 5 / base) - 1)).toBeLessThan(0.015);
    expect(Math.abs(d.quantile(0.75) / ((2 * 1.1 ** 5 - 1.1) / base) - 1)).toBeLessThan(0.034);
    // Without a lag the measured peak is all there is.
    for (const tau of [0.25, 0.75])
      expect(Math.abs(plain.distribution(1)!.quantile(tau) / 1.1 - 1)).toBeLessThan(0.014);
  });

  it('with a lag, counts a peak the query shows rising within its lag half as measured, half extrapolated', () => {
    // Flat at 10 with a burst every 20 ticks, 10 → 12 → 14 → 14 → 10: a ramp the query shows flattened;
    // horizon 2. With a lag of 1 a horizon whose measured peak is 14 after a rise from 12 within the lag
    // also holds, with the same weight, the extrapolated 2·14 − 12 = 16, so the strict quantiles reach
    // 16; without a lag the measured 14 is the most.
    const samples = Float64Array.from({ length: 400 }, (_, i) => [10, 12, 14, 14][i % 20] ?? 10);
    const strict = (lagSteps: number) => {
      const h = new GrowthHistogram({
        horizonSteps: 2,
        lagSteps,
        shift: 1,
        halfLifeSteps: 1e9,
        minWeight: 10,
      });
      h.observeAll(samples);
      const d = h.distribution(10)!;
      expect(d.quantile(0.5)).toBe(10);
      // The explanation says how the peaks were counted.
      expect(d.note.text().includes('half extrapolated over its 1-tick lag')).toBe(lagSteps === 1);
      return d.quantile(0.99);
    };
    // Within a growth bin (under 2 % there) of each.
    expect(Math.abs(strict(1) / 16 - 1)).toBeLessThan(0.02);
    expect(Math.abs(strict(0) / 14 - 1)).toBeLessThan(0.02);
  });

  it('with a lag, takes a falling base as measured, as decisions do', () => {
    // Demand ×0.9 per tick, seen 4 ticks behind; horizon 1 tick: the peak 5 ticks after the base is
    // 0.9⁵ of the measured base, which is not extrapolated down. Every base is below the tick before it
    // by more than 10 %, a fallen one, and so is the decision's.
    const samples = Float64Array.from({ length: 60 }, (_, i) => 1e6 * 0.9 ** i);
    const lagged = laggedFourTicks();
    lagged.observeAll(samples);
    const fallen = lagged.distribution(1, Number.NaN, Number.NaN, 1 / 0.9)!;
    expect(Math.abs(fallen.quantile(0.5) / 0.9 ** 5 - 1)).toBeLessThan(0.014);
  });

  it('over a stretch adds the same horizons as observing each prefix of it in turn', () => {
    // Lagged, with NaN gaps and a falling stretch: every base, extrapolation and peak rule in play.
    const samples = Float64Array.from({ length: 300 }, (_, i) =>
      i % 37 === 5 ? Number.NaN : 50 + 40 * Math.sin(i / 9) + (i % 11),
    );
    const options = { horizonSteps: 3, lagSteps: 2, shift: 4, halfLifeSteps: 40, minWeight: 10 };
    const stretch = new GrowthHistogram(options);
    stretch.observeAll(samples);
    const prefixes = new GrowthHistogram(options);
    for (let end = 1; end <= samples.length; end++) prefixes.observe(samples.subarray(0, end));
    expect(stretch.size).toBe(prefixes.size);
    expect(stretch.size).toBeGreaterThan(250);
    for (const current of [10, 50, 90]) {
      const a = stretch.distribution(current)!;
      const b = prefixes.distribution(current)!;
      expect(a.note.text()).toBe(b.note.text());
      for (const tau of [0.1, 0.5, 0.9, 0.999]) expect(a.quantile(tau)).toBe(b.quantile(tau));
    }
  });

  it('by end index in the whole series adds the same horizons as observing the newest 2H + 2L + 1 samples', () => {
    const samples = Float64Array.from({ length: 200 }, (_, i) =>
      i % 29 === 3 ? Number.NaN : 30 + 25 * Math.cos(i / 7) + (i % 5),
    );
    const options = { horizonSteps: 4, lagSteps: 2, shift: 3, halfLifeSteps: 30, minWeight: 10 };
    const inPlace = new GrowthHistogram(options);
    const windows = new GrowthHistogram(options);
    for (let end = 1; end <= samples.length; end++) {
      inPlace.observeEndingAt(samples, end);
      windows.observe(samples.subarray(Math.max(0, end - 2 * 4 - 2 * 2 - 1), end));
    }
    expect(inPlace.size).toBe(windows.size);
    expect(inPlace.size).toBeGreaterThan(150);
    for (const current of [10, 30, 55]) {
      const a = inPlace.distribution(current)!;
      const b = windows.distribution(current)!;
      expect(a.note.text()).toBe(b.note.text());
      for (const tau of [0.1, 0.5, 0.9, 0.999]) expect(a.quantile(tau)).toBe(b.quantile(tau));
    }
  });

  it('is undefined until the level rows near the current demand hold enough horizons', () => {
    const h = new GrowthHistogram({ horizonSteps: 1, shift: 1, halfLifeSteps: 1e9, minWeight: 30 });
    for (let i = 0; i < 29; i++) feed(h, [10, 11]);
    expect(h.distribution(10)).toBeUndefined();
    feed(h, [10, 11]);
    expect(h.distribution(10)).toBeDefined();
  });

  it('reads the growth of the level the demand is at, not of another level', () => {
    // Low demand (around 2 s) jumps 5×; high demand (around 200 s) falls by half.
    const h = new GrowthHistogram({ horizonSteps: 1, shift: 1, halfLifeSteps: 1e9, minWeight: 50 });
    for (let i = 0; i < 100; i++) {
      feed(h, [2, 10]);
      feed(h, [200, 100]);
    }
    const low = h.distribution(2)!;
    const high = h.distribution(200)!;
    expect(low.quantile(0.5)).toBeGreaterThan(8);
    expect(high.quantile(0.5)).toBeLessThan(110);
  });

  describe('while demand is rising', () => {
    // Flat at 200 for 60 ticks, a ramp of +8 a tick to 264, flat for 30 ticks, back to 200: horizon 4.
    const cycle = [
      ...new Array<number>(60).fill(200),
      ...Array.from({ length: 8 }, (_, i) => 208 + 8 * i),
      ...new Array<number>(30).fill(264),
    ];
    const samples = Float64Array.from({ length: 20 * cycle.length }, (_, i) => cycle[i % cycle.length]!);
    const rampAndSteps = () => {
      const h = new GrowthHistogram({ horizonSteps: 4, shift: 1, halfLifeSteps: 1e9, minWeight: 50 });
      h.observeAll(samples);
      return h;
    };

    it('reads the growth that followed rising bases when demand rose over the last horizon', () => {
      const h = rampAndSteps();
      // 232, 16 % above where it was a horizon ago: on this ramp demand goes on to 264 (+14 %).
      const rising = h.distribution(232, 200)!;
      expect(rising.quantile(0.5)).toBeGreaterThan(240);
      expect(rising.quantile(0.9)).toBeLessThan(268);
      expect(rising.note.text()).toContain('level rows 7 rising of 10');
      // At the same level after a steady horizon, both rows: demand mostly stays, and the tail holds the
      // ramps that start from a steady level.
      const steady = h.distribution(232, 232)!;
      expect(steady.quantile(0.5)).toBe(232);
      expect(steady.quantile(0.99)).toBeGreaterThan(250);
      expect(steady.note.text()).toContain('level rows 7,7 rising of 10');
      // Without the demand a horizon ago, both rows too.
      const unknown = h.distribution(232)!;
      expect(unknown.note.text()).toBe(steady.note.text());
      for (const tau of [0.5, 0.9, 0.99]) expect(unknown.quantile(tau)).toBe(steady.quantile(tau));
    });

    it('as the decision reads it, takes the demand a horizon ago from the recent ticks', () => {
      const h = rampAndSteps();
      // The recent ticks end one tick before the decision: 4 ticks back from it is the 4th last.
      const past = Float64Array.from([180, 190, 200, 208, 216, 224]);
      const read = reactivePeakDistribution(h, past.subarray(0, 5), 4, 232);
      expect(read.note.text()).toBe(h.distribution(232, 190)!.note.text());
      expect(read.quantile(0.5)).toBe(h.distribution(232, 190)!.quantile(0.5));
      expect(read.note.text()).toContain('rising');
      // Fewer recent ticks than the horizon: both rows.
      expect(reactivePeakDistribution(h, past.subarray(0, 3), 4, 232).note.text()).toBe(
        h.distribution(232)!.note.text(),
      );
    });

    // Idle at 0, then a burst 2, 8, 20, 20, 20, 10 (shift 1: level rows 1, 3, 4, 4, 4, 3); horizon 2. A
    // burst passes each level once on its way up, so the rising rows at the foot hold one horizon a burst,
    // while the idle row next to it holds forty.
    const burst = [...new Array<number>(40).fill(0), 2, 8, 20, 20, 20, 10];
    const bursts = (count: number, prior?: { weight: number; meanGrowth: number }) => {
      const h = new GrowthHistogram({
        horizonSteps: 2,
        shift: 1,
        halfLifeSteps: 1e9,
        minWeight: 50,
        ...(prior && { prior }),
      });
      h.observeAll(Float64Array.from({ length: count * burst.length }, (_, i) => burst[i % burst.length]!));
      return h;
    };

    it('reads the rising rows of its own level on the rising edge of a burst from zero, not the idle row', () => {
      const h = bursts(20);
      // At 2, up from 0 a horizon ago: level 1's rising rows (20 horizons, ten independent peaks), each the
      // burst's top; the idle row at level 0 next to it would say demand mostly stays at 2.
      const rising = h.distribution(2, 0)!;
      expect(rising.note.text()).toContain(
        'level rows 0,1 rising,0 fallen of 10 around D(t) (rising: the rising rows out to',
      );
      expect(rising.quantile(0.9)).toBeGreaterThan(19);
      const steady = h.distribution(2, 2)!;
      expect(steady.quantile(0.9)).toBe(2);
      expect(steady.note.text()).toMatch(/level rows 0,1 rising of 10 around D\(t\)$/);
    });

    it('reads no farther out than its own level once it holds more than two independent peaks', () => {
      // Level 1's rising rows (ten peaks, under the 50 horizons needed) say the burst goes on to 20; out to
      // levels 3 and 4 the rising rows hold what followed 8 and 20 higher up its edge (to 20: 2.3× and 1×
      // the shifted base), which read as growth from 2 put the median at 6.
      const rising = bursts(20).distribution(2, 0)!;
      for (const tau of [0.1, 0.5]) expect(rising.quantile(tau)).toBeGreaterThan(19);
    });

    it('reads its own rising rows without the young-history prior once they hold more than two peaks', () => {
      // Five bursts: level 1's rising rows hold five horizons (two and a half independent peaks), the prior a
      // hundred pseudo-horizons of a few per cent growth. Read with them, the median rise from 2 was 2.1.
      const h = bursts(5, { weight: 100, meanGrowth: 0.05 });
      const rising = h.distribution(2, 0)!;
      expect(rising.note.text()).not.toContain('young-history prior');
      expect(rising.quantile(0.5)).toBeGreaterThan(19);
      // Both rows near D(t) still carry the prior, and the rise reads never below them. A steady read reads
      // no fallen row, the rise's both rows do (the idle ticks after each burst): where the prior no longer
      // thins the rows' own tail (seenByRows), the steady read's 0.99-quantile is the larger, 33 against 27.
      const steady = h.distribution(2, 2)!;
      expect(steady.note.text()).toContain('100 of them the young-history prior');
      for (const tau of [0.9, 0.999])
        expect(rising.quantile(tau)).toBeGreaterThanOrEqual(steady.quantile(tau));
    });

    it('reads rising rows from farther out only to add headroom: never below both rows near the level', () => {
      // At level 7 (around 200) demand sometimes jumps to 1,000 from a steady base (both rows' tail); the
      // ramps through level 8 (around 300) rise by +10 a tick only. A rising decision at 200 reads the
      // ramps' rising rows, whose growth is small, but keeps the jumps' tail.
      const cycle = [
        ...new Array<number>(30).fill(200),
        1000,
        ...new Array<number>(30).fill(200),
        ...Array.from({ length: 12 }, (_, i) => 280 + 10 * i),
        ...new Array<number>(10).fill(400),
      ];
      const h = new GrowthHistogram({ horizonSteps: 2, shift: 1, halfLifeSteps: 1e9, minWeight: 50 });
      h.observeAll(Float64Array.from({ length: 20 * cycle.length }, (_, i) => cycle[i % cycle.length]!));
      const steady = h.distribution(200, 200)!;
      const rising = h.distribution(200, 150)!;
      expect(rising.note.text()).toContain('(rising:');
      expect(rising.quantile(0.5)).toBeGreaterThan(steady.quantile(0.5));
      expect(steady.quantile(0.99)).toBeGreaterThan(900);
      expect(rising.quantile(0.99)).toBeGreaterThan(900);
    });

    it('is not rising where the query fell within its lag, though it rose over the horizon', () => {
      // With a lag of 2: the bases past the ramp's top (up on the horizon, down on the lag) go to the steady
      // row, so the rising row holds the ramp alone and a decision past the top reads both rows (the query
      // 3 % under its value a lag before: no fall in progress).
      const h = new GrowthHistogram({
        horizonSteps: 4,
        lagSteps: 2,
        shift: 1,
        halfLifeSteps: 1e9,
        minWeight: 50,
      });
      h.observeAll(samples);
      const up = h.distribution(232, 200, 216)!;
      expect(up.note.text()).toContain('rising');
      const pastTop = h.distribution(232, 200, 240)!;
      expect(pastTop.note.text()).toBe(h.distribution(232, 232)!.note.text());
      for (const tau of [0.5, 0.9, 0.99])
        expect(pastTop.quantile(tau)).toBe(h.distribution(232, 232)!.quantile(tau));
      // As the decision reads it: the query's value one lag (2 ticks) before, from the recent ticks.
      const past = Float64Array.from([190, 200, 220, 240, 236]);
      expect(reactivePeakDistribution(h, past, 4, 232).note.text()).toBe(pastTop.note.text());
    });

    it('reads the rising rows though they hold fewer horizons than needed, to add headroom to every row', () => {
      const h = new GrowthHistogram({ horizonSteps: 4, shift: 1, halfLifeSteps: 1e9, minWeight: 50 });
      // Two ramps: a dozen rising bases (three independent peaks), under the 50 needed. Every row near the
      // level says demand mostly stays at 232; the rising rows, that it went on up the ramp.
      h.observeAll(samples.subarray(0, 2 * cycle.length));
      const rising = h.distribution(232, 200)!;
      expect(rising.note.text()).toContain(
        'level rows 7,7 rising,8 rising,7 fallen of 10 around D(t) (rising:',
      );
      expect(rising.quantile(0.5)).toBeGreaterThan(240);
      const steady = h.distribution(232, 232)!;
      for (const tau of [0.5, 0.9, 0.99, 0.999])
        expect(rising.quantile(tau)).toBeGreaterThanOrEqual(steady.quantile(tau));
    });

    it('reads every row where the rising ones hold two independent peaks or fewer', () => {
      const h = new GrowthHistogram({ horizonSteps: 4, shift: 1, halfLifeSteps: 1e9, minWeight: 50 });
      // One ramp: six rising bases, a peak and a half; no tail's spread can be read from them.
      h.observeAll(samples.subarray(0, cycle.length));
      const rising = h.distribution(232, 200)!;
      expect(rising.note.text()).toMatch(/level rows 7,7 rising of 10 around D\(t\)$/);
      expect(rising.quantile(0.5)).toBe(232);
    });

    it('on the first burst after an idle stretch, reads its rising edge, not the idle level levels away', () => {
      // Idle at 0 for 400 ticks, then a ramp of +1 a tick from 0 (shift 0.5, horizon 4): at 20, levels
      // above the idle one, no row near it holds anything but the ramp's own rising bases (about 16), so
      // every row read out to the idle level said demand stays at 20 at τ = 0.9 (the idle zero atom).
      const series = [...new Array<number>(400).fill(0), ...Array.from({ length: 21 }, (_, i) => i)];
      const h = new GrowthHistogram({ horizonSteps: 4, shift: 0.5, halfLifeSteps: 1e9, minWeight: 50 });
      h.observeAll(Float64Array.from(series));
      const rising = h.distribution(20, 16)!;
      expect(rising.note.text()).toContain('(rising:');
      // The ramp goes on: 4 more over the horizon.
      expect(rising.quantile(0.5)).toBeGreaterThan(22);
    });
  });

  describe('once it has seen a half-life of horizons', () => {
    // Horizon 2, shift 1, a half-life of 880 ticks (ten cycles). Steady at 100 for 80 ticks, then a ramp
    // 60 → 130 by +10 a tick, back to 100: at level 6 (64–127) the steady bases stay (or fall to the ramp's
    // foot) and the rising ones go on up by a fifth or more.
    const cycle = [...new Array<number>(80).fill(100), ...Array.from({ length: 8 }, (_, i) => 60 + 10 * i)];
    const samples = Float64Array.from({ length: 20 * cycle.length }, (_, i) => cycle[i % cycle.length]!);
    const feed = (h: GrowthHistogram, from: number, to: number) => {
      for (let end = from; end <= to; end++) h.observeEndingAt(samples, end);
    };

    it('reads the steady rows alone for a steady decision: the rising rows hold what followed a rise', () => {
      const h = new GrowthHistogram({ horizonSteps: 2, shift: 1, halfLifeSteps: 880, minWeight: 50 });
      // Five cycles, under a half-life: both rows, whose tail is the ramps'.
      feed(h, 3, 5 * cycle.length);
      const young = h.distribution(100, 100)!;
      expect(young.note.text()).toContain('level rows 6,6 rising of 10 around D(t)');
      expect(young.quantile(0.99)).toBeGreaterThan(120);
      // Past a half-life: the steady rows, from which demand never rose.
      feed(h, 5 * cycle.length + 1, samples.length);
      const steady = h.distribution(100, 100)!;
      expect(steady.note.text()).toMatch(/level rows 6 of 10 around D\(t\);?/);
      expect(steady.quantile(0.99)).toBe(100);
      // A rising decision at the same level still reads the ramps' growth.
      expect(h.distribution(100, 80)!.quantile(0.5)).toBeGreaterThan(115);
    });

    it('says so where the steady rows near D(t) are too few and are read from farther out', () => {
      // Four short steady stretches at 100, each ending in the ramp, then 100 ticks at 50: level 6's
      // steady rows hold under 300 horizons where its two kinds together hold more, so the steady rows are
      // read on out to level 5's, never below both rows at level 6.
      const unit = [...new Array<number>(10).fill(100), ...Array.from({ length: 8 }, (_, i) => 60 + 10 * i)];
      const mixed = [...unit, ...unit, ...unit, ...unit, ...new Array<number>(100).fill(50)];
      const series = Float64Array.from({ length: 20 * mixed.length }, (_, i) => mixed[i % mixed.length]!);
      const h = new GrowthHistogram({ horizonSteps: 2, shift: 1, halfLifeSteps: 880, minWeight: 300 });
      for (let end = 3; end <= series.length; end++) h.observeEndingAt(series, end);
      expect(h.distribution(100, 100)!.note.text()).toContain(
        'level rows 5,6,6 rising of 10 around D(t) (steady: the steady rows out to where they hold enough horizons, never below both rows near D(t))',
      );
    });
  });

  describe('while the query falls', () => {
    // Horizon 2, shift 1. Spikes 25, 50, 100, 200, 400 and back down, 20 idle ticks apart: level 6 (64–127)
    // holds the 100 of each rising edge, followed by 400, and the 100 of each falling side, followed by 50.
    const spikes = () => {
      const spike = [...new Array<number>(20).fill(0), 25, 50, 100, 200, 400, 200, 100, 50, 25];
      const h = new GrowthHistogram({ horizonSteps: 2, shift: 1, halfLifeSteps: 1e9, minWeight: 20 });
      h.observeAll(Float64Array.from({ length: 40 * spike.length }, (_, i) => spike[i % spike.length]!));
      return h;
    };

    it('reads no rising row: a fall is not priced with the peak the rises through its level went on to', () => {
      // At 100, 200 one lag before, 400 within the look back: the fallen rows, never the rising ones.
      const falling = spikes().distribution(100, 400, 200, 400)!;
      expect(falling.quantile(0.9)).toBeLessThan(60);
      expect(falling.note.text()).not.toContain('rising');
    });

    it('reads them as before where the query is not below its value one lag earlier', () => {
      // The same base with no lag to tell, a flat one or one 5 % under it reads every row near it: half its
      // horizons peaked at 400.
      expect(spikes().distribution(100, 400, Number.NaN, 400)!.quantile(0.9)).toBeGreaterThan(300);
      expect(spikes().distribution(100, 400, 100, 400)!.quantile(0.9)).toBeGreaterThan(300);
      expect(spikes().distribution(100, 400, 105, 400)!.quantile(0.9)).toBeGreaterThan(300);
    });
  });

  describe('after a fall', () => {
    // Horizon 2, shift 1. Level 6 (64–127) holds steady bases at 100 and fallen ones: 100 one or two ticks
    // after a 200. Demand stays at 100 for 40 ticks, then alternates 200, 100 five times: from a fallen
    // base it comes back to 200 four times in six, from a steady one twice in about forty.
    const bounce = [
      ...new Array<number>(40).fill(100),
      ...Array.from({ length: 10 }, (_, i) => (i % 2 ? 100 : 200)),
    ];
    const bouncing = () => {
      const h = new GrowthHistogram({ horizonSteps: 2, shift: 1, halfLifeSteps: 1e9, minWeight: 20 });
      h.observeAll(Float64Array.from({ length: 20 * bounce.length }, (_, i) => bounce[i % bounce.length]!));
      return h;
    };

    it('reads the growth that followed fallen bases where the query fell over the last horizon', () => {
      const h = bouncing();
      const fallen = h.distribution(100, 100, Number.NaN, 200)!;
      expect(fallen.note.text()).toContain('6 fallen');
      expect(fallen.note.text()).toContain('(fallen: the fallen rows, never below every row near D(t))');
      // Every row read alone holds the comebacks in a tenth of its horizons, its median 100.
      expect(Math.abs(fallen.quantile(0.5) / 200 - 1)).toBeLessThan(0.02);
    });

    it('reads no fallen row for a steady decision', () => {
      const h = bouncing();
      const steady = h.distribution(100, 100, Number.NaN, 100)!;
      expect(steady.note.text()).not.toContain('fallen');
      // Two comebacks in about forty steady horizons: under 6 %. With the fallen rows, about a tenth.
      expect(steady.quantile(0.94)).toBe(100);
      // Without the recent peak (fewer recent ticks than the horizon), steady too.
      expect(h.distribution(100, 100)!.quantile(0.94)).toBe(100);
    });

    it('reads the fallen rows only to add headroom: never below every row near the level', () => {
      // Level 6 again, but from a fallen base demand stays (200, 100, 100, …) and from a steady one it jumps
      // to 120 one horizon in ten: the fallen rows alone would say no growth at all.
      const cycle = [
        ...Array.from({ length: 40 }, (_, i) => (i % 10 === 9 ? 120 : 100)),
        200,
        ...new Array<number>(10).fill(100),
      ];
      const h = new GrowthHistogram({ horizonSteps: 2, shift: 1, halfLifeSteps: 1e9, minWeight: 20 });
      h.observeAll(Float64Array.from({ length: 20 * cycle.length }, (_, i) => cycle[i % cycle.length]!));
      const fallen = h.distribution(100, 100, Number.NaN, 200)!;
      expect(fallen.quantile(0.9)).toBeGreaterThan(115);
      expect(fallen.note.text()).toContain('(fallen:');
    });

    it('as the decision reads it, takes the recent peak from the last horizon of recent ticks', () => {
      const h = bouncing();
      // The recent ticks end one tick before the decision: its last two hold the 200.
      const read = reactivePeakDistribution(h, Float64Array.from([100, 100, 200, 100]), 2, 100);
      expect(read.note.text()).toBe(h.distribution(100, 200, Number.NaN, 200)!.note.text());
      expect(read.note.text()).toContain('fallen');
      // The 200 three ticks back is older than the horizon: steady.
      const older = reactivePeakDistribution(h, Float64Array.from([100, 200, 100, 100]), 2, 100);
      expect(older.note.text()).not.toContain('fallen');
    });

    it('looks back over recentPeakSteps where that is longer than the horizon, learning and deciding alike', () => {
      const h = new GrowthHistogram({
        horizonSteps: 2,
        shift: 1,
        halfLifeSteps: 1e9,
        minWeight: 20,
        recentPeakSteps: 4,
      });
      h.observeAll(Float64Array.from({ length: 20 * bounce.length }, (_, i) => bounce[i % bounce.length]!));
      // The 200 three ticks back is within four ticks: fallen, as the rows were learned.
      const older = reactivePeakDistribution(h, Float64Array.from([100, 200, 100, 100]), 2, 100);
      expect(older.note.text()).toContain('fallen');
      expect(older.note.text()).toBe(h.distribution(100, 100, Number.NaN, 200)!.note.text());
    });
  });

  it('is additive near zero, where a ratio cannot scale a zero base', () => {
    // From 0, bursts to 4 (shift 2): growth ln(6/2); from a current demand of 0 the peak is 4.
    const h = new GrowthHistogram({ horizonSteps: 1, shift: 2, halfLifeSteps: 1e9, minWeight: 20 });
    for (let i = 0; i < 40; i++) feed(h, [0, 4]);
    const q = h.distribution(0)!.quantile(0.5);
    expect(q).toBeGreaterThan(3.7);
    expect(q).toBeLessThan(4.3);
  });

  it("lends a higher level's growth to a level it has not seen as the rise it was, not as the ratio", () => {
    // Only level 2 seen (shift 1: bases 3–7), each horizon rising from 4 to 6, ln(7/5). From 0, where no
    // horizon was seen, that ratio is a rise to 0.4; from level 2's lowest base (3), it was a rise of 1.6 at
    // least (from this history's bases, 2).
    const h = new GrowthHistogram({ horizonSteps: 1, shift: 1, halfLifeSteps: 1e9, minWeight: 20 });
    for (let i = 0; i < 40; i++) feed(h, [4, 6]);
    const borrowed = h.distribution(0)!.quantile(0.5);
    expect(borrowed).toBeGreaterThan(1.45);
    expect(borrowed).toBeLessThan(2);
    // At the level it was seen at the growth is read as it was.
    expect(Math.abs(h.distribution(4)!.quantile(0.5) / 6 - 1)).toBeLessThan(0.02);
  });

  it('lends a lower level its ratio where that is the larger, and a fall as the ratio', () => {
    // Level 0 (bases 0–1) rises 0.2 → 0.6 and level 3 (bases 7–15) falls 8 → 6: a decision at 3, level 2,
    // reads level 0's growth as a ratio (the larger: ln(1.6/1.2) over 4 is 1.33 up), level 3's fall as one.
    const h = new GrowthHistogram({ horizonSteps: 1, shift: 1, halfLifeSteps: 1e9, minWeight: 40 });
    for (let i = 0; i < 20; i++) {
      feed(h, [0.2, 0.6]);
      feed(h, [8, 6]);
    }
    const d = h.distribution(3)!;
    expect(Math.abs((d.quantile(0.9) + 1) / (4 * (1.6 / 1.2)) - 1)).toBeLessThan(0.03);
    expect(Math.abs((d.quantile(0.1) + 1) / (4 * (7 / 9)) - 1)).toBeLessThan(0.03);
  });

  it('forgets an old regime after a few half-lives', () => {
    const h = new GrowthHistogram({ horizonSteps: 1, shift: 1, halfLifeSteps: 100, minWeight: 10 });
    for (let i = 0; i < 1000; i++) feed(h, [100, 300]);
    expect(h.distribution(100)!.quantile(0.5)).toBeGreaterThan(250);
    for (let i = 0; i < 1000; i++) feed(h, [100, 100]);
    // The old horizons now weigh 2⁻¹⁰ of their share: the median is the new growth.
    expect(h.distribution(100)!.quantile(0.5)).toBeLessThan(105);
    expect(h.distribution(100)!.quantile(0.99)).toBeLessThan(105);
  });

  it('keeps rising beyond the largest growth seen, so a stricter τ always buys headroom', () => {
    const h = new GrowthHistogram({ horizonSteps: 1, shift: 1, halfLifeSteps: 1e9, minWeight: 10 });
    for (let i = 0; i < 200; i++) feed(h, [100, 100 + (i % 20)]);
    const d = h.distribution(100)!;
    // The largest growth, 120/101, up to the width of its bin (about 1.2 % there).
    const atTop = d.quantile(1 - 1 / 200);
    expect(atTop).toBeLessThan(120 * 1.015);
    expect(d.quantile(0.9999)).toBeGreaterThan(atTop + 1);
    expect(d.quantile(0.99999)).toBeGreaterThan(d.quantile(0.9999));
  });

  it('extrapolates its tail beyond the largest independent peak: horizons of H ticks overlap', () => {
    // 1,000 horizons of 10 ticks, peaks spread evenly over 1,000–1,099 from a base of 1,000. They stand
    // for about 100 independent peaks, so the tail starts at the 0.99-quantile (1,099) with the spread
    // from the 0.9-quantile to it: 0.99999 is three decades on, about +5 % (+2.5 % as an exponential with
    // that spread, +0.2 % read as 1,000 independent peaks with the spread of the top 1 %).
    const h = new GrowthHistogram({ horizonSteps: 10, shift: 1, halfLifeSteps: 1e9, minWeight: 10 });
    for (let i = 0; i < 1000; i++) feed(h, [...Array.from({ length: 10 }, () => 1000), 1000 + (i % 100)]);
    const d = h.distribution(1000)!;
    expect(d.quantile(0.99)).toBeLessThan(1099 * 1.01);
    expect(d.quantile(0.99999)).toBeGreaterThan(1115);
    expect(d.quantile(0.99999)).toBeLessThan(1170);
    expect(d.note.text()).toContain('about 100 independent peaks');
  });

  it("prices beyond its data the uncertainty of a tail's spread read from 10 peaks", () => {
    // The same 100 independent peaks. The spread β of the top decade, from the 0.9- to the 0.99-quantile,
    // comes from 10 peaks: beyond the data the tail is the exponential's posterior predictive with the rate
    // as uncertain as 10 peaks leave it, g = g(0.9) + 10β((0.1/(1 − τ))^(1/10) − 1), heavier than the
    // exponential g(0.99) + β ln(0.01/(1 − τ)) the farther out τ reads.
    const h = new GrowthHistogram({ horizonSteps: 10, shift: 1, halfLifeSteps: 1e9, minWeight: 10 });
    for (let i = 0; i < 1000; i++) feed(h, [...Array.from({ length: 10 }, () => 1000), 1000 + (i % 100)]);
    const d = h.distribution(1000)!;
    const g = (tau: number) => Math.log((d.quantile(tau) + 1) / 1001);
    // The growth above g(0.9) four decades out over three: the predictive's (10⁴^0.1 − 1)/(10³^0.1 − 1),
    // 1.52, where an exponential's is at most ln 10⁴ / ln 10³, 1.33.
    const excess = (tau: number) => g(tau) - g(0.9);
    expect(excess(0.99999) / excess(0.9999)).toBeCloseTo(
      (Math.pow(1e4, 0.1) - 1) / (Math.pow(1e3, 0.1) - 1),
      2,
    );
    const beta = (g(0.99) - g(0.9)) / Math.log(10);
    expect(g(0.99999) - (g(0.99) + beta * Math.log(1000))).toBeGreaterThan(3 * beta);
    expect(d.note.text()).toContain('its spread as uncertain as the few peaks it is read from leave it');
  });

  it('skips horizons with a NaN base or no finite peak, and survives renormalising its weights', () => {
    const h = new GrowthHistogram({ horizonSteps: 2, shift: 1, halfLifeSteps: 10, minWeight: 5 });
    feed(h, [Number.NaN, 1, 2]);
    feed(h, [1, Number.NaN, Number.NaN]);
    expect(h.size).toBe(0);
    // The newest horizon weighs 2^(1/10) more than the one before: 1,200 of them pass 1e30 once.
    for (let i = 0; i < 1200; i++) feed(h, [10, 12, 11]);
    expect(h.size).toBe(1200);
    expect(h.distribution(10)!.quantile(0.5)).toBeCloseTo(12, 0);
  });

  describe('with a young-history prior', () => {
    const prior = { weight: 100, meanGrowth: 0.05 };

    it('is usable from the start: the prior alone, exponential growth above the shift', () => {
      const h = new GrowthHistogram({ horizonSteps: 4, shift: 10, halfLifeSteps: 1e9, minWeight: 50, prior });
      const d = h.distribution(90)!;
      expect(d).toBeDefined();
      expect(d.note.text()).toMatch(/100 of them the young-history prior/);
      // Over the shifted base the mean growth is 0.05 · D / (D + s) = 0.045:
      // Q(τ) = exp(0.045 · ln(1 / (1 − τ))) · (D + s) − s, up to a growth bin (under 3 % wide up to g = 0.5),
      // within its 25 independent pseudo-peaks (τ up to 0.96); beyond them the predictive tail, heavier.
      const expected = (tau: number) => Math.exp(0.045 * Math.log(1 / (1 - tau))) * 100 - 10;
      for (const tau of [0.5, 0.9])
        expect(Math.abs(d.quantile(tau) - expected(tau))).toBeLessThan(0.03 * 100);
      expect(d.quantile(0.99)).toBeGreaterThan(expected(0.99) - 0.03 * 100);
      expect(d.quantile(0.99)).toBeLessThan(expected(0.99) * 1.1);
      expect(d.quantile(0.01)).toBeGreaterThanOrEqual(90);
    });

    it('raises strict quantiles over a short flat history and barely moves loose ones', () => {
      const flat = new Float64Array(300).fill(400);
      const bare = new GrowthHistogram({ horizonSteps: 4, shift: 50, halfLifeSteps: 1e9 });
      const young = new GrowthHistogram({ horizonSteps: 4, shift: 50, halfLifeSteps: 1e9, prior });
      bare.observeAll(flat);
      young.observeAll(flat);
      expect(bare.distribution(400)!.quantile(0.999)).toBe(400);
      // 100 of 396 horizons are the prior's: the 0.999-quantile is its (1 − 0.001 · 396 / 100)-quantile,
      // beyond the 99 independent pseudo-peaks the predictive tail makes a little more of.
      const strict = Math.exp(((0.05 * 400) / 450) * Math.log(100 / 0.396)) * 450 - 50;
      const q = young.distribution(400)!.quantile(0.999);
      expect(q).toBeGreaterThan(strict - 0.03 * 450);
      expect(q).toBeLessThan(strict * 1.1);
      expect(young.distribution(400)!.quantile(0.5)).toBe(400);
    });

    it('never lowers the tail of rows holding enough horizons: its pseudo-horizons count within their peaks only', () => {
      // A level at 400 that rose to 600 in a few horizons of its 300; the prior, as many pseudo-horizons of a
      // few per cent growth, counted with them, halved the ramp's share and read the strict tail under it
      // (Q(0.99) 513 where the rows alone read 662).
      const rampOnce = Float64Array.from({ length: 304 }, (_, i) => (i >= 150 && i < 154 ? 600 : 400));
      const bare = new GrowthHistogram({ horizonSteps: 4, shift: 50, halfLifeSteps: 1e9 });
      const young = new GrowthHistogram({
        horizonSteps: 4,
        shift: 50,
        halfLifeSteps: 1e9,
        prior: { weight: 300, meanGrowth: 0.05 },
      });
      bare.observeAll(rampOnce);
      young.observeAll(rampOnce);
      const seen = bare.distribution(400)!;
      const d = young.distribution(400)!;
      for (const tau of [0.99, 0.999, 0.9996])
        expect(d.quantile(tau)).toBeGreaterThanOrEqual(seen.quantile(tau));
      expect(d.quantile(0.9996)).toBeGreaterThan(600);
      expect(d.note.text()).toContain("300 of them the young-history prior, never below the rows' own tail");
      // Within the rows' own peaks the prior still counts: a level noisy by a tenth reads its median lower.
      const noisy = rampOnce.map((x, i) => (x === 400 && i % 2 === 1 ? 440 : x));
      const noisyBare = new GrowthHistogram({ horizonSteps: 4, shift: 50, halfLifeSteps: 1e9 });
      const noisyYoung = new GrowthHistogram({
        horizonSteps: 4,
        shift: 50,
        halfLifeSteps: 1e9,
        prior: { weight: 300, meanGrowth: 0.05 },
      });
      noisyBare.observeAll(noisy);
      noisyYoung.observeAll(noisy);
      expect(noisyYoung.distribution(400)!.quantile(0.5)).toBeLessThan(
        noisyBare.distribution(400)!.quantile(0.5),
      );
    });

    it('adds nothing at zero demand: doubling nothing is nothing, and an idle series stays at 0', () => {
      const h = new GrowthHistogram({ horizonSteps: 4, shift: 10, halfLifeSteps: 1e9, prior });
      h.observeAll(new Float64Array(100));
      for (const tau of [0.5, 0.999]) expect(h.distribution(0)!.quantile(tau)).toBe(0);
    });

    it('fades with the half-life: after many half-lives a flat history gives exactly D(t) again', () => {
      const h = new GrowthHistogram({ horizonSteps: 1, shift: 5, halfLifeSteps: 10, minWeight: 10, prior });
      h.observeAll(new Float64Array(50).fill(100));
      expect(h.distribution(100)!.quantile(0.9999)).toBeGreaterThan(100);
      // 1,200 horizons: the prior weighs 2⁻¹²⁰ of the newest one.
      h.observeAll(new Float64Array(1200).fill(100));
      expect(h.distribution(100)!.quantile(0.9999)).toBe(100);
    });

    it('is an hour of pseudo-horizons whose mean growth is demand doubling in an hour over H', () => {
      expect(growthPriorFor(4, 15)).toEqual({ weight: 240, meanGrowth: (Math.LN2 * 60) / 3600 });
      expect(growthPriorFor(10, 15).meanGrowth).toBeCloseTo((Math.LN2 * 150) / 3600, 12);
    });
  });
});

describe('growthHistogramFits', () => {
  it('fits the horizon, lag, κ and tick interval it was built for, and no other', () => {
    const built = growthHistogramFor(40, 2, 1, 30);
    expect(growthHistogramFits(built, 40, 2, 1, 30)).toBe(true);
    expect(growthHistogramFits(built, 40, 3, 1, 30)).toBe(false);
    expect(growthHistogramFits(built, 40, 2, 0, 30)).toBe(false);
    expect(growthHistogramFits(built, 50, 2, 1, 30)).toBe(false);
    // A reload from 30 s to 60 s ticks with twice the readiness keeps the horizon's 2 ticks, but the day's
    // half-life and the recent peak's 5 minutes are half as many ticks: the old histogram no longer fits.
    expect(growthHistogramFits(built, 40, 2, 1, 60)).toBe(false);
  });
});

describe('GrowthHistogram storage', () => {
  /** Deterministic uniform in [0, 1) (mulberry32). */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  /**
   * Every quantile and note of histograms fed series whose growth reaches new extremes in every level row
   * long after the row was first seen (noise, steps, spikes, idle stretches, NaN), as one FNV-1a digest
   * of the quantiles' bits and the notes' text.
   */
  function digest(): string {
    const bits = new DataView(new ArrayBuffer(8));
    let h = 0x811c9dc5;
    const byte = (b: number) => (h = Math.imul(h ^ b, 0x01000193));
    const number = (x: number) => {
      bits.setFloat64(0, x);
      for (let i = 0; i < 8; i++) byte(bits.getUint8(i));
    };
    for (let seed = 1; seed <= 12; seed++) {
      const next = random(seed);
      const h0 = new GrowthHistogram({
        horizonSteps: 1 + (seed % 7),
        lagSteps: seed % 3,
        shift: 0.5 + 10 * next(),
        halfLifeSteps: 50 + 400 * next(),
        minWeight: 20,
        ...(seed % 2 === 0 && { prior: { weight: 60, meanGrowth: 0.02 + 0.1 * next() } }),
      });
      const samples = new Float64Array(3000);
      let level = 1 + 300 * next();
      for (let i = 0; i < samples.length; i++) {
        if (next() < 0.01) level = Math.max(0, level * (0.2 + 3 * next()));
        const spike = next() < 0.005 ? 1 + 20 * next() : 1;
        samples[i] = next() < 0.003 ? Number.NaN : next() < 0.01 ? 0 : level * spike * (0.7 + 0.6 * next());
      }
      for (let end = 1; end <= samples.length; end++) {
        h0.observeEndingAt(samples, end);
        if (end % 97 !== 0) continue;
        for (const current of [0, samples[end - 1]!, level, 4 * level + 1]) {
          const d = h0.distribution(current, samples[end - 5], samples[end - 2]);
          if (d === undefined) {
            byte(0);
            continue;
          }
          for (const tau of [0.01, 0.3, 0.5, 0.9, 0.99, 0.999, 0.99999]) number(d.quantile(tau));
          for (const c of d.note.text()) byte(c.charCodeAt(0) & 0xff);
        }
      }
    }
    return (h >>> 0).toString(16);
  }

  it('keeps a row only as wide as the growth it has seen', () => {
    const binsOf = (h: GrowthHistogram) => (h as unknown as { binCount: number }).binCount;
    // A flat history: one row, its one bin (the zero atom), not the row's 127.
    const flat = new GrowthHistogram({ horizonSteps: 4, shift: 50, halfLifeSteps: 1e9 });
    flat.observeAll(new Float64Array(240).fill(400));
    expect(binsOf(flat)).toBe(1);
    // and a slot of row state for that one row, not for all 30.
    expect((flat as unknown as { rowCount: number }).rowCount).toBe(1);
    // Demand within ±15 % of 100: three rows (its level's steady, rising and fallen ones), whose growth
    // over a horizon stays within about ±0.3: about half of each row's 127 bins.
    const next = random(7);
    const noisy = new GrowthHistogram({ horizonSteps: 4, shift: 10, halfLifeSteps: 1e9 });
    noisy.observeAll(Float64Array.from({ length: 2000 }, () => 100 * (0.85 + 0.3 * next())));
    expect(binsOf(noisy)).toBeLessThan(0.55 * 3 * 127);
  });

  it('gives each distribution quantiles of its own, however many are made after it', () => {
    // distribution() sums rows in shared scratch: each distribution must keep its own sums.
    const next = random(11);
    const quiet = new GrowthHistogram({ horizonSteps: 4, shift: 10, halfLifeSteps: 1e9 });
    quiet.observeAll(Float64Array.from({ length: 2000 }, () => 100 * (0.95 + 0.1 * next())));
    const spiky = new GrowthHistogram({ horizonSteps: 4, shift: 10, halfLifeSteps: 1e9 });
    spiky.observeAll(Float64Array.from({ length: 2000 }, (_, i) => (i % 50 < 5 ? 400 : 100)));
    const taus = [0.1, 0.5, 0.9, 0.999];
    // A steady read and a rising one (its own rows and both rows' kept for the larger growth).
    const steady = quiet.distribution(100, 100)!;
    const rising = spiky.distribution(100, 80)!;
    const first = [...taus.map((t) => steady.quantile(t)), ...taus.map((t) => rising.quantile(t))];
    for (const current of [100, 150, 400]) {
      quiet.distribution(current, current * 0.8);
      spiky.distribution(current, current);
    }
    expect([...taus.map((t) => steady.quantile(t)), ...taus.map((t) => rising.quantile(t))]).toEqual(first);
    expect(first[3]).toBeLessThan(first[7]!);
  });

  it('holds its bins in the shared slab, not in typed arrays of its own', () => {
    const h = growthHistogramFor(100, 8, 2, 15);
    h.observeAll(Float64Array.from({ length: 500 }, (_, i) => 300 + 200 * Math.sin(i / 20)));
    for (const value of Object.values(h)) expect(ArrayBuffer.isView(value)).toBe(false);
  });

  it('reads the same whether its block moved among others in the slab or not', () => {
    const series = (seed: number, length: number) => {
      const next = random(seed);
      return Float64Array.from({ length }, (_, i) => 400 * (1 + Math.sin(i / 40)) * (0.8 + 0.4 * next()));
    };
    const options = { horizonSteps: 6, lagSteps: 2, shift: 20, halfLifeSteps: 400 };
    const alone = new GrowthHistogram(options);
    alone.observeAll(series(3, 3000));
    // Fed a sample at a time among others that grow and are dropped, so blocks move and chunks compact.
    const shared = new GrowthHistogram(options);
    const samples = series(3, 3000);
    let others: GrowthHistogram[] = [];
    for (let end = 1; end <= samples.length; end++) {
      shared.observeEndingAt(samples, end);
      if (end % 50 === 0) others = others.slice(-20);
      const other = new GrowthHistogram(options);
      other.observeAll(series(end, 40));
      others.push(other);
    }
    for (const current of [0, 150, 400, 800]) {
      const a = alone.distribution(current, current * 0.8, current * 1.1, current * 1.3);
      const b = shared.distribution(current, current * 0.8, current * 1.1, current * 1.3);
      for (const tau of [0.1, 0.5, 0.9, 0.999]) expect(b!.quantile(tau)).toBe(a!.quantile(tau));
    }
  });

  // The dense rows' digest with the fallen rows (the rows' storage is lossless; the predictive tail changed
  // it from e8529bef, the fallen rows from 3f73ca54, a falling decision's reading no rising row from
  // f49b3adf, scarce rising rows read and named in the note from 3bc572fd, steady decisions reading the
  // steady rows alone past a half-life (and saying so where read from farther out) and rising rows that
  // hold more than two independent peaks read no farther out and without the prior from ab1af3f8, the
  // merge's note of a steady read from farther out from 6e0d5ffc, and from 9193473c both rows from levels
  // above D(t)'s lending their growth as the rise it was (57b118db alone) and the prior never below the
  // tail rows holding enough horizons show, and the note saying so (b6dc4f6c alone)).
  it('gives every quantile and note as the dense rows of the build before it did, to the bit', () => {
    expect(digest()).toBe('f482262e');
  });
});
