import {
  burstRateDecades,
  createBurstRecord,
  EPISODE_MIN as E,
  episodesAbove,
  observeBurst,
  routineBurst,
  ROUTINE_EPISODES,
} from './burstRecord';

const STEP = 300_000;
const DAY = 86_400_000;

/** Feeds one episode peaking at `peak` from `start`, then the samples of calm that end it; returns the last time. */
function episode(record: ReturnType<typeof createBurstRecord>, start: number, peak: number): number {
  const evidence = [2 * E, peak, 1.5 * E, 0.1, 0.05, 0.05];
  evidence.forEach((d, k) => observeBurst(record, start + k * STEP, d));
  return start + (evidence.length - 1) * STEP;
}

describe('burst record', () => {
  it('enters an episode once the evidence has been below its level for three samples, with its peak', () => {
    const record = createBurstRecord();
    [2 * E, 8 * E, 1.5 * E, 0.1, 0.05].forEach((d, k) => observeBurst(record, k * STEP, d));
    expect(episodesAbove(record, 4 * STEP, E)).toBe(0);
    observeBurst(record, 5 * STEP, 0.05);
    expect(episodesAbove(record, 5 * STEP, E)).toBeCloseTo(1, 6);
    expect(episodesAbove(record, 5 * STEP, 7.9 * E)).toBeGreaterThan(0);
    expect(episodesAbove(record, 5 * STEP, 16 * E)).toBe(0);
  });

  it('counts one episode for evidence that dips below its level for fewer than three samples', () => {
    const record = createBurstRecord();
    [4 * E, 0.5 * E, 0.5 * E, 4 * E, 0.1, 0.1, 0.1].forEach((d, k) => observeBurst(record, k * STEP, d));
    expect(episodesAbove(record, 6 * STEP, E)).toBeCloseTo(1, 6);
  });

  it('forgets an episode by half in two weeks', () => {
    const record = createBurstRecord();
    const end = episode(record, 0, 10 * E);
    expect(episodesAbove(record, end + 14 * DAY, E)).toBeCloseTo(0.5, 5);
  });

  it('takes a burst as routine once enough earlier episodes peaked as high, and never a weak one', () => {
    const record = createBurstRecord();
    let t = 0;
    // Each forgotten a little by the next: one more than the count.
    for (let k = 0; k <= ROUTINE_EPISODES; k++) t = episode(record, t + 3_600_000, 20 * E);
    expect(routineBurst(record, t, 12 * E)).toBe(true);
    expect(routineBurst(record, t, 60 * E)).toBe(false);
    expect(routineBurst(record, t, 0.9 * E)).toBe(false);
    expect(routineBurst(createBurstRecord(), t, 12 * E)).toBe(false);
  });

  it('finds bursts coming far faster than the record says, once it holds enough of them', () => {
    const record = createBurstRecord();
    const hour = 3_600_000;
    // Twelve episodes 11.5 hours apart: at the record's own rate no surge.
    let t = 0;
    for (let k = 0; k < 12; k++) t = episode(record, k * 11.5 * hour, 4 * E);
    const learning = t + hour;
    expect(burstRateDecades(record, t, learning)).toBeLessThan(0.5);
    // Then five within five hours: several decades of evidence (μ ≈ 0.5 expected, about 4.5 seen).
    const start = t + 11.5 * hour;
    for (let k = 0; k < 5; k++) t = episode(record, start + k * hour, 4 * E);
    expect(burstRateDecades(record, t, learning + 5 * hour + 11.5 * hour)).toBeGreaterThan(1.5);
    // A record of fewer episodes than a routine burst needs has no rate to compare with.
    const young = createBurstRecord();
    for (let k = 0; k < ROUTINE_EPISODES - 1; k++) t = episode(young, k * hour, 4 * E);
    expect(burstRateDecades(young, t, 100 * hour)).toBe(0);
  });

  it("takes a young record's rate over the time it has been learning, not its half-life", () => {
    const record = createBurstRecord();
    const hour = 3_600_000;
    let t = 0;
    // Eight episodes three hours apart in its first day: as often as ever, no surge.
    for (let k = 0; k < 8; k++) t = episode(record, k * 3 * hour, 4 * E);
    expect(burstRateDecades(record, t, t)).toBeLessThan(0.5);
  });
});
