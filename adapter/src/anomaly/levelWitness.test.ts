import { uniformNoise } from '../../../test/support/uniformNoise';
import { createDetector, scoreSample } from './detector';
import { createLevelWitness, levelEvidence } from './levelWitness';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/**
 * An hourly price of an ad exchange's shape: a daily rhythm, multiplicative noise, and one hour in fifty
 * doubled (spikes that are routine for it); from hour `dropAt` it falls to `factor` of itself for two days.
 */
const rhythm = (t: number): number => 1 + 0.3 * Math.sin((2 * Math.PI * t) / 24);

function price(hours: number, seed: number, dropAt = -1, factor = 1): number[] {
  const noise = uniformNoise(seed);
  return Array.from({ length: hours }, (_, t) => {
    let v = 0.2 * rhythm(t) * Math.exp(0.5 * noise());
    if (noise() > 0.48) v *= 2;
    return t >= dropAt && t < dropAt + 48 ? v * factor : v;
  });
}

describe('slow-level witness', () => {
  it('scores a price that halves for two days as an anomaly, though its spikes are larger steps', () => {
    const drop = 24 * 25;
    const scores = (values: number[]): number[] => {
      const state = createDetector({ stepMs: HOUR });
      return values.map((v, i) => scoreSample(state, T0 + i * HOUR, v));
    };
    const window = (xs: number[]): number => Math.max(...xs.slice(drop, drop + 48));
    // Without the witness the drop's highest score is 0.15.
    expect(window(scores(price(24 * 40, 5, drop, 0.45)))).toBeGreaterThan(0.25);
    expect(window(scores(price(24 * 40, 5)))).toBeLessThan(0.1);
  });

  it('weighs a halving in log space: strong evidence, where single hours doubled give little', () => {
    const state = createLevelWitness(24);
    const values = price(24 * 30, 1, 24 * 20, 0.45);
    // The daily profile's ratio, as the detector passes it, known here.
    const evidence = values.map((v, t) => -levelEvidence(state, v, rhythm(t)) / Math.LN10);
    expect(Math.max(...evidence.slice(24 * 3, 24 * 20))).toBeLessThan(3);
    expect(Math.max(...evidence.slice(24 * 20, 24 * 22))).toBeGreaterThan(8);
  });

  it('stays quiet between the spikes of a noiseless flat line, settled over the span of its level', () => {
    // NAB's artificial spike files' shape: spikes about twice a day on a flat line, no noise. Settled after
    // two days, the witness scored up to 0.9 on the flat line between them, right after NAB's probation.
    const STEP = 300_000;
    const noise = uniformNoise(2);
    const values = Array.from({ length: 288 * 6 }, () =>
      noise() < 1 / 150 - 0.5 ? 20 + 30 + 30 * (noise() + 0.5) : 20,
    );
    const state = createDetector({ stepMs: STEP });
    const scores = values.map((v, i) => scoreSample(state, T0 + i * STEP, v));
    const between = scores.filter((_, i) => i >= 288 * 2 && values[i] === 20);
    expect(Math.max(...between)).toBeLessThan(0.1);
  });

  it('skips values that have no log, and learns nothing from them', () => {
    const state = createLevelWitness(24);
    levelEvidence(state, 5, 1);
    const before = JSON.stringify(state);
    expect(levelEvidence(state, 0, 1)).toBe(0);
    expect(levelEvidence(state, -3, 1)).toBe(0);
    expect(levelEvidence(state, 5, 0)).toBe(0);
    expect(JSON.stringify(state)).toBe(before);
  });
});
