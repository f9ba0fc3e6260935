import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors';
import {
  detectSeriesStepMs,
  detectStepMs,
  parseTime,
  parseTimedCsv,
  runAnomaliesCommand,
  scoreTimedSeries,
  STEP_DETECTION_ROWS,
} from './anomalies';

const rows = (n: number, start = Date.UTC(2015, 0, 1), stepMs = 300_000): string[] =>
  Array.from({ length: n }, (_, i) => {
    const stamp = new Date(start + i * stepMs).toISOString().replace('T', ' ').slice(0, 19);
    return `${stamp},${(50 + 10 * Math.sin((2 * Math.PI * i) / 288) + (i % 7) * 0.3).toFixed(2)}`;
  });

describe('costscale anomalies', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'costscale-anomalies-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses NAB timestamps as UTC, epoch seconds and zoned ISO times', () => {
    expect(parseTime('2014-07-01 00:30:00')).toBe(Date.UTC(2014, 6, 1, 0, 30));
    expect(parseTime('1404174600')).toBe(Date.UTC(2014, 6, 1, 0, 30));
    expect(parseTime('2014-07-01T02:30:00+02:00')).toBe(Date.UTC(2014, 6, 1, 0, 30));
    expect(parseTime('yesterday')).toBeNaN();
  });

  it('accepts repeated timestamps (clock changes) and keeps one output row per input row', () => {
    const text = 'timestamp,value\n2014-11-02 01:00:00,5\n2014-11-02 01:00:00,6\n2014-11-02 01:05:00,7\n';
    const series = parseTimedCsv(text, 'dst.csv');
    expect(series.times).toHaveLength(3);
    expect(detectStepMs(series.times)).toBe(300_000);
    const out = scoreTimedSeries(series).trimEnd().split('\n');
    expect(out).toEqual([
      'timestamp,value,anomaly_score',
      '2014-11-02 01:00:00,5,0',
      '2014-11-02 01:00:00,6,0',
      '2014-11-02 01:05:00,7,0',
    ]);
  });

  it('names the file and line of a bad row or header', () => {
    expect(() => parseTimedCsv('time,v\n', 'a.csv')).toThrow(
      'a.csv:1: expected the header "timestamp,value"',
    );
    expect(() =>
      parseTimedCsv('timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,abc\n', 'b.csv'),
    ).toThrow(new InputError('b.csv:3: "abc" is not a number'));
    expect(() => parseTimedCsv('timestamp,value\nlater,1\n', 'c.csv')).toThrow(
      'c.csv:2: "later" is not a timestamp',
    );
    expect(() => parseTimedCsv('timestamp,value\n2014-01-01 00:00:00,1,2\n', 'd.csv')).toThrow(
      'd.csv:2: expected 2 columns, got 3',
    );
    expect(() => parseTimedCsv('timestamp,value\n', 'e.csv')).toThrow('e.csv: no data rows after the header');
  });

  it('mirrors folders into the output, scores every row and reports progress', () => {
    const input = join(dir, 'in');
    mkdirSync(join(input, 'realAWS'), { recursive: true });
    const body = rows(600);
    body[500] = body[500]!.replace(/,.*/, ',400');
    writeFileSync(join(input, 'realAWS', 'a.csv'), `timestamp,value\n${body.join('\n')}\n`);
    writeFileSync(join(input, 'b.csv'), `timestamp,value\n${rows(10).join('\n')}\n`);
    writeFileSync(join(input, 'notes.txt'), 'not data');
    const lines: string[] = [];
    const result = runAnomaliesCommand({ input: [input], output: join(dir, 'out') }, (l) => lines.push(l));
    expect(result).toEqual({ files: 2, rows: 610 });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('[1/2]');
    const out = readFileSync(join(dir, 'out', 'realAWS', 'a.csv'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(out).toHaveLength(601);
    expect(out.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(body);
    const scores = out.slice(1).map((l) => Number(l.split(',')[2]));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(scores.indexOf(Math.max(...scores))).toBe(500);
    expect(readFileSync(join(dir, 'out', 'b.csv'), 'utf8').split('\n')[0]).toBe(
      'timestamp,value,anomaly_score',
    );
  });

  it('detects the step from the first rows only, so later rows never change earlier scores', () => {
    // 600 rows 5 minutes apart, then 900 one minute apart: the whole file's median spacing is 1 minute.
    const head = rows(600);
    const tail = rows(900, Date.UTC(2015, 0, 1) + 600 * 300_000, 60_000);
    const whole = parseTimedCsv(`timestamp,value\n${[...head, ...tail].join('\n')}\n`, 'w.csv');
    const prefix = parseTimedCsv(`timestamp,value\n${head.join('\n')}\n`, 'p.csv');
    expect(detectStepMs(whole.times)).toBe(60_000);
    expect(detectSeriesStepMs(whole)).toBe(300_000);
    expect(STEP_DETECTION_ROWS).toBeLessThanOrEqual(51);
    const scored = scoreTimedSeries(whole).split('\n');
    expect(scored.slice(0, 601)).toEqual(scoreTimedSeries(prefix).trimEnd().split('\n'));
  });

  it('reports progress within a long file and the step it used', () => {
    const file = join(dir, 'long.csv');
    writeFileSync(file, `timestamp,value\n${rows(250).join('\n')}\n`);
    const lines: string[] = [];
    runAnomaliesCommand({ input: [file], output: join(dir, 'out') }, (l) => lines.push(l), 100);
    expect(lines).toEqual([
      `anomalies: [1/1] ${file}: 100/250 rows`,
      `anomalies: [1/1] ${file}: 200/250 rows`,
      `anomalies: [1/1] ${file}: 250 rows, step 300 s (detected) → ${join(dir, 'out', 'long.csv')}`,
    ]);
    lines.length = 0;
    runAnomaliesCommand({ input: [file], output: join(dir, 'out'), step: '60' }, (l) => lines.push(l));
    expect(lines).toEqual([
      `anomalies: [1/1] ${file}: 250 rows, step 60 s → ${join(dir, 'out', 'long.csv')}`,
    ]);
  });

  it('rejects a bad --step and a missing input', () => {
    const file = join(dir, 'x.csv');
    writeFileSync(file, `timestamp,value\n${rows(3).join('\n')}\n`);
    expect(() => runAnomaliesCommand({ input: [file], output: dir, step: '0' })).toThrow('--step must be');
    expect(runAnomaliesCommand({ input: [file], output: dir, step: 'auto' })).toEqual({ files: 1, rows: 3 });
    expect(() => runAnomaliesCommand({ input: [join(dir, 'none')], output: dir })).toThrow(
      'cannot read --input',
    );
  });
});
