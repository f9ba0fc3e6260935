/**
 * The Numenta Anomaly Benchmark's scorer, written from numenta/NAB v1.1 (`nab/sweeper.py`,
 * `nab/optimizer.py`, `nab/runner.py` `normalize`, `nab/labeler.py`, `config/profiles.json`), none of its
 * code. The rules, as NAB applies them:
 * - each file has labelled windows (inclusive row ranges); rows before the probationary length
 *   (min(⌊0.15·rows⌋, 0.15·5000)) are dropped from scoring altogether;
 * - a row's sweep weight: inside a window of width w ending at row e, A_TP·σ(−(e − i + 1)/w)/σ(−1) (so the
 *   first row of a window is worth exactly A_TP); outside, A_FP·σ(|i − e′|/(w′ − 1)) from the previous
 *   window (e′, w′), or A_FP·σ(3) = −A_FP before any window; σ(y) = 2/(1 + e^(5y)) − 1, and −1 from y ≥ 3;
 * - at a threshold every row scoring at least it is a detection: a window counts its best (earliest)
 *   detection's weight, or −A_FN without one; every detection outside windows adds its (negative) weight;
 * - one threshold for the whole corpus: the sweep over every distinct score (from 1.1, no detection, down)
 *   keeps the highest total, the highest threshold among ties (Python's stable sort in the optimizer);
 * - normalised: 100·(raw − null)/(perfect − null), null the null detector's optimised raw score (a
 *   constant score, so the better of detecting nothing, −A_FN per scorable window, and detecting every
 *   row) and perfect A_TP times the number of labelled windows.
 */

