// The anomaly benchmark's corpus: the NAB series shipped in test/fixtures/data/nab/ (unlabelled), copies
// of them with anomalies injected at known rows, and the two baselines scored in the same run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDetector, scoreSample, type DetectorState } from '../../adapter/src/anomaly/detector';
import { probationaryLength, type NabFile } from '../../adapter/src/anomaly/nabScore';
import { packDetector, unpackDetector } from '../../adapter/src/engine/packedDetector';
import { fitForecastState, forecastFromState, type ForecastState } from '../../adapter/src/forecast';
import { LOWER_QUANTILE, MIN_FIT_DAYS, UPPER_QUANTILE } from '../../adapter/src/forecast/online';

export const NAB_DIR = join(__dirname, '..', 'fixtures', 'data', 'nab');
const DAY_MS = 86_400_000;

export interface Series {
  name: string;
  times: number[];
  values: number[];
  stepMs: number;
}

export type Kind = 'spike' | 'level-shift' | 'variance' | 'seasonal';
export const KINDS: readonly Kind[] = ['spike', 'level-shift', 'variance', 'seasonal'];

export interface Injected extends Series {
  kind: Kind;
  /** Rows where an injected anomaly starts (the labels). */
  anomalies: number[];
}

export function loadNab(): Series[] {
  return readdirSync(NAB_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((file) => {
      const lines = readFileSync(join(NAB_DIR, file), 'utf8').trim().split('\n').slice(1);
      const times = lines.map((l) => Date.parse(`${l.slice(0, l.indexOf(',')).replace(' ', 'T')}Z`));
      const values = lines.map((l) => Number(l.slice(l.indexOf(',') + 1)));
      return { name: file.replace(/\.csv$/, ''), times, values, stepMs: medianStep(times) };
    });
}

function medianStep(times: number[]): number {
  const steps = times
    .slice(1)
    .map((t, i) => t - times[i]!)
    .filter((d) => d > 0)
    .sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)] ?? 300_000;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

/** A standard normal draw from two uniform ones (Box–Muller). */
function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Robust spread of the values and of the sample-to-sample noise, from the probationary part only. */
function spreads(values: number[]): { sigma: number; noise: number } {
  const head = values.slice(0, Math.floor(values.length * 0.15));
  const m = median(head);
  const mean = head.reduce((a, b) => a + b, 0) / head.length;
  const sd = Math.sqrt(head.reduce((a, b) => a + (b - mean) ** 2, 0) / head.length);
  const sigma = 1.4826 * median(head.map((v) => Math.abs(v - m))) || sd || 1;
  const diffs = head.slice(1).map((v, i) => v - head[i]!);
  const noise = (1.4826 * median(diffs.map(Math.abs))) / Math.SQRT2 || sigma / 10;
  return { sigma, noise };
}

/**
 * One copy of the series per kind, each with two anomalies of that kind at 45 % and 80 % of its length
 * (after NAB's 15 % probation; the windows do not overlap): spikes of 5σ (one row); a level shift of 2σ
 * up that returns at the second label; noise of 3× the series' own (at least 0.5σ) for a day; the daily
 * pattern shifted by half a day for a day. σ is the robust spread of the first 15 % of the values.
 */
export function inject(series: Series, kind: Kind, seed: number): Injected {
  const values = [...series.values];
  const n = values.length;
  const anomalies = [Math.floor(n * 0.45), Math.floor(n * 0.8)];
  const { sigma, noise } = spreads(series.values);
  const day = Math.max(12, Math.round(DAY_MS / series.stepMs));
  const random = mulberry32(seed);
  const gaussian = (): number => standardNormal(random);
  anomalies.forEach((at, k) => {
    const end = Math.min(n, at + day);
    switch (kind) {
      case 'spike':
        values[at]! += 5 * sigma;
        break;
      case 'level-shift':
        // Up at the first label, back down at the second.
        for (let i = at; i < n; i++) values[i]! += k === 0 ? 2 * sigma : -2 * sigma;
        break;
      case 'variance': {
        const sd = Math.max(3 * noise, 0.5 * sigma);
        for (let i = at; i < end; i++) values[i]! += sd * gaussian();
        break;
      }
      case 'seasonal': {
        const half = Math.floor(day / 2);
        const original = [...values];
        for (let i = at; i < end; i++) values[i] = original[i - half]! - original[at - half]! + original[at]!;
        break;
      }
    }
  });
  return { ...series, values, kind, anomalies, name: `${series.name}+${kind}` };
}

