import { calibrate, scoreQuantile, stepScale } from './calibration';
import { peakDistribution } from './distribution';

describe('calibrate', () => {
  it('scales each step by the mean absolute error around it and pools the scaled errors', () => {
    // Errors grow with the step: ±1 at step 0, ±2 at step 1, ±4 at step 2.
    const errors = [Float64Array.from([1, -2, 4]), Float64Array.from([-1, 2, -4])];
    const calibration = calibrate(errors, 3, 0);
    expect(calibration.scales).toEqual([1, 2, 4]);
    expect(calibration.scores).toEqual([-1, -1, -1, 1, 1, 1]);
  });

  it('smooths the scale over neighbouring steps', () => {
    const calibration = calibrate([Float64Array.from([1, 1, 7])], 3, 1);
    expect(calibration.scales).toEqual([1, 3, 4]);
  });

  it('keeps the last scale past the calibrated horizon', () => {
    const calibration = calibrate([Float64Array.from([1, 2])], 2, 0);
    expect(stepScale(calibration, 5)).toBe(2);
  });
});

describe('scoreQuantile', () => {
  const calibration = { scales: [1], scores: Array.from({ length: 19 }, (_, i) => i + 1) };

  it('takes the conformal rank: ⌈(N+1)τ⌉ above the median, ⌊(N+1)τ⌋ below', () => {
    expect(scoreQuantile(calibration, 0.9)).toBe(18);
    expect(scoreQuantile(calibration, 0.1)).toBe(2);
    expect(scoreQuantile(calibration, 0.5)).toBe(10);
  });

  it('takes the extreme score for levels the sample cannot resolve', () => {
    expect(scoreQuantile(calibration, 0.999)).toBe(19);
    expect(scoreQuantile(calibration, 0.001)).toBe(1);
    expect(scoreQuantile({ scales: [], scores: [] }, 0.9)).toBe(0);
  });
});

describe('peakDistribution', () => {
  it('takes the largest step quantile over the window', () => {
    const steps = { quantile: (tau: number) => Float64Array.from([10, 30, 20].map((v) => v * (1 + tau))) };
    expect(peakDistribution(steps).quantile(0.5)).toBe(45);
    expect(peakDistribution(steps, 1).quantile(0.5)).toBe(15);
  });
});
