import {
  bandPath,
  extentOf,
  linearScale,
  axisTicks,
  linePath,
  niceAxis,
  niceStep,
  timeTicks,
} from './chartGeometry';

const identity = (v: number) => v;

describe('chart geometry', () => {
  it('maps a domain linearly onto a range, also inverted as for y axes', () => {
    const y = linearScale({ min: 0, max: 10 }, { min: 100, max: 0 });
    expect([y(0), y(5), y(10)]).toEqual([100, 50, 0]);
    expect(linearScale({ min: 3, max: 3 }, { min: 0, max: 8 })(3)).toBe(4);
  });

  it('finds the extent over several series, ignoring gaps', () => {
    expect(extentOf([1, null, 7], [Number.NaN, -2], [])).toEqual({ min: -2, max: 7 });
    expect(extentOf([null], [])).toBeUndefined();
  });

  it('picks 1-2-5 steps and widens extents to them', () => {
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(7, 5)).toBe(1);
    expect(niceStep(18, 5)).toBe(5);
    expect(niceStep(0.3, 3)).toBeCloseTo(0.1);
    expect(niceAxis({ min: 13, max: 87 }, 5, true)).toEqual({ min: 0, max: 100, step: 20 });
    expect(niceAxis({ min: -13, max: 87 }, 5, true)).toEqual({ min: -20, max: 100, step: 20 });
    expect(niceAxis({ min: 5, max: 5 }, 5, false)).toEqual({ min: 5, max: 6, step: 0.2 });
    // Counts such as replicas step by whole numbers.
    expect(niceAxis({ min: 0, max: 3 }, 5, true, 1)).toEqual({ min: 0, max: 3, step: 1 });
  });

  it('puts ticks on every step from the bottom to the top of the axis, without float noise', () => {
    expect(axisTicks(niceAxis({ min: 0, max: 1 }, 5, true))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(axisTicks(niceAxis({ min: -13, max: 87 }, 5, true))).toEqual([-20, 0, 20, 40, 60, 80, 100]);
    // The axis ends on ticks even when widening changed the span (-13.2..2.5 → -14..4 by 2).
    const axis = niceAxis({ min: -13.2, max: 2.5 }, 5, true);
    expect(axisTicks(axis)).toEqual([-14, -12, -10, -8, -6, -4, -2, 0, 2, 4]);
  });

  it('aligns time ticks to a round step', () => {
    const { ticks, step } = timeTicks(
      { min: Date.UTC(2026, 0, 1, 0, 7), max: Date.UTC(2026, 0, 1, 6, 7) },
      6,
    );
    expect(step).toBe(3600_000);
    expect(ticks[0]).toBe(Date.UTC(2026, 0, 1, 1));
    expect(ticks).toHaveLength(6);
  });

  it('breaks lines at gaps and draws steps that hold until the next point', () => {
    expect(linePath([0, 1, 2, 3], [1, null, 3, 4], identity, identity)).toBe('M0,1M2,3L3,4');
    expect(linePath([0, 2, 5], [1, 3, 2], identity, identity, true)).toBe('M0,1H2V3H5V2V2');
    expect(linePath([0], [null], identity, identity)).toBe('');
  });

  it('closes one band polygon per run where both edges exist', () => {
    const d = bandPath([0, 1, 2, 3], [1, 1, null, 2], [3, 4, 5, 6], identity, identity);
    expect(d).toBe('M0,3L1,4L1,1L0,1ZM3,6L3,2Z');
  });
});