/**
 * Series without anomalies, of the shapes of NAB's artificialNoAnomaly folder (made here, not copied:
 * 4,032 rows of 5 minutes, two weeks): a flat line, a daily sine without and with small noise, a daily
 * square wave, and Gaussian noise. Every alarm on them after the probation is a false one.
 */
export function quietSeries(): Series[] {
  const rows = 4032;
  const stepMs = 300_000;
  const start = Date.UTC(2014, 3, 1);
  const random = mulberry32(42);
  const gaussian = (): number => standardNormal(random);
  const day = (i: number): number => (2 * Math.PI * i) / 288;
  const shapes: Record<string, (i: number) => number> = {
    flat: () => 20,
    'daily-sine': (i) => 50 + 30 * Math.sin(day(i)),
    'daily-sine-small-noise': (i) => 50 + 30 * Math.sin(day(i)) + 0.5 * gaussian(),
    'daily-square': (i) => (i % 288 < 144 ? 20 : 80),
    noise: () => 50 + 10 * gaussian(),
  };
  return Object.entries(shapes).map(([name, shape]) => ({
    name,
    times: stepTimes(start, rows, stepMs),
    values: Array.from({ length: rows }, (_, i) => shape(i)),
    stepMs,
  }));
}

/**
 * A two-sided normal tail probability p as a score in [0, 1): the same order as 1 − p, which NAB's
 * baselines report, without the ties at 1 that 1 − p has in double precision beyond 8σ.
 */
const squash = (z: number): number => z / (z + 3);

/**
 * NAB's windowed Gaussian detector, rewritten: the tail probability of each value under a normal fitted
 * to the previous 6,400 values (O(1) per sample with running sums).
 */
export function windowedGaussian(values: number[], window = 6400): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const count = Math.min(i, window);
    if (count >= 2) {
      const mean = sum / count;
      const sd = Math.sqrt(Math.max(0, sumSq / count - mean * mean));
      out[i] = sd > 0 ? squash(Math.abs(values[i]! - mean) / sd) : values[i] === mean ? 0 : 1;
    }
    sum += values[i]!;
    sumSq += values[i]! ** 2;
    if (i >= window) {
      sum -= values[i - window]!;
      sumSq -= values[i - window]! ** 2;
    }
  }
  return out;
}

/** z of the 95 % normal quantile: the engine's 90 % band spans ±Z90 standard deviations. */
const Z90 = 1.6449;

/**
 * The forecast-residual baseline: the project's own forecasting engine (adapter/src/forecast: season
 * detection, backtested ensemble, calibrated intervals) refitted once a day on the last week, forecasting
 * an hour ahead at a time from the history so far; a value's score is its distance from the point
 * forecast in units of the calibrated 90 % band's implied standard deviation, as a normal tail. Causal;
 * 0 before the first fit (two days, the engine's MIN_FIT_DAYS).
 */
/**
 * costscale's detector as the engine holds a watch's (engine/packedDetector.ts): packed after every sample
 * and unpacked into one reused state before the next; its figures beside the unpacked detector's are what
 * the packing changes.
 */
/**
 * False-positive rows (after NAB's probation, outside the windows, at or above the threshold), split into new
 * extremes and the rest: a new extreme is a value beyond every earlier one by more than 5 % of their range
 * once the detector's warm-up (a day of samples, 50 to 1,000) is past, which the detector's spatial rule
 * scores at least 0.5 (`spatialScore` in detector.ts) whatever its other evidence. On heavy-tailed counts
 * the two call for different cures: a new extreme of a heavy tail is routine by size, and NAB labels some.
 */
