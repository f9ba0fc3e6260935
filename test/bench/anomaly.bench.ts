// Anomaly detection benchmark (not a test): costscale's streaming detector (adapter/src/anomaly) against
// NAB's windowed Gaussian and a seasonal-naive forecast-residual detector, scored in the same run.
//
//   node -r ./test/bench/swc-register.cjs test/bench/anomaly.bench.ts [--repeat 3]
//
// Corpus: the 31 NAB series in test/fixtures/data/nab/ (NAB ships their labels separately; none are used
// here). Each series is copied once per kind with two anomalies injected at known rows (spikes, level
// shifts, variance changes, daily-pattern shifts: see anomaly-corpus.ts). Reported per detector: the NAB
// standard score over all copies (windows, probation, sigmoid weights and the corpus-wide optimal threshold
// as NAB scores them: adapter/src/anomaly/nabScore.ts); at that threshold, per kind, the share of anomalies
// detected inside their window and the median delay from the injected row; false alarms per day (alarm
// onsets outside windows after the probation); throughput in samples/s. Every detector runs on the same
// copies with the same mechanism constants for every series; the real (unlabelled) anomalies of the NAB
// series count as false alarms for all three alike.
import { createDetector, scoreSample } from '../../adapter/src/anomaly/detector';
import { nabScore, nabWindows, probationaryLength } from '../../adapter/src/anomaly/nabScore';
import {
  forecastResidual,
  inject,
  KINDS,
  loadNab,
  windowedGaussian,
  type Injected,
  type Kind,
} from './anomaly-corpus';

type Detector = (series: Injected) => Float64Array;

const costscale: Detector = (series) => {
  const state = createDetector({ stepMs: series.stepMs });
  const out = new Float64Array(series.values.length);
  for (let i = 0; i < out.length; i++) out[i] = scoreSample(state, series.times[i]!, series.values[i]!);
  return out;
};

const DETECTORS: Record<string, Detector> = {
  costscale,
  'windowed-gaussian': (s) => windowedGaussian(s.values),
  'forecast-residual': (s) => forecastResidual(s.values, s.stepMs),
};

interface KindStats {
  detected: number;
  total: number;
  delaysHours: number[];
}

function evaluate(corpus: Injected[], scores: Float64Array[]) {
  const result = nabScore(corpus.map((s, i) => ({ scores: scores[i]!, anomalies: s.anomalies })));
  const byKind = new Map<Kind, KindStats>(KINDS.map((k) => [k, { detected: 0, total: 0, delaysHours: [] }]));
  let falseAlarms = 0;
  let scoredMs = 0;
  corpus.forEach((series, f) => {
    const score = scores[f]!;
    const n = score.length;
    const windows = nabWindows(n, series.anomalies);
    const probation = probationaryLength(n);
    scoredMs += series.times[n - 1]! - series.times[probation]!;
    const stats = byKind.get(series.kind)!;
    windows.forEach(([start, end], w) => {
      stats.total += 1;
      for (let i = Math.max(start, probation); i <= end; i++) {
        if (score[i]! >= result.threshold) {
          stats.detected += 1;
          stats.delaysHours.push((series.times[i]! - series.times[series.anomalies[w]!]!) / 3_600_000);
          break;
        }
      }
    });
    const inWindow = (i: number): boolean => windows.some(([a, b]) => i >= a && i <= b);
    for (let i = probation; i < n; i++) {
      const alarm = score[i]! >= result.threshold;
      const onset = alarm && (i === probation || score[i - 1]! < result.threshold);
      if (onset && !inWindow(i)) falseAlarms += 1;
    }
  });
  return { ...result, byKind, falseAlarmsPerDay: falseAlarms / (scoredMs / 86_400_000) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

function main(): void {
  const repeatArg = process.argv.indexOf('--repeat');
  const repeat = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 3;
  const series = loadNab();
  const corpus = series.flatMap((s, i) => KINDS.map((kind, k) => inject(s, kind, 1000 * i + k)));
  const samples = corpus.reduce((a, s) => a + s.values.length, 0);
  console.log(
    `anomaly bench: ${series.length} NAB series × ${KINDS.length} kinds = ${corpus.length} copies, ` +
      `${samples} samples, ${corpus.length * 2} injected anomalies`,
  );
  const rows: string[] = [];
  const throughput: Record<string, number> = {};
  for (const [name, detect] of Object.entries(DETECTORS)) {
    let scores: Float64Array[] = [];
    let best = Infinity;
    for (let r = 0; r < repeat; r++) {
      const start = process.hrtime.bigint();
      scores = corpus.map(detect);
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
    }
    throughput[name] = samples / best;
    const e = evaluate(corpus, scores);
    const kinds = KINDS.map((k) => {
      const s = e.byKind.get(k)!;
      return `${k} ${s.detected}/${s.total} (${median(s.delaysHours).toFixed(1)} h)`;
    }).join(', ');
    rows.push(
      `${name.padEnd(18)} NAB ${e.score.toFixed(1).padStart(5)} (threshold ${e.threshold.toFixed(4)}), ` +
        `false alarms ${e.falseAlarmsPerDay.toFixed(2)}/day, ${(throughput[name] / 1e6).toFixed(2)} M samples/s\n` +
        `${''.padEnd(18)} detected in window (median delay): ${kinds}`,
    );
  }
  console.log(rows.join('\n'));
  console.log(
    `throughput ratio costscale / windowed-gaussian: ${(throughput.costscale! / throughput['windowed-gaussian']!).toFixed(2)}`,
  );
}

main();
