import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { InputError } from '../errors';
import { parseWideCsv, registerForecastCommand, runForecastCommand } from './forecast';

const seasonal = (length: number, level: number): string[] =>
  Array.from({ length }, (_, t) => (level + 10 * Math.sin((2 * Math.PI * t) / 24) + (t % 5)).toFixed(2));

describe('costscale forecast', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'costscale-forecast-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const readCsv = (path: string): string[][] =>
    readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => line.split(','));

  it('detects the header, skips padding and writes point and quantile rows per series', () => {
    // M4-style: quoted header, the second series padded with empty cells.
    const header = ['"V1"', ...Array.from({ length: 24 * 8 }, (_, i) => `"V${i + 2}"`)].join(',');
    const a = ['"A1"', ...seasonal(24 * 8, 100)].join(',');
    const b = ['"B2"', ...seasonal(24 * 6, 50), ...Array.from({ length: 48 }, () => '')].join(',');
    const input = write('in.csv', `${header}\n${a}\n${b}\n`);
    const output = join(dir, 'out.csv');
    const result = runForecastCommand({ input, output, horizon: '6', quantiles: '0.1,0.9' });
    expect(result.series).toBe(2);
    const rows = readCsv(output);
    expect(rows[0]).toEqual(['id', 'quantile', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
    expect(rows.slice(1).map((r) => `${r[0]}:${r[1]}`)).toEqual([
      'A1:point',
      'A1:0.1',
      'A1:0.9',
      'B2:point',
      'B2:0.1',
      'B2:0.9',
    ]);
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(8);
      for (const cell of row.slice(2)) expect(Number.isFinite(Number(cell))).toBe(true);
    }
    // Each series is forecast at its own level, and the quantile rows bracket the point row.
    const value = (r: number, h: number): number => Number(rows[r]![h + 2]);
    expect(value(1, 0)).toBeGreaterThan(80);
    expect(value(4, 0)).toBeLessThan(70);
    for (let h = 0; h < 6; h++) {
      expect(value(2, h)).toBeLessThanOrEqual(value(1, h));
      expect(value(3, h)).toBeGreaterThanOrEqual(value(1, h));
    }
  });

  it('reads a file without a header, with missing-value markers, through the registered command', () => {
    const input = write('in.csv', `web,${seasonal(24 * 4, 30).join(',')},NaN,31\n`);
    const output = join(dir, 'out.csv');
    const program = new Command().exitOverride();
    registerForecastCommand(program);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      program.parse(['forecast', '--input', input, '--horizon', '3', '--season', '24', '--output', output], {
        from: 'user',
      });
    } finally {
      stderr.mockRestore();
    }
    const rows = readCsv(output);
    expect(rows.map((r) => r[1])).toEqual(['quantile', 'point', '0.05', '0.5', '0.95']);
    expect(rows[1]![0]).toBe('web');
  });

  it('tells a header from data by its value cells', () => {
    expect(parseWideCsv('id,t1,t2\nx,1,2\n').map((s) => s.id)).toEqual(['x']);
    expect(parseWideCsv('x,1,2\ny,3,4\n').map((s) => s.id)).toEqual(['x', 'y']);
    expect(Array.from(parseWideCsv('x,1,,NA,2,,\n')[0]!.values)).toEqual([1, NaN, 2]);
  });

  it('reports bad usage and bad input as InputError', () => {
    const input = write('in.csv', 'x,1,2,3\n');
    const output = join(dir, 'out.csv');
    const bad = [
      { input, output, horizon: '0' },
      { input, output, horizon: 'ten' },
      { input, output, horizon: '3', season: '1' },
      { input, output, horizon: '3', quantiles: '0.5,1.2' },
      { input: join(dir, 'missing.csv'), output, horizon: '3' },
      { input: write('text.csv', 'id,a,b\nx,1,oops\n'), output, horizon: '3' },
      { input: write('dup.csv', 'x,1,2\nx,3,4\n'), output, horizon: '3' },
      { input: write('short.csv', 'x,1\n'), output, horizon: '3' },
      { input: write('empty.csv', 'id,a,b\n'), output, horizon: '3' },
    ];
    for (const options of bad) expect(() => runForecastCommand(options)).toThrow(InputError);
    expect(() => runForecastCommand(bad[5]!)).toThrow(/row 2, column 3 \("oops"\) is not a number/);
  });
});