export function falsePositiveRows(
  files: readonly {
    values: ArrayLike<number>;
    stepMs: number;
    scores: Float64Array;
    windows: NabFile['windows'];
  }[],
  threshold: number,
): { extremes: number; others: number; scored: number } {
  const out = { extremes: 0, others: 0, scored: 0 };
  for (const { values, stepMs, scores, windows } of files) {
    const warmup = Math.round(Math.min(1000, Math.max(50, 86_400_000 / stepMs)));
    const probation = probationaryLength(values.length);
    out.scored += values.length - probation;
    let min = Infinity;
    let max = -Infinity;
    let seen = 0;
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      if (!Number.isFinite(x)) continue;
      seen += 1;
      const extreme = seen > warmup && Math.max(x - max, min - x) > 0.05 * (max - min);
      min = Math.min(min, x);
      max = Math.max(max, x);
      if (i < probation || !(scores[i]! >= threshold) || windows.some(([a, b]) => i >= a && i <= b)) continue;
      if (extreme) out.extremes += 1;
      else out.others += 1;
    }
  }
  return out;
}

/** False-positive rows split so, per 1,000 scored rows. */
export const describeFalsePositives = (rows: ReturnType<typeof falsePositiveRows>): string =>
  `${(((rows.extremes + rows.others) * 1000) / rows.scored).toFixed(2)} false-positive rows per 1,000 scored ` +
  `(${rows.extremes + rows.others}: ${rows.extremes} new extremes, ${rows.others} others)`;

export function packedDetectorScores(
  values: ArrayLike<number>,
  times: ArrayLike<number>,
  stepMs: number,
): Float64Array {
  let packed = packDetector(createDetector({ stepMs }))!;
  let state: DetectorState | undefined;
  return Float64Array.from({ length: values.length }, (_, i) => {
    state = unpackDetector(packed, state);
    const score = scoreSample(state, times[i]!, values[i]!);
    packed = packDetector(state)!;
    return score;
  });
}

export function forecastResidual(values: number[], stepMs: number): Float64Array {
  const out = new Float64Array(values.length);
  const perDay = Math.max(1, Math.round(DAY_MS / stepMs));
  const block = Math.max(1, Math.round(3_600_000 / stepMs));
  const history = 7 * perDay;
  let state: ForecastState | undefined;
  let fittedAt = -Infinity;
  for (let i = MIN_FIT_DAYS * perDay; i < values.length; i += block) {
    const past = Float64Array.from(values.slice(Math.max(0, i - history), i));
    // A flat history calibrates a zero-width band; a floor keeps every deviation from scoring 1.
    const floor =
      1e-3 * (Math.max(...past) - Math.min(...past)) + 1e-9 * (1 + Math.abs(past[past.length - 1]!));
    if (i - fittedAt >= perDay) {
      state = fitForecastState(past, { horizon: block, stepSeconds: stepMs / 1000 });
      fittedAt = i;
    }
    const forecast = forecastFromState(state!, past, block);
    const lower = forecast.quantile(LOWER_QUANTILE);
    const upper = forecast.quantile(UPPER_QUANTILE);
    for (let h = 0; h < block && i + h < values.length; h++) {
      const sd = Math.max(floor, (upper[h]! - lower[h]!) / (2 * Z90));
      out[i + h] = squash(Math.abs(values[i + h]! - forecast.point[h]!) / sd);
    }
  }
  return out;
}

export type ShapeKind =
  | 'art-jumps-up'
  | 'art-jumps-down'
  | 'art-no-jump'
  | 'art-flat-middle'
  | 'art-sine-flat-middle'
  | 'art-sine-smaller'
  | 'art-spike-density'
  | 'tweets-burst'
  | 'tweets-sustained'
  | 'adexchange-drop';

export interface Shaped extends Series {
  kind: ShapeKind;
  /** The row where the labelled anomaly starts. */
  anomalies: number[];
}

