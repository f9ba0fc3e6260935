import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { createDetector, scoreSample } from '../../anomaly';
import { InputError } from '../errors';

/**
 * `costscale anomalies`: scores CSV files of `timestamp,value` (the Numenta Anomaly Benchmark's format,
 * header included) with the streaming detector and writes `timestamp,value,anomaly_score`, one row per
 * input row in order. Causal: each row's score comes from that row and the rows before it only, with the
 * same detector settings for every file (nothing is fitted to a file as a whole).
 */
export interface AnomaliesCommandOptions {
  input: string[];
  output: string;
  step?: string;
}

export interface TimedSeries {
  /** The cells as written, echoed to the output. */
  timestamps: string[];
  values: string[];
  times: number[];
  numbers: number[];
}

const MISSING = /^(nan|na|null|)$/i;

/** Milliseconds since the epoch: ISO dates (UTC unless a zone is given) or epoch seconds/milliseconds. */
export function parseTime(cell: string): number {
  if (/^-?\d+(\.\d+)?$/.test(cell)) {
    const n = Number(cell);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  const iso = cell.replace(' ', 'T');
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

const unquote = (cell: string): string => {
  const trimmed = cell.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : trimmed;
};

/** Parses `timestamp,value` rows after a header; repeated or out-of-order timestamps are accepted. */
export function parseTimedCsv(text: string, source: string): TimedSeries {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.split(',').map((c) => unquote(c).toLowerCase()) ?? [];
  if (header[0] !== 'timestamp' || header[1] !== 'value' || header.length !== 2) {
    throw new InputError(`${source}:1: expected the header "timestamp,value", got "${lines[0] ?? ''}"`);
  }
  const series: TimedSeries = { timestamps: [], values: [], times: [], numbers: [] };
  lines.slice(1).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${source}:${index + 2}`;
    const cells = line.split(',');
    if (cells.length !== 2) throw new InputError(`${where}: expected 2 columns, got ${cells.length}`);
    const [stamp, raw] = cells.map(unquote) as [string, string];
    const time = parseTime(stamp);
    if (!Number.isFinite(time)) throw new InputError(`${where}: "${stamp}" is not a timestamp`);
    const value = MISSING.test(raw) ? NaN : Number(raw);
    if (!MISSING.test(raw) && !Number.isFinite(value))
      throw new InputError(`${where}: "${raw}" is not a number`);
    series.timestamps.push(stamp);
    series.values.push(raw);
    series.times.push(time);
    series.numbers.push(value);
  });
  if (series.times.length === 0) throw new InputError(`${source}: no data rows after the header`);
  return series;
}

/**
 * Rows the step is detected from. The detector scores 0 for at least its first 50 samples (warm-up), so a
 * step taken from rows 0–50 leaves every score depending only on its own row and earlier ones (causal,
 * as NAB requires), where the whole file's spacing would let later rows change earlier scores.
 */
export const STEP_DETECTION_ROWS = 51;
/** Rows between progress lines within one file. */
export const PROGRESS_ROWS = 100_000;

/** The median positive spacing of the timestamps (5 minutes when there is none). */
export function detectStepMs(times: readonly number[]): number {
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) if (times[i]! > times[i - 1]!) steps.push(times[i]! - times[i - 1]!);
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)] ?? 300_000;
}

/** The step of a series from its first rows (see STEP_DETECTION_ROWS). */
export const detectSeriesStepMs = (series: TimedSeries): number =>
  detectStepMs(series.times.slice(0, STEP_DETECTION_ROWS));

/**
 * Scores a parsed series; returns the output CSV text. `rowsDone` is called every `progressRows` rows
 * (long files) with the rows scored so far.
 */
export function scoreTimedSeries(
  series: TimedSeries,
  stepMs = detectSeriesStepMs(series),
  rowsDone: (rows: number) => void = () => {},
  progressRows = PROGRESS_ROWS,
): string {
  const state = createDetector({ stepMs });
  const lines = ['timestamp,value,anomaly_score'];
  for (let i = 0; i < series.times.length; i++) {
    const score = scoreSample(state, series.times[i]!, series.numbers[i]!);
    lines.push(`${series.timestamps[i]},${series.values[i]},${Number(score.toPrecision(8))}`);
    if ((i + 1) % progressRows === 0 && i + 1 < series.times.length) rowsDone(i + 1);
  }
  return `${lines.join('\n')}\n`;
}

/** Input files with their output paths: a folder's CSV files keep their path relative to it. */
export function planFiles(inputs: readonly string[], outputDir: string): { input: string; output: string }[] {
  const plan: { input: string; output: string }[] = [];
  const walk = (root: string, dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(root, path);
      else if (entry.name.endsWith('.csv'))
        plan.push({ input: path, output: join(outputDir, relative(root, path)) });
    }
  };
  for (const input of inputs) {
    let stat;
    try {
      stat = statSync(input);
    } catch (error) {
      throw new InputError(`cannot read --input ${input}: ${(error as Error).message}`);
    }
    if (stat.isDirectory()) walk(input, input);
    else plan.push({ input, output: join(outputDir, basename(input)) });
  }
  if (plan.length === 0) throw new InputError(`no CSV files found in ${inputs.join(', ')}`);
  return plan;
}

/** --step: seconds, or `auto` (the default) to detect it per file. */
function stepOption(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === 'auto') return undefined;
  const value = Number(raw);
  if (!(value > 0) || !Number.isFinite(value))
    throw new InputError(`--step must be a positive number of seconds or "auto", got "${raw}"`);
  return value * 1000;
}

/** The command's action; progress goes to `progress` (stderr in the CLI). */
export function runAnomaliesCommand(
  options: AnomaliesCommandOptions,
  progress: (line: string) => void = () => {},
  progressRows = PROGRESS_ROWS,
): { files: number; rows: number } {
  const fixedStepMs = stepOption(options.step);
  const plan = planFiles(options.input, options.output);
  let rows = 0;
  plan.forEach(({ input, output }, index) => {
    let text: string;
    try {
      text = readFileSync(input, 'utf8');
    } catch (error) {
      throw new InputError(`cannot read ${input}: ${(error as Error).message}`);
    }
    const series = parseTimedCsv(text, input);
    const stepMs = fixedStepMs ?? detectSeriesStepMs(series);
    const counter = `anomalies: [${index + 1}/${plan.length}] ${input}`;
    const csv = scoreTimedSeries(
      series,
      stepMs,
      (done) => progress(`${counter}: ${done}/${series.times.length} rows`),
      progressRows,
    );
    try {
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, csv);
    } catch (error) {
      throw new InputError(`cannot write ${output}: ${(error as Error).message}`);
    }
    rows += series.times.length;
    progress(
      `${counter}: ${series.times.length} rows, step ${stepMs / 1000} s${fixedStepMs === undefined ? ' (detected)' : ''} → ${output}`,
    );
  });
  return { files: plan.length, rows };
}

export function registerAnomaliesCommand(program: Command): void {
  program
    .command('anomalies')
    .description('score CSV files of timestamp,value (NAB format) with the streaming anomaly detector')
    .requiredOption('--input <paths...>', 'CSV files or folders of them (searched recursively)')
    .requiredOption('--output <dir>', 'folder for timestamp,value,anomaly_score files (same relative paths)')
    .option(
      '--step <seconds|auto>',
      'sampling step in seconds; auto (the default) detects it from the first rows of each file',
    )
    .action((options: AnomaliesCommandOptions) => {
      const { files, rows } = runAnomaliesCommand(options, (line) => process.stderr.write(`${line}\n`));
      process.stderr.write(
        `anomalies: ${files} files, ${rows} rows scored, written under ${options.output}\n`,
      );
    });
}
