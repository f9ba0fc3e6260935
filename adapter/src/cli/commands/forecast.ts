import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { fitForecastState, forecastFromState } from '../../forecast';
import { InputError } from '../errors';

/**
 * `costscale forecast`: batch forecasts for a wide CSV (one series per row, the id first, then the
 * values in time order; empty cells are padding and skipped, NaN/NA mark a missing point). Writes
 * `id,quantile,h1,…,hH` with a `point` row and one row per requested quantile for every series.
 */
export interface ForecastCommandOptions {
  input: string;
  output: string;
  horizon: string;
  season?: string;
  step?: string;
  quantiles?: string;
}

export interface WideSeries {
  id: string;
  values: Float64Array;
}

const DEFAULT_QUANTILES = '0.05,0.5,0.95';
const MISSING = /^(nan|na|null)$/i;

type CellKind = 'number' | 'missing' | 'text';

function cellKind(cell: string): CellKind {
  if (MISSING.test(cell)) return 'missing';
  return cell !== '' && Number.isFinite(Number(cell)) ? 'number' : 'text';
}

/**
 * Parses the wide CSV. The first row is a header when none of its non-empty value cells is a number
 * or a missing-value marker; a data row with any other non-numeric cell is an error.
 */
export function parseWideCsv(text: string, source = 'input'): WideSeries[] {
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new InputError(`${source}: not a valid CSV file: ${(error as Error).message}`);
  }
  const first = rows[0]?.slice(1).filter((cell) => cell !== '') ?? [];
  const hasHeader = first.length > 0 && first.every((cell) => cellKind(cell) === 'text');
  const series: WideSeries[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    if (index === 0 && hasHeader) return;
    const line = index + 1;
    const id = row[0] ?? '';
    if (id === '') throw new InputError(`${source}: row ${line} has no series id in the first column`);
    if (seen.has(id)) throw new InputError(`${source}: row ${line} repeats the series id "${id}"`);
    seen.add(id);
    const values: number[] = [];
    row.slice(1).forEach((cell, column) => {
      if (cell === '') return;
      const kind = cellKind(cell);
      if (kind === 'text') {
        throw new InputError(`${source}: row ${line}, column ${column + 2} ("${cell}") is not a number`);
      }
      values.push(kind === 'number' ? Number(cell) : NaN);
    });
    series.push({ id, values: Float64Array.from(values) });
  });
  if (series.length === 0) throw new InputError(`${source}: no series found`);
  return series;
}

function positiveInteger(name: string, raw: string, min = 1): number {
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new InputError(`--${name} must be an integer of at least ${min}, got "${raw}"`);
  }
  return value;
}

function parseQuantiles(raw: string): { label: string; tau: number }[] {
  return raw.split(',').map((part) => {
    const label = part.trim();
    const tau = Number(label);
    if (label === '' || !(tau > 0 && tau < 1)) {
      throw new InputError(`--quantiles takes levels strictly between 0 and 1, got "${label}"`);
    }
    return { label, tau };
  });
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const formatValue = (v: number): string => String(Number(v.toPrecision(10)));

/** Fits and forecasts every series; returns the output CSV text. */
export function forecastWideSeries(
  series: WideSeries[],
  horizon: number,
  quantiles: { label: string; tau: number }[],
  periods?: number[],
  stepSeconds?: number,
): string {
  const steps = Array.from({ length: horizon }, (_, h) => `h${h + 1}`);
  const lines = [['id', 'quantile', ...steps].join(',')];
  for (const { id, values } of series) {
    let forecast;
    try {
      forecast = forecastFromState(fitForecastState(values, { horizon, periods, stepSeconds }), values);
    } catch (error) {
      if (error instanceof RangeError) throw new InputError(`series "${id}": ${error.message}`);
      throw error;
    }
    const row = (label: string, v: Float64Array): string =>
      [csvField(id), label, ...Array.from(v, formatValue)].join(',');
    lines.push(row('point', forecast.point));
    for (const q of quantiles) lines.push(row(q.label, forecast.quantile(q.tau)));
  }
  return `${lines.join('\n')}\n`;
}

/** The command's action: validate options, read the input, forecast, write the output. */
export function runForecastCommand(options: ForecastCommandOptions): { series: number } {
  const horizon = positiveInteger('horizon', options.horizon);
  const periods = options.season?.split(',').map((p) => positiveInteger('season', p.trim(), 2));
  const stepSeconds = options.step === undefined ? undefined : positiveInteger('step', options.step);
  const quantiles = parseQuantiles(options.quantiles ?? DEFAULT_QUANTILES);
  let text: string;
  try {
    text = readFileSync(options.input, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read --input ${options.input}: ${(error as Error).message}`);
  }
  const series = parseWideCsv(text, options.input);
  const csv = forecastWideSeries(series, horizon, quantiles, periods, stepSeconds);
  try {
    writeFileSync(options.output, csv);
  } catch (error) {
    throw new InputError(`cannot write --output ${options.output}: ${(error as Error).message}`);
  }
  return { series: series.length };
}

export function registerForecastCommand(program: Command): void {
  program
    .command('forecast')
    .description('forecast every series of a wide CSV (id, values…) with calibrated quantiles')
    .requiredOption(
      '--input <file>',
      'wide CSV: one series per row, the id first, then the values in time order',
    )
    .requiredOption('--horizon <steps>', 'steps to forecast')
    .option('--season <periods>', 'seasonal period(s) in steps, e.g. 24 or 24,168 (detected when omitted)')
    .option('--step <seconds>', 'sampling step; limits detection to daily and weekly periods')
    .option('--quantiles <levels>', 'quantile levels', DEFAULT_QUANTILES)
    .requiredOption('--output <file>', 'output CSV: id,quantile,h1,…,hH')
    .action((options: ForecastCommandOptions) => {
      const { series } = runForecastCommand(options);
      process.stderr.write(
        `forecast: ${series} series, horizon ${options.horizon}, written to ${options.output}\n`,
      );
    });
}
