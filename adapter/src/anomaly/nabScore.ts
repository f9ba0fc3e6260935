/**
 * The Numenta Anomaly Benchmark's scoring rules, written from NAB's documentation and paper (Lavin &
 * Ahmad 2015; Ahmad et al. 2017) and its `sweeper.py`/`labeler.py` behaviour:
 * - each labelled anomaly gets a window of 10 % of the file's length divided by the number of anomalies,
 *   centred on it (overlapping windows merge);
 * - the first 15 % of a file (at most 750 rows) is probationary and not scored;
 * - a row is a detection when its score is at least the threshold; in a window only the earliest
 *   detection counts, weighted A_TP·σ(position)/σ(−1) with σ(y) = 2/(1+e^(5y)) − 1 and the position −1
 *   at the window's start, 0 just past its end; a window without detection costs A_FN;
 * - a detection outside windows costs A_FP·σ(distance past the previous window's end / its width), or
 *   the full A_FP before any window;
 * - one threshold for the whole corpus, the one with the highest total; the total is normalised to
 *   0–100 between the null detector (no detections: every window missed) and the perfect one.
 */

export interface NabProfile {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** The standard profile, as magnitudes: A_TP = 1, A_FP = −0.11, A_FN = −1. */
export const NAB_STANDARD: NabProfile = { tp: 1, fp: 0.11, fn: 1 };

export interface NabFile {
  /** One score per row, in row order. */
  readonly scores: ArrayLike<number>;
  /** Row indices of the labelled anomalies. */
  readonly anomalies: readonly number[];
}

/** Inclusive row ranges. */
export type Window = readonly [start: number, end: number];

export function scaledSigmoid(position: number): number {
  return position >= 3 ? -1 : 2 / (1 + Math.exp(5 * position)) - 1;
}

export const probationaryLength = (rows: number): number => Math.min(Math.floor(0.15 * rows), 0.15 * 5000);

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

/** A scorable row: its anomaly score, the window it lies in (−1 outside) and its weighted score. */
interface ScoredRow {
  score: number;
  window: number;
  weight: number;
}

function scoredRows(
  file: NabFile,
  windows: readonly Window[],
  profile: NabProfile,
  windowBase: number,
): ScoredRow[] {
  const rows = file.scores.length;
  const probation = probationaryLength(rows);
  const maxTp = scaledSigmoid(-1);
  const out: ScoredRow[] = [];
  let w = 0;
  let previous: Window | undefined;
  for (let i = 0; i < rows; i++) {
    while (w < windows.length && windows[w]![1] < i) previous = windows[w++];
    const current = w < windows.length && windows[w]![0] <= i ? windows[w] : undefined;
    let weight: number;
    if (current) {
      const width = current[1] - current[0] + 1;
      weight = (scaledSigmoid(-(current[1] - i + 1) / width) * profile.tp) / maxTp;
    } else {
      const position = previous ? Math.abs(i - previous[1]) / Math.max(1, previous[1] - previous[0]) : 3;
      weight = scaledSigmoid(position) * profile.fp;
    }
    if (i >= probation) out.push({ score: file.scores[i]!, window: current ? windowBase + w : -1, weight });
  }
  return out;
}

export interface NabResult {
  /** Normalised score, 0 (null detector) to 100 (perfect). */
  readonly score: number;
  readonly threshold: number;
  readonly raw: number;
  readonly windows: number;
}

/** Scores a corpus at the threshold that maximises its total (the NAB optimiser's aim, found exactly). */
export function nabScore(files: readonly NabFile[], profile: NabProfile = NAB_STANDARD): NabResult {
  const rows: ScoredRow[] = [];
  let windowCount = 0;
  const scorable = new Set<number>();
  for (const file of files) {
    const windows = nabWindows(file.scores.length, file.anomalies);
    for (const row of scoredRows(file, windows, profile, windowCount)) {
      rows.push(row);
      if (row.window >= 0) scorable.add(row.window);
    }
    windowCount += windows.length;
  }
  rows.sort((a, b) => b.score - a.score);
  const best = new Map<number, number>();
  const nullScore = -profile.fn * scorable.size;
  let total = nullScore;
  let bestTotal = total;
  let bestThreshold = rows.length > 0 ? rows[0]!.score + 1 : 1;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.window < 0) total += row.weight;
    else {
      const before = best.get(row.window) ?? -profile.fn;
      if (row.weight > before) {
        best.set(row.window, row.weight);
        total += row.weight - before;
      }
    }
    const next = rows[i + 1];
    if ((next === undefined || next.score < row.score) && total > bestTotal) {
      bestTotal = total;
      bestThreshold = row.score;
    }
  }
  const perfect = profile.tp * scorable.size;
  const score = perfect === nullScore ? 0 : (100 * (bestTotal - nullScore)) / (perfect - nullScore);
  return { score, threshold: bestThreshold, raw: bestTotal, windows: scorable.size };
}
