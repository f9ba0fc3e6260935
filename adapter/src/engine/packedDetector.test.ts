import {
  createDetector,
  createExcursionRecord,
  deserializeDetector,
  newWatch,
  serializeDetector,
  watchSample,
  type DetectorState,
  type WatchedSeries,
} from '../anomaly';
import { packDetector, unpackDetector, type PackedDetector } from './packedDetector';

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

describe('a detector packed between its buckets', () => {
  it('scores, and serialises, exactly as one never packed, sample after sample', () => {
    for (const seed of [1, 2]) {
      const reference = newWatch(createDetector({ stepMs: STEP }));
      let packed = packDetector(createDetector({ stepMs: STEP }))!;
      let watch = reference;
      for (const { t, value } of costSeries(seed, 9 * DAY)) {
        const expected = watchSample(reference, t, value);
        watch = { ...watch, detector: unpackDetector(packed) };
        expect(Object.is(watchSample(watch, t, value), expected)).toBe(true);
        expect(watch.episode).toEqual(reference.episode);
        // Every state of the detector is of a new one's shape: none is left unpacked.
        packed = packDetector(watch.detector)!;
        expect(typeof packed).toBe('string');
      }
      expect(serializeDetector(unpackDetector(packed))).toBe(serializeDetector(reference.detector));
    }
  });

  it('holds a new detector in a few hundred bytes, its slots as runs, and a varying array as its bytes', () => {
    const detector = createDetector({ stepMs: STEP });
    const packed = packDetector(detector)!;
    expect(packed.length).toBeLessThan(300);
    expect(serializeDetector(unpackDetector(packed))).toBe(serializeDetector(detector));

    const varying = createVaryingReference();
    const some = packDetector(varying)!;
    // dayLast's one run (its count and a value of four bytes and its length) gives way to its 288
    // four-byte floats as they are; the rest as before.
    expect(some.length - packed.length).toBe(288 * 4 - 8);
    expect(serializeDetector(unpackDetector(some))).toBe(serializeDetector(varying));
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
      const reference = newWatch(createDetector({ stepMs }));
      let watch: WatchedSeries = newWatch(createDetector({ stepMs }));
      let packed = packDetector(watch.detector)!;
      for (const [k, { t, value }] of series.entries()) {
        let detector = unpackDetector(packed);
        // What a restart from stored state reads back: the detector's own JSON.
        if (k === DAY + 5) detector = deserializeDetector(serializeDetector(detector));
        watch = { ...watch, detector };
        expect(Object.is(watchSample(watch, t, value), watchSample(reference, t, value))).toBe(true);
        packed = packDetector(watch.detector)!;
      }
      expect(serializeDetector(unpackDetector(packed))).toBe(serializeDetector(reference.detector));
    }
  });

  it('unpacks into a state it reuses exactly as into a new one, whatever that state held before', () => {
    // Two detectors through one reused state, each bucket unpacked into what the other left there, and
    // one at a step with no time of day (no slots): its arrays are of another length.
    const steps = [STEP, STEP, 8 * 3_600_000];
    const references = steps.map((stepMs) => newWatch(createDetector({ stepMs })));
    const packed = steps.map((stepMs) => packDetector(createDetector({ stepMs }))!);
    const episodes = references.map((w) => w.episode);
    const excursions = steps.map(() => createExcursionRecord());
    let reused: DetectorState | undefined;
    for (const [k, { value }] of costSeries(3, 3 * DAY).entries()) {
      steps.forEach((stepMs, i) => {
        const at = T0 + k * stepMs;
        const sample = i === 1 ? value * 3 + (k % 7) : value;
        const expected = watchSample(references[i]!, at, sample);
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
    steps.forEach((_, i) =>
      expect(serializeDetector(unpackDetector(packed[i]!, reused))).toBe(
        serializeDetector(references[i]!.detector),
      ),
    );
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
});

function createVaryingReference(): DetectorState {
  const d = createDetector({ stepMs: STEP });
  d.dayLast.forEach((_, i, a) => (a[i] = i / 7));
  return d;
}