/** A Poisson count (normal beyond a mean of 50). */
function poisson(mean: number, random: () => number): number {
  if (mean > 50) {
    const g = standardNormal(random);
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * g));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k += 1;
    p *= random();
  } while (p > limit);
  return k - 1;
}

/**
 * Labelled series of the shapes of NAB's corpora that are not in the repository (made here, labelled by
 * construction; NAB's files are not copied), three of each with different noise and phases, the anomaly
 * starting between 55 % and 80 % of the series:
 * - artificialWithAnomaly-like (two weeks of 5 minutes): a daily trapezoid (low 20, a ramp of an hour to a
 *   plateau of 80) whose plateau for one day jumps to 110, drops to 50, does not come, or runs flat at 50;
 *   a daily sine that runs flat at its mean or swings half as far for a day; spikes about every 12 hours on
 *   a flat line, then every hour for a day. Noise of 1, 1 and 4 (of a swing of 60).
 * - realTweets-like (four weeks of 5 minutes): Poisson counts with a daily rhythm and ordinary bursts
 *   (2.5× for 15–40 minutes, about every 17 hours), then one of 8× the base for two hours, or 2.5× for
 *   half a day.
 * - realAdExchange-like (68 days, hourly): a price with a daily rhythm and log-normal noise of 15 %,
 *   doubling on 1 % of the hours, that drops to 45 % for two days.
 */
export function unseenShapes(): Shaped[] {
  const out: Shaped[] = [];
  const start = Date.UTC(2014, 3, 1);
  const times = (rows: number, stepMs: number): number[] => stepTimes(start, rows, stepMs);
  for (let seed = 1; seed <= 3; seed++) {
    const random = mulberry32(seed * 7919);
    const gaussian = (): number => standardNormal(random);
    const rows = 4032;
    const perDay = 288;
    const phase = Math.floor(random() * perDay);
    const at = Math.floor(rows * (0.55 + 0.25 * random()));
    const noise = seed === 3 ? 4 : 1;
    const anomalous = (i: number): boolean => i >= at && i < at + perDay;
    const trapezoid = (i: number, high: number): number => {
      const t = (i + phase) % perDay;
      if (t < 132) return 20;
      if (t < 144) return 20 + ((high - 20) * (t - 132)) / 12;
      if (t < 276) return high;
      return high - ((high - 20) * (t - 276)) / 12;
    };
    const sine = (i: number, amplitude: number): number =>
      50 + amplitude * Math.sin((2 * Math.PI * (i + phase)) / perDay);
    const add = (kind: ShapeKind, values: number[], stepMs: number, label: number): void => {
      out.push({
        name: `${kind}-${seed}`,
        kind,
        times: times(values.length, stepMs),
        values,
        stepMs,
        anomalies: [label],
      });
    };
    const artificial = (kind: ShapeKind, shape: (i: number) => number): void =>
      add(
        kind,
        Array.from({ length: rows }, (_, i) => shape(i) + noise * gaussian()),
        300_000,
        at,
      );
    artificial('art-jumps-up', (i) => trapezoid(i, anomalous(i) ? 110 : 80));
    artificial('art-jumps-down', (i) => trapezoid(i, anomalous(i) ? 50 : 80));
    artificial('art-no-jump', (i) => (anomalous(i) ? 20 : trapezoid(i, 80)));
    artificial('art-flat-middle', (i) => (anomalous(i) ? 50 : trapezoid(i, 80)));
    artificial('art-sine-flat-middle', (i) => (anomalous(i) ? 50 : sine(i, 30)));
    artificial('art-sine-smaller', (i) => sine(i, anomalous(i) ? 15 : 30));
    add(
      'art-spike-density',
      Array.from({ length: rows }, (_, i) => {
        const rate = anomalous(i) ? 1 / 12 : 1 / 144;
        return 20 + noise * gaussian() + (random() < rate ? 30 + 30 * random() : 0);
      }),
      300_000,
      at,
    );
    const tweetRows = 2 * rows;
    const base = 5 + 20 * seed;
    const tweets = (kind: ShapeKind, rate: (i: number, label: number, mean: number) => number): void => {
      const label = Math.floor(tweetRows * (0.55 + 0.25 * random()));
      let burst = 0;
      const values = Array.from({ length: tweetRows }, (_, i) => {
        if (burst <= 0 && random() < 1 / 200) burst = 3 + Math.floor(random() * 6);
        const daily = 0.6 + 0.4 * Math.sin((2 * Math.PI * (i + phase)) / perDay);
        const mean = rate(i, label, base * daily * (burst > 0 ? 2.5 : 1));
        burst -= 1;
        return poisson(mean, random);
      });
      add(kind, values, 300_000, label);
    };
    tweets('tweets-burst', (i, label, mean) => (i >= label && i < label + 24 ? base * 8 : mean));
    tweets('tweets-sustained', (i, label, mean) => (i >= label && i < label + 144 ? mean * 2.5 : mean));
    const hours = 1630;
    const drop = Math.floor(hours * (0.55 + 0.25 * random()));
    const prices = Array.from({ length: hours }, (_, i) => {
      let v = 0.12 * (1 + 0.3 * Math.sin((2 * Math.PI * i) / 24)) * Math.exp(0.15 * gaussian());
      if (i >= drop && i < drop + 48) v *= 0.45;
      if (random() < 0.01) v *= 2;
      return Number(v.toFixed(4));
    });
    add('adexchange-drop', prices, 3_600_000, drop);
  }
  return out;
}

