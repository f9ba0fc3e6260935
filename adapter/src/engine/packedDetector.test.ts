import {
  createDetector,
  createExcursionRecord,
  deserializeDetector,
  newWatch,
  scoreSample,
  serializeDetector,
  watchSample,
  type DetectorState,
  type WatchedSeries,
} from '../anomaly';
import {
  packDetector,
  unpackDetector,
  WatchScorer,
  type HeldWatch,
  type PackedDetector,
} from './packedDetector';

const STEP = 300_000;
const DAY = 288;
const T0 = Date.UTC(2026, 0, 5);

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A cost per hour with what the packing has to keep exact: days flat at the floor (its detector's scores
 * after the warm-up are not 0 but tiny and changing), steps to another flat value, stretches that vary,
 * gaps of hours and NaN.
 */
function costSeries(seed: number, buckets: number): Array<{ t: number; value: number }> {
  const next = random(seed);
  const out: Array<{ t: number; value: number }> = [];
  let t = T0;
  let value = 0.0789;
  for (let k = 0; k < buckets; k++) {
    const r = next();
    if (r < 0.002) t += Math.floor(next() * 48) * STEP;
    else if (r < 0.004) value = Math.ceil(next() * 6) * 0.0789;
    const varying = Math.floor(k / DAY) % 3 === 2;
    out.push({ t, value: r > 0.999 ? NaN : varying ? value * (1 + next()) : value });
    t += STEP;
  }
  return out;
}

/** A watch scored with its detector packed after every sample, as the engine holds it. */
function packedWatch(stepMs: number): { watch: WatchedSeries; packed: PackedDetector } {
  return { watch: newWatch(createDetector({ stepMs })), packed: packDetector(createDetector({ stepMs }))! };
}

/**
 * How far the packing moves these series' scores (the slots' values come back within about 2^-17 of their span).
 * Not a bound: where a score's damping is decided by a hair, it can go the other way (`anomaly-nab.bench.ts`).
 */
const SCORE_TOLERANCE = 1e-4;

