// Live anomaly episodes (not a test): what the engine reports, as against the detector's scores that the
// NAB benches threshold. Each series is fed, sample by sample, to a watch as the engine keeps one per
// signal (adapter/src/anomaly/episode.ts: an episode starts at a live score of 0.3, the band expected then
// measures its end), and the rows where episodes start are counted: false episodes per day (starts
// outside the labelled windows, after NAB's probation, over the days scored) and, per kind, the labelled
// anomalies whose window holds a start. On the injected corpus of anomaly.bench.ts (which prints this
// report too), NAB's 31 files with their published windows, the bursty counts, the tweet-like counts and
// the series without anomalies; the unseen shapes and the artificial and ad-exchange stand-ins were
// scored only once the episode rules were settled (held out).
//
//   node -r ./test/bench/swc-register.cjs test/bench/anomaly-episodes.bench.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDetector } from '../../adapter/src/anomaly/detector';
import { newWatch, watchSample } from '../../adapter/src/anomaly/episode';
import { nabWindows, probationaryLength, windowsAt, type NabWindow } from '../../adapter/src/anomaly';
import {
  adExchangeStandIns,
  artificialStandIns,
  burstySeries,
  inject,
  KINDS,
  loadNab,
  NAB_DIR,
  quietSeries,
  tweetSeries,
  unseenShapes,
  type Series,
} from './anomaly-corpus';

const DAY_MS = 86_400_000;
/** The stand-ins' seeds, as anomaly.bench.ts draws them. */
const SEEDS = Array.from({ length: 16 }, (_, k) => k + 1);

/** A series with the windows episodes should start in, and the kind of anomaly each is. */
export interface Labelled {
  readonly series: Series;
  readonly windows: readonly NabWindow[];
  readonly kind: string;
}

/** The rows where the engine's live episodes start on a series. */
function episodeStarts(series: Series): number[] {
  const watch = newWatch(createDetector({ stepMs: series.stepMs }));
  const starts: number[] = [];
  series.values.forEach((value, i) => {
    const was = watch.episode.active;
    watchSample(watch, series.times[i]!, value);
    if (watch.episode.active && !was) starts.push(i);
  });
  return starts;
}

/** False episodes per day and, per kind, the windows holding an episode start. */
export function liveEpisodes(corpus: readonly Labelled[]): string {
  let falseStarts = 0;
  let scoredMs = 0;
  const found = new Map<string, [hits: number, total: number]>();
  for (const { series, windows, kind } of corpus) {
    const starts = episodeStarts(series);
    const n = series.values.length;
    const probation = probationaryLength(n);
    scoredMs += series.times[n - 1]! - series.times[probation]!;
    const inWindow = (i: number): boolean => windows.some(([a, b]) => i >= a && i <= b);
    falseStarts += starts.filter((i) => i >= probation && !inWindow(i)).length;
    for (const [a, b] of windows) {
      const [hits, total] = found.get(kind) ?? [0, 0];
      const hit = starts.some((i) => i >= Math.max(a, probation) && i <= b);
      found.set(kind, [hits + (hit ? 1 : 0), total + 1]);
    }
  }
  const kinds = [...found].map(([kind, [hits, total]]) => `${kind} ${hits}/${total}`).join(', ');
  return `${(falseStarts / (scoredMs / DAY_MS)).toFixed(3)} false episodes/day (${falseStarts})${kinds ? `; found: ${kinds}` : ''}`;
}

/** NAB's 31 files with their published windows, by corpus. */
function nabLabelled(series: readonly Series[]): Labelled[] {
  const labels = JSON.parse(readFileSync(join(NAB_DIR, 'combined_windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  const at = (stamp: string): number => Date.parse(`${stamp.replace(' ', 'T').replace(/\.0+$/, '')}Z`);
  return Object.entries(labels).map(([path, limits]) => {
    const [corpus, file] = path.split('/') as [string, string];
    const s = series.find((x) => x.name === file.replace(/\.csv$/, ''))!;
    return {
      series: s,
      windows: windowsAt(
        s.times,
        limits.map(([a, b]) => [at(a), at(b)]),
      ),
      kind: corpus,
    };
  });
}

const withAnomalies = (series: Series & { kind: string; anomalies: number[] }): Labelled => ({
  series,
  windows: nabWindows(series.values.length, series.anomalies),
  kind: series.kind,
});

/** The report on every corpus (`injected`: anomaly.bench.ts's copies, made here when not given). */
export function liveEpisodeReport(
  injected?: readonly (Series & { kind: string; anomalies: number[] })[],
): string {
  const nab = loadNab();
  const copies = injected ?? nab.flatMap((s, i) => KINDS.map((kind, k) => inject(s, kind, 1000 * i + k)));
  const pad = ''.padEnd(18);
  return [
    `live episodes (the engine's watches, an episode from a live score of 0.3):`,
    `${pad} injected corpus: ${liveEpisodes(copies.map(withAnomalies))}`,
    `${pad} NAB's 31 files, published windows: ${liveEpisodes(nabLabelled(nab))}`,
    `${pad} bursty counts: ${liveEpisodes(burstySeries().map(withAnomalies))}`,
    `${pad} tweet-like counts: ${liveEpisodes(tweetSeries().map(withAnomalies))}`,
    `${pad} series without anomalies: ${liveEpisodes(quietSeries().map((series) => ({ series, windows: [], kind: 'none' })))}`,
    `${pad} unseen shapes: ${liveEpisodes(unseenShapes().map(withAnomalies))}`,
    `${pad} artificial stand-ins: ${liveEpisodes(artificialStandIns(SEEDS).map(withAnomalies))}`,
    `${pad} ad-exchange stand-ins: ${liveEpisodes(adExchangeStandIns(SEEDS).map(withAnomalies))}`,
  ].join('\n');
}

if (require.main === module) console.log(liveEpisodeReport());