export type BurstKind = 'huge-burst' | 'surge' | 'outage' | 'level-up' | 'none';
const BURST_KINDS: readonly BurstKind[] = ['huge-burst', 'surge', 'outage', 'level-up', 'none'];

export interface Bursty extends Series {
  kind: BurstKind;
  /** The row where the labelled anomaly starts (none for `none`). */
  anomalies: number[];
}

/** `rows` sample times `stepMs` apart from `start`. */
function stepTimes(start: number, rows: number, stepMs: number): number[] {
  return Array.from({ length: rows }, (_, i) => start + i * stepMs);
}

/** A negative-binomial count: Poisson of a gamma-distributed mean (variance mean + mean²/dispersion). */
function negativeBinomial(mean: number, dispersion: number, random: () => number): number {
  return mean > 0 ? poisson((mean * gamma(dispersion, random)) / dispersion, random) : 0;
}

/** A gamma draw of shape k and scale 1 (Marsaglia and Tsang's squeeze; k < 1 by the boost k + 1). */
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Bursty counts, labelled by construction (the shape of noisy counts with bursts, where the detector's
 * false positives across files come from): four weeks of 5-minute negative-binomial counts (means 3, 15,
 * 60 and 300 by seed, dispersion shape 1.5, 4 or 10) with a daily rhythm and ordinary bursts about every
 * 1–2 days lasting 10–30 minutes, their size Pareto-distributed (tail index 1.3–1.7, capped at 40×). Five
 * series a seed: one burst three times the largest before it (at least 8×) for an hour, a tripling for
 * half a day, an outage (zero) for four hours, a lasting rise of 2.5×, and none. The anomaly starts
 * between 55 % and 80 % of the series.
 */