export interface NabProfile {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** NAB's standard profile (`config/profiles.json`): tpWeight 1, fpWeight 0.11, fnWeight 1. */
export const NAB_STANDARD: NabProfile = { tp: 1, fp: 0.11, fn: 1 };

/** Inclusive row ranges, in row order, not overlapping. */
export type Window = readonly [start: number, end: number];

export interface NabFile {
  /** One score per row, in row order. */
  readonly scores: ArrayLike<number>;
  readonly windows: readonly Window[];
}

/** The threshold NAB's sweep starts from: above any score, so nothing is detected. */
const NO_DETECTION = 1.1;

export function scaledSigmoid(position: number): number {
  return position >= 3 ? -1 : 2 / (1 + Math.exp(5 * position)) - 1;
}

export const probationaryLength = (rows: number): number => Math.min(Math.floor(0.15 * rows), 0.15 * 5000);

/**
 * Windows from labelled anomaly rows, as NAB's labeler makes them: 10 % of the file divided by the number
 * of anomalies, centred on each (⌊width/2⌋ either side, clipped to the file); overlapping windows merge.
 */
export function nabWindows(rows: number, anomalies: readonly number[], windowFraction = 0.1): Window[] {
  if (anomalies.length === 0) return [];
  const width = Math.floor((windowFraction * rows) / anomalies.length);
  const windows: [number, number][] = [];
  for (const at of [...anomalies].sort((a, b) => a - b)) {
    const start = Math.max(0, at - Math.floor(width / 2));
    const end = Math.min(rows - 1, at + Math.floor(width / 2));
    const previous = windows[windows.length - 1];
    if (previous && start <= previous[1]) previous[1] = Math.max(previous[1], end);
    else windows.push([start, end]);
  }
  return windows;
}

/**
 * Row ranges of labelled windows given as [start, end] times (NAB's `combined_windows.json`): a window
 * starts at the row whose time equals its start and ends at the row whose time equals its end, as the
 * sweeper matches them. A limit that matches no row is an error (NAB would silently skip the window).
 */
export function windowsAt(
  times: readonly number[],
  limits: readonly (readonly [number, number])[],
): Window[] {
  const row = (t: number): number => {
    const i = times.indexOf(t);
    if (i < 0) throw new Error(`no row at the window limit ${new Date(t).toISOString()}`);
    return i;
  };
  return limits.map(([start, end]) => [row(start), row(end)] as const);
}

/** A scorable row: its anomaly score, its window (a corpus-wide index, −1 outside) and its sweep weight. */
interface SweepRow {
  readonly score: number;
  readonly window: number;
  readonly weight: number;
}

function sweepRows(file: NabFile, profile: NabProfile, windowBase: number, out: SweepRow[]): Set<number> {
  const rows = file.scores.length;
  const probation = probationaryLength(rows);
  const maxTp = scaledSigmoid(-1);
  const scorableWindows = new Set<number>();
  let w = 0;
  let previous: Window | undefined;
  for (let i = 0; i < rows; i++) {
    while (w < file.windows.length && file.windows[w]![1] < i) previous = file.windows[w++];
    const current = w < file.windows.length && file.windows[w]![0] <= i ? file.windows[w] : undefined;
    let weight: number;
    if (current) {
      const width = current[1] - current[0] + 1;
      weight = (scaledSigmoid(-(current[1] - i + 1) / width) * profile.tp) / maxTp;
    } else {
      const position = previous ? Math.abs(i - previous[1]) / (previous[1] - previous[0]) : 3;
      weight = scaledSigmoid(position) * profile.fp;
    }
    if (i < probation) continue;
    const window = current ? windowBase + w : -1;
    if (window >= 0) scorableWindows.add(window);
    out.push({ score: file.scores[i]!, window, weight });
  }
  return scorableWindows;
}

export interface NabResult {
  /** Normalised score: 0 is the null detector, 100 the perfect one. */
  readonly score: number;
  readonly threshold: number;
  readonly raw: number;
  readonly nullRaw: number;
  readonly perfectRaw: number;
  /** Labelled windows, and those detected at the threshold. */
  readonly windows: number;
  readonly detected: number;
  /** Detections outside windows (rows, after probation). */
  readonly falsePositives: number;
}

interface Sweep {
  /** Scorable rows, highest score first (stable: row order among ties). */
  readonly rows: SweepRow[];
  readonly scorableWindows: number;
  readonly labelledWindows: number;
  /** The null detector's optimised raw score: a constant score detects nothing or everything. */
  readonly nullRaw: number;
}

function sweep(files: readonly NabFile[], profile: NabProfile): Sweep {
  const rows: SweepRow[] = [];
  let base = 0;
  let scorableWindows = 0;
  for (const file of files) {
    scorableWindows += sweepRows(file, profile, base, rows).size;
    base += file.windows.length;
  }
  const earliest = new Map<number, number>();
  let everything = 0;
  for (const row of rows) {
    if (row.window < 0) everything += row.weight;
    else earliest.set(row.window, Math.max(earliest.get(row.window) ?? -Infinity, row.weight));
  }
  for (const weight of earliest.values()) everything += weight;
  const nullRaw = Math.max(-profile.fn * scorableWindows, everything);
  rows.sort((a, b) => b.score - a.score);
  return { rows, scorableWindows, labelledWindows: base, nullRaw };
}

/**
 * Walks the thresholds from high to low and returns the result at `stop` (the best total when it is
 * undefined); detections are rows scoring at least the threshold.
 */
function walk(s: Sweep, profile: NabProfile, stop: number | undefined): Omit<NabResult, 'score'> {
  const best = new Map<number, number>();
  let total = -profile.fn * s.scorableWindows;
  let falsePositives = 0;
  let result = { threshold: NO_DETECTION, raw: total, detected: 0, falsePositives: 0 };
  for (let i = 0; i < s.rows.length; i++) {
    const row = s.rows[i]!;
    if (stop !== undefined && row.score < stop) break;
    if (row.window < 0) {
      total += row.weight;
      falsePositives += 1;
    } else {
      const before = best.get(row.window);
      if (before === undefined || row.weight > before) {
        best.set(row.window, row.weight);
        total += row.weight - (before ?? -profile.fn);
      }
    }
    const next = s.rows[i + 1];
    const complete = next === undefined || next.score !== row.score;
    if (complete && (stop !== undefined || total > result.raw))
      result = { threshold: row.score, raw: total, detected: best.size, falsePositives };
  }
  const perfectRaw = profile.tp * s.labelledWindows;
  return { ...result, nullRaw: s.nullRaw, perfectRaw, windows: s.labelledWindows };
}

const normalised = (r: Omit<NabResult, 'score'>): NabResult => ({
  ...r,
  score: r.perfectRaw === r.nullRaw ? 0 : (100 * (r.raw - r.nullRaw)) / (r.perfectRaw - r.nullRaw),
});

/** Scores a corpus at the threshold that maximises its total (NAB's optimise + score steps). */
export function nabScore(files: readonly NabFile[], profile: NabProfile = NAB_STANDARD): NabResult {
  return normalised(walk(sweep(files, profile), profile, undefined));
}

/** Scores a corpus at a given threshold (e.g. one optimised on another corpus). */
export function nabScoreAt(
  files: readonly NabFile[],
  threshold: number,
  profile: NabProfile = NAB_STANDARD,
): NabResult {
  return { ...normalised(walk(sweep(files, profile), profile, threshold)), threshold };
}

export interface GroupedResult {
  /** The groups' union scored at its one optimal threshold, as NAB scores a corpus. */
  readonly shared: NabResult;
  /** The union's normalised score were each group scored at its own optimal threshold. */
  readonly own: number;
  /** Each group at its own optimal threshold, and at the shared one. */
  readonly groups: readonly { readonly own: NabResult; readonly atShared: NabResult }[];
}

/**
 * One threshold over groups of files (NAB's corpora, kinds of series) against each group at its own: the
 * groups' raw scores at their own optimal thresholds summed and normalised as their union is. Not a score
 * NAB allows (one threshold serves the corpus), but what one shared threshold costs where the kinds of
 * series want different ones: the calibration across series left to do. With groups of one file each, the
 * bound on calibrating the scores across files.
 */
export function groupedThresholdScore(
  groups: readonly (readonly NabFile[])[],
  profile: NabProfile = NAB_STANDARD,
): GroupedResult {
  const shared = nabScore(groups.flat(), profile);
  const each = groups.map((files) => ({
    own: nabScore(files, profile),
    atShared: nabScoreAt(files, shared.threshold, profile),
  }));
  const raw = each.reduce((sum, g) => sum + g.own.raw, 0);
  return { shared, own: normalised({ ...shared, raw }).score, groups: each };
}
