import {
  calibrate,
  conformalQuantile,
  packCalibration,
  peakScores,
  pooledScores,
  stepScale,
  unpackCalibration,
  type PackedCalibration,
} from './calibration';
import { peakDistribution } from './distribution';

describe('calibrate', () => {
  it('scales each step by the mean absolute error around it and pools the scaled errors', () => {
    // Errors grow with the step: ±1 at step 0, ±2 at step 1, ±4 at step 2.
    const errors = [Float64Array.from([1, -2, 4]), Float64Array.from([-1, 2, -4])];
    const actuals = [new Float64Array(3), new Float64Array(3)];
    const calibration = calibrate(actuals, errors, 3, 0);
    expect(calibration.scales).toEqual([1, 2, 4]);
    expect(calibration.paths).toEqual([
      [1, -1, 1],
      [-1, 1, -1],
    ]);
    expect(Array.from(pooledScores(calibration))).toEqual([-1, -1, -1, 1, 1, 1]);
  });

  it('smooths the scale over neighbouring steps', () => {
    const calibration = calibrate([new Float64Array(3)], [Float64Array.from([1, 1, 7])], 3, 1);
    expect(calibration.scales).toEqual([1, 3, 4]);
  });

  it('scores the peak of each window by how far the forecast band must move to reach it', () => {
    // Forecast = actual − error = [0, 6, 1]; scales are all 1.
    const calibration = calibrate([Float64Array.from([1, 5, 2])], [Float64Array.from([1, -1, 1])], 3, 0);
    // Window 1: peak 1 needs the band at +1. Windows 2 and 3: peak 5 is reached by 6 − 1.
    expect(calibration.peakPaths).toEqual([[1, -1, -1]]);
  });

  it('keeps the last scale past the calibrated horizon', () => {
    const calibration = calibrate([new Float64Array(2)], [Float64Array.from([1, 2])], 2, 0);
    expect(stepScale(calibration, 5)).toBe(2);
  });
});

describe('conformalQuantile', () => {
  const scores = Array.from({ length: 19 }, (_, i) => i + 1);

  it('takes the conformal rank: ⌈(N+1)τ⌉ above the median, ⌊(N+1)τ⌋ below', () => {
    expect(conformalQuantile(scores, 0.9)).toBe(18);
    expect(conformalQuantile(scores, 0.1)).toBe(2);
    expect(conformalQuantile(scores, 0.5)).toBe(10);
  });

  it('takes the extreme score for levels the sample cannot resolve', () => {
    expect(conformalQuantile(scores, 0.999)).toBe(19);
    expect(conformalQuantile(scores, 0.001)).toBe(1);
    expect(conformalQuantile([], 0.9)).toBe(0);
  });
});

describe('peakScores', () => {
  it("takes each origin's score for the window length, the whole horizon at most", () => {
    const calibration = {
      scales: [1, 1, 1],
      paths: [],
      peakPaths: [
        [0.5, 2, -1],
        [-3, -2, 1.5],
      ],
    };
    expect(Array.from(peakScores(calibration, 3))).toEqual([-1, 1.5]);
    expect(Array.from(peakScores(calibration, 1))).toEqual([-3, 0.5]);
    expect(Array.from(peakScores(calibration, 10))).toEqual([-1, 1.5]);
  });
});

describe('peakDistribution', () => {
  const marginal = (tau: number): Float64Array => Float64Array.from([10, 30, 20].map((v) => v * (1 + tau)));

  it('takes the largest step quantile over the window', () => {
    expect(peakDistribution({ quantile: marginal }).quantile(0.5)).toBe(45);
    expect(peakDistribution({ quantile: marginal }, 1).quantile(0.5)).toBe(15);
  });

  it('takes the peak of the calibrated peak band over the window when there is one', () => {
    const peakBand = (tau: number, steps = 3): Float64Array => Float64Array.from([100 * tau, 50 + steps, 0]);
    const steps = { quantile: marginal, peakBand };
    expect(peakDistribution(steps).quantile(0.9)).toBe(90);
    expect(peakDistribution(steps, 2).quantile(0.2)).toBe(52);
    expect(peakDistribution(steps, 1).quantile(0.2)).toBe(20);
  });

  it('is one object, its quantile a method it shares with every other (no closure a distribution)', () => {
    const [a, b] = [peakDistribution({ quantile: marginal }), peakDistribution({ quantile: marginal }, 1)];
    expect(Object.getOwnPropertyNames(a)).not.toContain('quantile');
    expect(a.quantile).toBe(b.quantile);
  });
});

describe('packCalibration', () => {
  const calibration = {
    scales: [1, 2],
    paths: [
      [0.1234, -2],
      [3.5, 0],
    ],
    peakPaths: [
      [1, 0.25],
      [-0.0001, 7],
    ],
  };

  it('keeps rounded scores exactly, as integers, and gives the same scores back', () => {
    const packed = packCalibration(calibration);
    expect(packed).toMatchObject({ origins: 2, width: 2, unit: 1e4 });
    expect((packed as PackedCalibration).scores).toBeInstanceOf(Int16Array);
    expect(unpackCalibration(packed)).toEqual(calibration);
    expect(pooledScores(packed)).toEqual(pooledScores(calibration));
    for (const steps of [1, 2, 5]) expect(peakScores(packed, steps)).toEqual(peakScores(calibration, steps));
  });

  it('pools and sorts the scores into the array it is given, as it would into its own', () => {
    const given = new Float64Array(16).fill(Number.NaN);
    const into = (n: number) => given.subarray(0, n);
    for (const held of [calibration, packCalibration(calibration)]) {
      const pooled = pooledScores(held, into);
      expect(pooled.buffer).toBe(given.buffer);
      expect(pooled).toEqual(pooledScores(held));
      for (const steps of [1, 2, 5]) {
        const peaks = peakScores(held, steps, into);
        expect(peaks.buffer).toBe(given.buffer);
        expect(peaks).toEqual(peakScores(held, steps));
      }
    }
  });

  it('keeps scores beyond 16 bits exactly, apart, and only those', () => {
    const edges = [3.2767, -3.2767, 3.2768, -3.2768, 3.77, -214748.3647, 0.0001];
    const wideCalibration = {
      scales: [1, 1, 1, 1, 1, 1, 1],
      paths: [edges, edges.map((v) => -v)],
      peakPaths: [[...edges].reverse(), edges.map((v) => -v).reverse()],
    };
    const packed = packCalibration(wideCalibration) as PackedCalibration;
    expect(packed.scores).toBeInstanceOf(Int16Array);
    // ±3.2768, ±3.77 and ±214748.3647: four of each row's seven, as index and value.
    expect(packed.wide).toHaveLength(2 * 4 * 4);
    expect(unpackCalibration(packed)).toEqual(wideCalibration);
    expect(pooledScores(packed)).toEqual(pooledScores(wideCalibration));
    for (const steps of [1, 3, 7])
      expect(peakScores(packed, steps)).toEqual(peakScores(wideCalibration, steps));
  });

  it('keeps other scores as doubles, and ragged paths as they are', () => {
    const odd = {
      ...calibration,
      paths: [
        [Math.PI, 1e12],
        [0, 1],
      ],
    };
    const packed = packCalibration(odd) as PackedCalibration;
    expect(packed.scores).toBeInstanceOf(Float64Array);
    expect(unpackCalibration(packed)).toEqual(odd);
    const ragged = { ...calibration, paths: [[1], [2, 3]] };
    expect(packCalibration(ragged)).toBe(ragged);
  });
});