export function burstySeries(): Bursty[] {
  const out: Bursty[] = [];
  const start = Date.UTC(2015, 1, 26);
  const stepMs = 300_000;
  const perDay = 288;
  const rows = 28 * perDay;
  for (const seed of [101, 102, 103, 104]) {
    for (const kind of BURST_KINDS) {
      const random = mulberry32(seed * 7907 + kind.length * 31 + kind.charCodeAt(0));
      const base = [3, 15, 60, 300][seed % 4]!;
      const dispersion = [1.5, 4, 10][seed % 3]!;
      const tail = 1.3 + 0.4 * random();
      const burstRate = 1 / (150 + 300 * random());
      const phase = Math.floor(random() * perDay);
      const at = Math.floor(rows * (0.55 + 0.25 * random()));
      let burst = 0;
      let size = 1;
      let largest = 1;
      const values: number[] = [];
      for (let i = 0; i < rows; i++) {
        if (burst <= 0 && random() < burstRate) {
          burst = 2 + Math.floor(-Math.log(1 - random()) * 6);
          size = Math.min(40, (1 - random()) ** (-1 / tail)) + 0.5;
          if (i < at) largest = Math.max(largest, size);
        }
        const daily = 0.55 + 0.45 * Math.sin((2 * Math.PI * (i + phase)) / perDay);
        let mean = base * daily * (burst > 0 ? size : 1);
        burst -= 1;
        if (kind === 'huge-burst' && i >= at && i < at + 12) mean = base * Math.max(3 * largest, 8);
        if (kind === 'surge' && i >= at && i < at + 144) mean *= 3;
        if (kind === 'outage' && i >= at && i < at + 48) mean = 0;
        if (kind === 'level-up' && i >= at) mean *= 2.5;
        values.push(negativeBinomial(mean, dispersion, random));
      }
      out.push({
        name: `${kind}-${seed}`,
        kind,
        times: stepTimes(start, rows, stepMs),
        values,
        stepMs,
        anomalies: kind === 'none' ? [] : [at],
      });
    }
  }
  return out;
}

export type TweetKind = 'level-shift' | 'record-burst' | 'dead' | 'news-surge' | 'none';
const TWEET_KINDS: readonly TweetKind[] = ['level-shift', 'record-burst', 'dead', 'news-surge', 'none'];

export interface Tweets extends Series {
  kind: TweetKind;
  /** The row where the labelled anomaly starts (none for `none`). */
  anomalies: number[];
}

/**
 * Counts shaped like Twitter volume (NAB's realTweets: mentions of a name every 5 minutes), labelled by
 * construction: six weeks of negative-binomial counts (means 8, 30, 120 and 400 by seed) with a daily
 * rhythm (quiet nights) and a weekly one (weekends at 0.6), and routine bursts several times a day, each
 * 10–60 times the level (Pareto, tail index 1.2–1.6), jumping at once and decaying over minutes to an
 * hour. Four series a seed: a sustained level shift (2.5× from the label on), a burst three times the
 * largest before it lasting three hours, a dead period (no counts for six hours), a news surge and none.
 * The news surge is what NAB labels in realTweets: a surge no higher than the largest routine bursts
 * before it (0.6–1.2 times the largest) but lasting hours (decaying with a half-life of 1.5–4 hours, where
 * a routine burst's is 5 minutes to an hour), preceded by two smaller bursts within the three hours before.
 * The anomaly starts between 55 % and 85 % of the series.
 */
export function tweetSeries(): Tweets[] {
  const out: Tweets[] = [];
  const start = Date.UTC(2015, 1, 26);
  const stepMs = 300_000;
  const perDay = 288;
  const rows = 42 * perDay;
  for (const seed of [201, 202, 203, 204]) {
    for (const kind of TWEET_KINDS) {
      const random = mulberry32(seed * 104_729 + kind.length * 131 + kind.charCodeAt(0));
      const base = [8, 30, 120, 400][seed % 4]!;
      const dispersion = [2, 5, 12][seed % 3]!;
      const tail = 1.2 + 0.4 * random();
      const burstsPerDay = 2 + 5 * random();
      const phase = Math.floor(random() * perDay);
      const at = Math.floor(rows * (0.55 + 0.3 * random()));
      let excess = 0;
      let decay = 1;
      let largest = 0;
      // Drawn only for the news surge, so the other kinds' series stay as they were.
      const surge =
        kind === 'news-surge'
          ? { size: 0.6 + 0.6 * random(), halfLife: 18 + 30 * random(), before: [at - 36, at - 16] }
          : undefined;
      const values: number[] = [];
      for (let i = 0; i < rows; i++) {
        const day = Math.floor((i + phase) / perDay) % 7;
        const rhythm =
          (0.35 + 0.65 * Math.max(0, Math.sin((Math.PI * ((i + phase) % perDay)) / perDay)) ** 1.5) *
          (day >= 5 ? 0.6 : 1);
        if (random() < burstsPerDay / perDay) {
          const size = Math.min(60, 10 * (1 - random()) ** (-1 / tail));
          excess = Math.max(excess, size - 1);
          // Lasting minutes to an hour: the excess decays with a half-life of 1–12 samples.
          decay = 0.5 ** (1 / (1 + 11 * random()));
          if (i < at) largest = Math.max(largest, size);
        }
        if (surge?.before.includes(i)) {
          excess = Math.max(excess, 0.3 * largest - 1);
          decay = 0.5 ** (1 / 4);
        }
        // The surge decays on its own clock: routine bursts during it add to it.
        const news = surge && i >= at ? (surge.size * largest - 1) * 0.5 ** ((i - at) / surge.halfLife) : 0;
        let mean = base * rhythm * (1 + excess + news);
        excess *= decay;
        if (excess < 0.05) excess = 0;
        if (kind === 'level-shift' && i >= at) mean *= 2.5;
        if (kind === 'record-burst' && i >= at && i < at + 36) mean = base * 3 * largest;
        if (kind === 'dead' && i >= at && i < at + 72) mean = 0;
        values.push(negativeBinomial(mean, dispersion, random));
      }
      out.push({
        name: `tweets-${kind}-${seed}`,
        kind,
        times: stepTimes(start, rows, stepMs),
        values,
        stepMs,
        anomalies: kind === 'none' ? [] : [at],
      });
    }
  }
  return out;
}

