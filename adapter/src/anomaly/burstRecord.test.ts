import {
  createBurstRecord,
  episodesAbove,
  observeBurst,
  routineBurst,
  ROUTINE_EPISODES,
} from './burstRecord';

const STEP = 300_000;
const DAY = 86_400_000;

/** Feeds one episode peaking at `peak` from `start`, then the samples of calm that end it; returns the last time. */
function episode(record: ReturnType<typeof createBurstRecord>, start: number, peak: number): number {
  const evidence = [2, peak, 1.5, 0.2, 0.1, 0.1];
  evidence.forEach((d, k) => observeBurst(record, start + k * STEP, d));
  return start + (evidence.length - 1) * STEP;
}

describe('burst record', () => {
  it('enters an episode once the evidence has been calm for three samples, with its peak', () => {
    const record = createBurstRecord();
    [2, 8, 1.5, 0.2, 0.1].forEach((d, k) => observeBurst(record, k * STEP, d));
    expect(episodesAbove(record, 5 * STEP, 1)).toBe(0);
    observeBurst(record, 5 * STEP, 0.1);
    expect(episodesAbove(record, 5 * STEP, 1)).toBeCloseTo(1, 6);
    expect(episodesAbove(record, 5 * STEP, 7.9)).toBeGreaterThan(0);
    expect(episodesAbove(record, 5 * STEP, 16)).toBe(0);
  });

  it('counts one episode for evidence that dips below the episode level for fewer than three samples', () => {
    const record = createBurstRecord();
    [4, 0.5, 0.5, 4, 0.1, 0.1, 0.1].forEach((d, k) => observeBurst(record, k * STEP, d));
    expect(episodesAbove(record, 6 * STEP, 1)).toBeCloseTo(1, 6);
  });

  it('forgets an episode by half in two weeks', () => {
    const record = createBurstRecord();
    const end = episode(record, 0, 10);
    expect(episodesAbove(record, end + 14 * DAY, 1)).toBeCloseTo(0.5, 5);
  });

  it('takes a burst as routine once enough earlier episodes peaked as high, and never a weak one', () => {
    const record = createBurstRecord();
    let t = 0;
    // Each forgotten a little by the next: one more than the count.
    for (let k = 0; k <= ROUTINE_EPISODES; k++) t = episode(record, t + 3_600_000, 20);
    expect(routineBurst(record, t, 12)).toBe(true);
    expect(routineBurst(record, t, 60)).toBe(false);
    expect(routineBurst(record, t, 0.9)).toBe(false);
    expect(routineBurst(createBurstRecord(), t, 12)).toBe(false);
  });
});
