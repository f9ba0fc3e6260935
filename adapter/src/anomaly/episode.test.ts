import { burstySeasonal } from '../../../test/support/burstySeries';
import { createDetector, scoreSample } from './detector';
import {
  EPISODE_START,
  MAX_EPISODE_MS,
  newWatch,
  NO_EPISODE,
  nextEpisode,
  QUIET_STEPS,
  watchSample,
  seriesAnomaly,
} from './episode';

const band = { low: 90, high: 110 };

describe('anomaly episodes', () => {
  it('starts at a high score, holds while values stay outside the band expected then, ends after quiet samples', () => {
    let e = nextEpisode(NO_EPISODE, 0.1, 100, 1, band);
    expect(e.active).toBe(false);
    e = nextEpisode(e, EPISODE_START, 150, 2, band);
    expect(e).toEqual({ active: true, since: 2, peak: EPISODE_START, low: 90, high: 110, quiet: 0 });
    // Later bands do not move the reference, and low scores do not end it while values are still off.
    e = nextEpisode(e, 0.05, 150, 3, { low: 140, high: 160 });
    expect(e).toMatchObject({ active: true, low: 90, high: 110, quiet: 0 });
    for (let k = 1; k < QUIET_STEPS; k++) e = nextEpisode(e, 0, 100, 3 + k, band);
    expect(e.active).toBe(true);
    e = nextEpisode(e, 0, 100, 10, band);
    expect(e).toMatchObject({ active: false, since: 2 });
  });

  it('ends a lasting change after the longest episode', () => {
    const e = nextEpisode(NO_EPISODE, 0.9, 150, 0, band);
    expect(nextEpisode(e, 0, 150, MAX_EPISODE_MS - 1, band).active).toBe(true);
    expect(nextEpisode(e, 0, 150, MAX_EPISODE_MS, band).active).toBe(false);
  });

  it('marks a burst in a daily demand pattern as one episode that ends once demand is back', () => {
    const step = 300_000;
    const watch = newWatch(createDetector({ stepMs: step }));
    const at = (t: number): number => 100 + 30 * Math.sin((2 * Math.PI * t) / 288) + ((t * 7) % 5);
    let activeBefore = false;
    for (let t = 0; t < 288 * 4; t++) {
      watchSample(watch, t * step, at(t));
      activeBefore ||= t > 288 * 2 && watch.episode.active;
    }
    expect(activeBefore).toBe(false);
    for (let t = 288 * 4; t < 288 * 4 + 12; t++) {
      watchSample(watch, t * step, at(t) + 200);
      expect(watch.episode).toMatchObject({ active: true, since: 288 * 4 * step });
    }
    for (let t = 288 * 4 + 12; t < 288 * 4 + 12 + QUIET_STEPS; t++) watchSample(watch, t * step, at(t));
    expect(watch.episode.active).toBe(false);
    expect(watch.episodes).toBe(1);
    expect(seriesAnomaly(watch)).toEqual({ score: watch.score, active: false, episodes: 1 });
  });

  it("publishes a burst beyond the series' record of excursions at its unread score, not the detector's", () => {
    // The bursty series of detector.test.ts: its +150 burst, the detector's score read down (0.48 → 0.22)
    // by its record of scores, after bursts of +60 to +100 for ten days.
    const step = 300_000;
    const { values, big } = burstySeasonal();
    const watch = newWatch(createDetector({ stepMs: step }));
    const detector = createDetector({ stepMs: step });
    const report = { unread: 0 };
    values.slice(0, big).forEach((x, t) => {
      watchSample(watch, t * step, x);
      scoreSample(detector, t * step, x);
    });
    const episodes = watch.episodes;
    const read = scoreSample(detector, big * step, values[big]!, report);
    expect(read).toBeLessThan(EPISODE_START);
    expect(watchSample(watch, big * step, values[big]!)).toBe(report.unread);
    expect(seriesAnomaly(watch)).toEqual({
      score: report.unread,
      active: true,
      since: big * step,
      peak: report.unread,
      episodes: episodes + 1,
    });
  });
});
