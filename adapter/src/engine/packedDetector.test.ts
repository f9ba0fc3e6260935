import {
  createDetector,
  deserializeDetector,
  newWatch,
  serializeDetector,
  watchSample,
  type DetectorState,
  type WatchedSeries,
} from '../anomaly';
import { packDetector, unpackDetector } from './packedDetector';

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

const slotArrays = (d: DetectorState) => [
  d.profile,
  d.profileDev,
  d.profileCount,
  d.dayLast,
  d.weekly.expected,
  d.weekly.count,
  d.bursts.counts,
  d.surges.counts,
];

describe('a detector packed between its buckets', () => {
  it('scores, and serialises, exactly as one never packed, sample after sample', () => {
    for (const seed of [1, 2]) {
      const reference = newWatch(createDetector({ stepMs: STEP }));
      const packed = newWatch(createDetector({ stepMs: STEP }));
      let runs = packDetector(packed.detector);
      let packedSamples = 0;
      for (const { t, value } of costSeries(seed, 9 * DAY)) {
        if (runs !== undefined) unpackDetector(packed.detector, runs);
        const expected = watchSample(reference, t, value);
        expect(Object.is(watchSample(packed, t, value), expected)).toBe(true);
        expect(packed.episode).toEqual(reference.episode);
        runs = packDetector(packed.detector);
        if (runs !== undefined) packedSamples += 1;
      }
      if (runs !== undefined) unpackDetector(packed.detector, runs);
      expect(serializeDetector(packed.detector)).toBe(serializeDetector(reference.detector));
      // Packed through five of the six flat days at least (the varying days' arrays may not run, and an
      // array of four-byte floats packs at half as many runs as one of doubles).
      expect(packedSamples).toBeGreaterThan(5 * DAY);
    }
  });

  it('empties the arrays that run and leaves the others as they are', () => {
    const detector = createDetector({ stepMs: STEP });
    const before = slotArrays(detector);
    const runs = packDetector(detector)!;
    // Eight arrays of one run each: length, value, run length.
    expect(runs).toHaveLength(8 * 3);
    for (const [i, array] of slotArrays(detector).entries()) {
      expect(array).toHaveLength(0);
      expect(array.constructor).toBe(before[i]!.constructor);
    }
    unpackDetector(detector, runs);
    expect(slotArrays(detector)).toEqual(before);

    // A profile that varies slot by slot is not worth packing: kept, the very same array.
    const varying = createDetector({ stepMs: STEP });
    varying.dayLast.forEach((_, i, a) => (a[i] = i / 7));
    const dayLast = varying.dayLast;
    const some = packDetector(varying)!;
    expect(varying.dayLast).toBe(dayLast);
    expect(varying.profile).toHaveLength(0);
    unpackDetector(varying, some);
    expect(serializeDetector(varying)).toBe(serializeDetector(createVaryingReference()));
  });

  it('keeps -0 apart from 0, NaN, and the values of every kind of array bit for bit', () => {
    const detector = createDetector({ stepMs: STEP });
    detector.profile.fill(-0, 0, 100);
    detector.dayLast.fill(NaN, 10, 20);
    detector.dayLast[30] = 1 / 3;
    detector.profileDev.fill(Math.fround(0.1), 50, 60);
    detector.weekly.count.fill(65_535, 0, 10);
    const profile = [...detector.profile];
    const dayLast = [...detector.dayLast];
    const profileDev = Float32Array.from(detector.profileDev);
    const count = Uint16Array.from(detector.weekly.count);
    unpackDetector(detector, packDetector(detector)!);
    expect(detector.profile.every((v, i) => Object.is(v, profile[i]))).toBe(true);
    expect(detector.dayLast.every((v, i) => Object.is(v, dayLast[i]))).toBe(true);
    expect(detector.profileDev).toEqual(profileDev);
    expect(detector.profileDev).toBeInstanceOf(Float32Array);
    expect(detector.weekly.count).toEqual(count);
    expect(detector.weekly.count).toBeInstanceOf(Uint16Array);
  });

  it('continues exactly after a restart from its serialised state, and at another step', () => {
    for (const stepMs of [STEP, 60_000]) {
      const series = costSeries(7, 3 * DAY).map((s, k) => ({ ...s, t: T0 + k * stepMs }));
      const reference = newWatch(createDetector({ stepMs }));
      let packed: WatchedSeries = newWatch(createDetector({ stepMs }));
      let runs = packDetector(packed.detector);
      for (const [k, { t, value }] of series.entries()) {
        if (runs !== undefined) unpackDetector(packed.detector, runs);
        if (k === DAY + 5) {
          // What a restart from stored state reads back: the detector's own JSON.
          packed = { ...packed, detector: deserializeDetector(serializeDetector(packed.detector)) };
        }
        expect(Object.is(watchSample(packed, t, value), watchSample(reference, t, value))).toBe(true);
        runs = packDetector(packed.detector);
      }
      if (runs !== undefined) unpackDetector(packed.detector, runs);
      expect(serializeDetector(packed.detector)).toBe(serializeDetector(reference.detector));
    }
  });

  it('refuses runs that are not its own', () => {
    const detector = createDetector({ stepMs: STEP });
    const runs = packDetector(detector)!;
    expect(() => unpackDetector(detector, runs.slice(0, -3))).toThrow(/values read/);
  });
});

function createVaryingReference(): DetectorState {
  const d = createDetector({ stepMs: STEP });
  d.dayLast.forEach((_, i, a) => (a[i] = i / 7));
  return d;
}