export interface StandIn extends Series {
  kind: string;
  /** The row where the labelled anomaly starts (none for a series without one). */
  anomalies: number[];
}

/**
 * Stand-ins for NAB's artificialWithAnomaly files, labelled by construction (made here, none of NAB's
 * files; many seeds so that no one shape's quirk decides): two weeks of 5 minutes of a daily rhythm,
 * per seed a trapezoid, a sine or two pulses a day, its levels, plateau, ramps and phase drawn, and a
 * noise of 0, 0.2 %, 1 % or 3 % of its swing (NAB's are nearly noiseless). Per seed: the plateau 40 %
 * of the swing higher or lower for a quarter day to the rest of the series, the rhythm stopping at its
 * middle for half a day or at its floor for a day, a lasting shift of 30 % of the swing, spikes on a flat
 * line every 12 hours or so that come every 50 minutes for half a day to a day and a half, and the rhythm
 * without an anomaly. The anomaly starts between 50 % and 85 % of the series.
 */
export function artificialStandIns(seeds: readonly number[]): StandIn[] {
  const out: StandIn[] = [];
  const rows = 4032;
  const perDay = 288;
  const times = stepTimes(Date.UTC(2014, 3, 1), rows, 300_000);
  for (const seed of seeds) {
    const random = mulberry32(seed * 104_729 + 17);
    const low = 10 + 20 * random();
    const high = low + 30 + 60 * random();
    const phase = Math.floor(random() * perDay);
    const plateau = Math.floor(perDay * (0.3 + 0.4 * random()));
    const ramp = [0, 3, 12][seed % 3]!;
    const noise = [0, 0.002, 0.01, 0.03][seed % 4]! * (high - low);
    const shape = (['trapezoid', 'sine', 'trapezoid', 'pulses'] as const)[Math.floor(seed / 4) % 4]!;
    const rhythm = (i: number, top = high): number => {
      const t = (i + phase) % perDay;
      if (shape === 'sine') return (low + top) / 2 + ((top - low) / 2) * Math.sin((2 * Math.PI * t) / perDay);
      const pulses = shape === 'pulses' ? 2 : 1;
      const u = t % (perDay / pulses);
      const on = plateau / pulses;
      if (u < ramp) return low + ((top - low) * u) / ramp;
      if (u < on) return top;
      if (u < on + ramp) return top - ((top - low) * (u - on)) / ramp;
      return low;
    };
    const at = Math.floor(rows * (0.5 + 0.35 * random()));
    const lasting = [perDay / 4, perDay, 2 * perDay, rows][Math.floor(random() * 4)]!;
    const during = (i: number, length = lasting): boolean => i >= at && i < at + length;
    const add = (kind: string, value: (i: number) => number, labelled = true): void => {
      out.push({
        name: `${kind}-${seed}`,
        kind,
        times,
        stepMs: 300_000,
        values: Array.from({ length: rows }, (_, i) =>
          Number((value(i) + noise * standardNormal(random)).toFixed(4)),
        ),
        anomalies: labelled ? [at] : [],
      });
    };
    const swing = high - low;
    add('jump-up', (i) => rhythm(i, during(i) ? high + 0.4 * swing : high));
    add('jump-down', (i) => rhythm(i, during(i) ? high - 0.4 * swing : high));
    add('flat-middle', (i) => (during(i, Math.min(lasting, perDay / 2)) ? (low + high) / 2 : rhythm(i)));
    add('flat-floor', (i) => (during(i, Math.min(lasting, perDay)) ? low : rhythm(i)));
    add('level-shift', (i) => rhythm(i) + (i >= at ? 0.3 * swing : 0));
    add('none', rhythm, false);
    const dense = Math.floor(perDay * (0.5 + random()));
    add('spike-density', (i) => {
      const rate = during(i, dense) ? 1 / 10 : 1 / 150;
      return low + (random() < rate ? swing * (0.5 + 0.5 * random()) : 0);
    });
  }
  return out;
}