describe('a detector packed between its buckets', () => {
  it("scores as one never packed, within the slots' 16 bits, with the same episodes, sample after sample", () => {
    for (const seed of [1, 2]) {
      const reference = newWatch(createDetector({ stepMs: STEP }));
      let { watch, packed } = packedWatch(STEP);
      let largest = 0;
      for (const { t, value } of costSeries(seed, 9 * DAY)) {
        const expected = watchSample(reference, t, value);
        watch = { ...watch, detector: unpackDetector(packed) };
        const score = watchSample(watch, t, value);
        largest = Math.max(largest, Math.abs(score - expected));
        expect(Math.abs(score - expected)).toBeLessThan(SCORE_TOLERANCE);
        expect({ ...watch.episode, peak: 0 }).toEqual({ ...reference.episode, peak: 0 });
        expect(Math.abs(watch.episode.peak - reference.episode.peak)).toBeLessThan(SCORE_TOLERANCE);
        // Every state of the detector is of a new one's shape: none is left unpacked.
        packed = packDetector(watch.detector)!;
        expect(typeof packed).toBe('string');
      }
      // The varying days' slots were held in 16 bits: the scores moved, if only just.
      expect(largest).toBeGreaterThan(0);
    }
  });

  it('holds the slots of a week of varying cost in 16 bits: within about 2^-17 of their span, exact at 0 and its ends', () => {
    const detector = createDetector({ stepMs: STEP });
    const next = random(11);
    for (let k = 0; k < 7 * DAY; k++)
      scoreSample(detector, T0 + k * STEP, 0.0789 * (4 + 2 * Math.sin((2 * Math.PI * k) / DAY) + next()));
    detector.profile[5] = 0;
    const packed = packDetector(detector)!;
    // Each of the four slot arrays at two bytes a value (against four), besides the rest of the state.
    const exact = serializeDetector(detector).length;
    expect(packed.length).toBeLessThan(2 * (288 * 3 + 168) + 700);
    const back = unpackDetector(packed);
    for (const [a, b] of [
      [back.profile, detector.profile],
      [back.profileDev, detector.profileDev],
      [back.dayLast, detector.dayLast],
      [back.weekly.expected, detector.weekly.expected],
    ] as const) {
      const nonZero = [...b].filter((v) => v !== 0);
      const low = Math.min(...nonZero);
      const high = Math.max(...nonZero);
      let moved = 0;
      b.forEach((v, i) => {
        // Half a step of the 65,534 between them, and the four-byte float's own rounding.
        expect(Math.abs(a[i]! - v)).toBeLessThanOrEqual((high - low) / (2 * 65_534) + Math.abs(v) * 2 ** -24);
        if (v === 0 || v === low || v === high) expect(a[i]).toBe(v);
        if (a[i] !== v) moved++;
      });
      expect(moved).toBeGreaterThan(0);
    }
    // The last day's running sum moves with its values: it stays their sum as stored.
    let sum = 0;
    for (const v of back.dayLast) sum += v;
    expect(back.daySum).toBeCloseTo(sum, 9);
    expect(Math.abs(back.daySum - detector.daySum)).toBeGreaterThan(0);
    // The rest comes back bit for bit: the state's JSON with the four arrays set aside is the same.
    const rest = (d: DetectorState): string =>
      serializeDetector({
        ...d,
        profile: new Float32Array(0),
        profileDev: new Float32Array(0),
        dayLast: new Float32Array(0),
        daySum: 0,
        weekly: { ...d.weekly, expected: new Float32Array(0) },
      });
    expect(rest(back)).toBe(rest(detector));
    expect(exact).toBeGreaterThan(packed.length);
    // Packed again, it is the same bytes: values on the grid stay on it.
    expect(packDetector(back)).toBe(packed);
  });

  it('holds a new detector in a few hundred bytes, its slots as runs, and a varying array in 16 bits', () => {
    const detector = createDetector({ stepMs: STEP });
    const packed = packDetector(detector)!;
    expect(packed.length).toBeLessThan(300);
    expect(serializeDetector(unpackDetector(packed))).toBe(serializeDetector(detector));

    const varying = createVaryingReference();
    const some = packDetector(varying)!;
    // dayLast's one run (its count and a value of four bytes) gives way to its 288 values in two bytes
    // each, after its smallest and largest (four bytes each); its sum, 0 as the test set it (one byte),
    // moves with them (nine); the rest as before.
    expect(some.length - packed.length).toBe(288 * 2 + 8);
    const back = unpackDetector(some);
    back.dayLast.forEach((v, i) => expect(Math.abs(v - i / 7)).toBeLessThan(2 ** -17 * (287 / 7)));
    expect({ ...back, dayLast: [], daySum: 0 }).toEqual({ ...varying, dayLast: [], daySum: 0 });
  });

  it('keeps -0 apart from 0, NaN, and the values of every kind of array bit for bit', () => {
    const detector = createDetector({ stepMs: STEP });
    detector.profile.fill(-0, 0, 100);
    detector.dayLast.fill(NaN, 10, 20);
    detector.dayLast[30] = 1 / 3;
    detector.profileDev.fill(Math.fround(0.1), 50, 60);
    detector.weekly.count.fill(65_535, 0, 10);
    detector.profileCount.fill(255, 3, 7);
    detector.level = -0;
    detector.last = NaN;
    detector.levelDev = 2 ** 31;
    detector.diffDev = -(2 ** 31);
    detector.min = -Number.MAX_VALUE;
    detector.max = Infinity;
    detector.weekly.anchor = 1e-300;
    detector.recent.push(0.5, -0, 3);
    const state = unpackDetector(packDetector(detector)!);
    for (const [a, b] of [
      [state.profile, detector.profile],
      [state.dayLast, detector.dayLast],
      [state.profileDev, detector.profileDev],
      [state.profileCount, detector.profileCount],
      [state.weekly.count, detector.weekly.count],
    ] as const) {
      expect(a.constructor).toBe(b.constructor);
      expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).toEqual(
        Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      );
    }
    for (const key of ['level', 'last', 'levelDev', 'diffDev', 'min', 'max'] as const)
      expect(Object.is(state[key], detector[key])).toBe(true);
    expect(state.weekly.anchor).toBe(1e-300);
    expect(Object.is(state.recent[1], -0)).toBe(true);
    expect(state.recent).toEqual([0.5, -0, 3]);
    // And the keys in their order, at every depth: the JSON is the same string.
    expect(serializeDetector(state)).toBe(serializeDetector(detector));
  });

  it('continues exactly after a restart from its serialised state, and at another step', () => {
    for (const stepMs of [STEP, 60_000]) {
      const series = costSeries(7, 3 * DAY).map((s, k) => ({ ...s, t: T0 + k * stepMs }));
      // Both packed after every sample: a restart reads back what the packed state held.
      let reference = packedWatch(stepMs);
      let { watch, packed } = packedWatch(stepMs);
      for (const [k, { t, value }] of series.entries()) {
        let detector = unpackDetector(packed);
        // What a restart from stored state reads back: the detector's own JSON.
        if (k === DAY + 5) detector = deserializeDetector(serializeDetector(detector));
        watch = { ...watch, detector };
        const expected = { ...reference.watch, detector: unpackDetector(reference.packed) };
        expect(Object.is(watchSample(watch, t, value), watchSample(expected, t, value))).toBe(true);
        reference = { watch: expected, packed: packDetector(expected.detector)! };
        packed = packDetector(watch.detector)!;
      }
      expect(packed).toBe(reference.packed);
    }
  });

  it('unpacks into a state it reuses exactly as into a new one, whatever that state held before', () => {
    // Two detectors through one reused state, each bucket unpacked into what the other left there, and
    // one at a step with no time of day (no slots): its arrays are of another length.
    const steps = [STEP, STEP, 8 * 3_600_000];
    // Each reference unpacked into a new state every sample.
    const references = steps.map(packedWatch);
    const packed = steps.map((stepMs) => packDetector(createDetector({ stepMs }))!);
    const episodes = references.map((r) => r.watch.episode);
    const excursions = steps.map(() => createExcursionRecord());
    let reused: DetectorState | undefined;
    for (const [k, { value }] of costSeries(3, 3 * DAY).entries()) {
      steps.forEach((stepMs, i) => {
        const at = T0 + k * stepMs;
        const sample = i === 1 ? value * 3 + (k % 7) : value;
        const reference = references[i]!;
        reference.watch = { ...reference.watch, detector: unpackDetector(reference.packed) };
        const expected = watchSample(reference.watch, at, sample);
        reference.packed = packDetector(reference.watch.detector)!;
        reused = unpackDetector(packed[i]!, reused);
        const watch: WatchedSeries = {
          detector: reused,
          episode: episodes[i]!,
          score: 0,
          episodes: 0,
          excursions: excursions[i]!,
        };
        expect(Object.is(watchSample(watch, at, sample), expected)).toBe(true);
        episodes[i] = watch.episode;
        packed[i] = packDetector(reused)!;
      });
    }
    steps.forEach((_, i) => expect(packed[i]).toBe(references[i]!.packed));
  });

  it('packs an array as it is now when it changed in place since the last packing, and only its own elements', () => {
    const state = createDetector({ stepMs: STEP });
    packDetector(state);
    state.profile[3] = -0;
    state.dayLast.fill(2.5);
    // An array that is a view into a larger buffer, at an offset: its neighbours are not its elements.
    const wide = new Float32Array(state.profileDev.length + 2).fill(7);
    state.profileDev = wide.subarray(1, 1 + state.profileDev.length).fill(0.25);
    const back = unpackDetector(packDetector(state)!);
    expect(Object.is(back.profile[3], -0)).toBe(true);
    expect([...back.dayLast].every((v) => v === 2.5)).toBe(true);
    expect([...back.profileDev].every((v) => v === 0.25)).toBe(true);
    state.dayLast[0] = NaN;
    state.profileDev[0] = 1;
    const again = unpackDetector(packDetector(state)!, back);
    expect(again.dayLast[0]).toBeNaN();
    expect(again.profileDev[0]).toBe(1);
    expect(again.profileDev[1]).toBe(0.25);
  });

  it('leaves a state of another shape as it is, and refuses bytes that are not its own', () => {
    const added = { ...createDetector({ stepMs: STEP }), added: 1 } as DetectorState;
    expect(packDetector(added)).toBeUndefined();
    const text = { ...createDetector({ stepMs: STEP }), level: 'high' } as unknown as DetectorState;
    expect(packDetector(text)).toBeUndefined();
    const listed = createDetector({ stepMs: STEP });
    (listed.recent as unknown[]).push('x');
    expect(packDetector(listed)).toBeUndefined();

    const packed = packDetector(createDetector({ stepMs: STEP }))!;
    expect(() => unpackDetector((packed + '\0') as PackedDetector)).toThrow(/bytes read/);
  });

  it("scores a watch sharing a new detector's string into bytes of its own, and gives them back", () => {
    const shared = packDetector(createDetector({ stepMs: STEP }))!;
    const watch = (): HeldWatch => ({ ...newWatch(createDetector({ stepMs: STEP })), detector: shared });
    const [a, b] = [watch(), watch()];
    const scorer = new WatchScorer();
    const reference = newWatch(createDetector({ stepMs: STEP }));
    const cost = costSeries(9, 3 * DAY);
    for (const { t, value } of cost) {
      scorer.score(a, (w) => watchSample(w, t, value));
      scorer.score(b, (w) => watchSample(w, t, 2 * value));
      watchSample(reference, t, value);
    }
    // Each its own number in the scorer's slab; the shared string as it was.
    expect(typeof a.detector).toBe('number');
    expect(typeof b.detector).toBe('number');
    expect(a.detector).not.toBe(b.detector);
    expect(packDetector(createDetector({ stepMs: STEP }))).toBe(shared);
    expect(a.episodes).toBe(reference.episodes);
    expect(Math.abs(a.score - reference.score)).toBeLessThan(SCORE_TOLERANCE);
    // A watch released gives its number back: the next new watch gets it.
    const released = a.detector;
    scorer.release(a);
    const c = watch();
    scorer.score(c, (w) => watchSample(w, T0, 1));
    expect(c.detector).toBe(released);
  });
});

function createVaryingReference(): DetectorState {
  const d = createDetector({ stepMs: STEP });
  d.dayLast.forEach((_, i, a) => (a[i] = i / 7));
  return d;
}
