import { createDetector, scoreSample } from './detector';
import { uniformNoise } from '../../../test/support/uniformNoise';
import { EPISODE_START } from './episode';
import { createWitness, witnessEvidence } from './rhythmWitness';

const STEP = 300_000;
const PER_DAY = 288;
const T0 = Date.UTC(2024, 0, 1);

/**
 * A daily rhythm of NAB's artificial files' shape: low at night, a ramp of an hour to a daytime plateau;
 * on day `flat` the plateau does not come.
 */
function daily(days: number, flat = -1, seed = 1): number[] {
  const noise = uniformNoise(seed);
  return Array.from({ length: days * PER_DAY }, (_, t) => {
    const ofDay = t % PER_DAY;
    const rise = Math.min(1, Math.max(0, (ofDay - 132) / 12)) * Math.min(1, Math.max(0, (288 - ofDay) / 12));
    return 20 + (Math.floor(t / PER_DAY) === flat ? 0 : 60 * rise) + 4 * noise();
  });
}

const scoreAll = (values: number[]): number[] => {
  const state = createDetector({ stepMs: STEP });
  return values.map((v, i) => scoreSample(state, T0 + i * STEP, v));
};

const dayMax = (scores: number[], day: number): number =>
  Math.max(...scores.slice(day * PER_DAY, (day + 1) * PER_DAY));

describe('rhythm witness', () => {
  it('scores a day whose peak does not come as an anomaly, though each of its steps follows the one before', () => {
    const FLAT = 8;
    expect(dayMax(scoreAll(daily(12, FLAT)), FLAT)).toBeGreaterThan(EPISODE_START);
    expect(dayMax(scoreAll(daily(12)), FLAT)).toBeLessThan(0.15);
  });

  it('stays quiet on a noiseless daily rhythm, whose residuals shrink below any spread it has learnt', () => {
    const state = createDetector({ stepMs: STEP });
    const scores = Array.from({ length: 14 * PER_DAY }, (_, t) =>
      scoreSample(state, T0 + t * STEP, 50 + 30 * Math.sin((2 * Math.PI * t) / PER_DAY)),
    );
    expect(Math.max(...scores.slice(2 * PER_DAY))).toBeLessThan(0.1);
  });

  it('does not speak where the expectation forecasts no better than its rival', () => {
    const noise = uniformNoise(3);
    const state = createWitness(PER_DAY, 2, true);
    for (let t = 0; t < 6 * PER_DAY; t++) {
      // The same residual for both, then a long excursion of it.
      const residual = t < 4 * PER_DAY ? noise() : 10;
      expect(witnessEvidence(state, residual, residual, residual, 1e-6)).toBe(0);
    }
    const better = createWitness(PER_DAY, 2, true);
    let evidence = 0;
    for (let t = 0; t < 6 * PER_DAY; t++) {
      const residual = t < 4 * PER_DAY ? noise() : 10;
      evidence = Math.min(evidence, witnessEvidence(better, residual, residual, 2 * residual, 1e-6));
    }
    expect(evidence).toBeLessThan(Math.log(1e-6));
  });
});