/**
 * Stand-ins for NAB's realAdExchange files, labelled by construction (made here, none of NAB's files):
 * 1,600 hours (67 days, so NAB's probation is 10 days) of a price with a daily rhythm (10–50 %), weekends
 * up to 15 % lower, log-normal noise of 8–28 % and 0.5–2.5 % of the hours raised 1.5–2.5 times (routine
 * spikes), the level 0.1, 0.5 or 1.5 by seed. Per seed: a drop to 3 % for 6, 24 or 72 hours, a drop to
 * 40 % for twice as long, a lasting doubling or halving, two hours six times higher, and none. The anomaly
 * starts between 17 % and 87 % of the series: within the first weeks too, where no weekly rhythm is known.
 */
export function adExchangeStandIns(seeds: readonly number[]): StandIn[] {
  const out: StandIn[] = [];
  const rows = 1600;
  const times = stepTimes(Date.UTC(2011, 6, 1), rows, 3_600_000);
  for (const seed of seeds) {
    const random = mulberry32(seed * 7727 + 3);
    const level = [0.1, 1.5, 0.5][seed % 3]!;
    const sd = 0.08 + 0.2 * random();
    const daily = 0.1 + 0.4 * random();
    const weekend = 0.15 * random();
    const spikeRate = 0.005 + 0.02 * random();
    const at = Math.floor(rows * (0.17 + 0.7 * random()));
    const hours = [6, 24, 72][seed % 3]!;
    const base = (i: number): number =>
      level *
      (1 + daily * Math.sin((2 * Math.PI * (i + 5)) / 24)) *
      (Math.floor(i / 24) % 7 >= 5 ? 1 - weekend : 1);
    const add = (kind: string, anomaly: (i: number, v: number) => number, labelled = true): void => {
      out.push({
        name: `${kind}-${seed}`,
        kind,
        times,
        stepMs: 3_600_000,
        values: Array.from({ length: rows }, (_, i) => {
          let v = base(i) * Math.exp(sd * standardNormal(random));
          if (random() < spikeRate) v *= 1.5 + random();
          return Number(Math.max(0, anomaly(i, v)).toFixed(4));
        }),
        anomalies: labelled ? [at] : [],
      });
    };
    add('drop-to-zero', (i, v) => (i >= at && i < at + hours ? v * 0.03 : v));
    add('drop', (i, v) => (i >= at && i < at + 2 * hours ? v * 0.4 : v));
    add('shift-up', (i, v) => (i >= at ? v * 2 : v));
    add('shift-down', (i, v) => (i >= at ? v * 0.5 : v));
    add('spike', (i, v) => (i >= at && i < at + 2 ? v * 6 : v));
    add('none', (_, v) => v, false);
  }
  return out;
}
