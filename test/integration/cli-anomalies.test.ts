import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costscale, REPO } from '../support/cli';

const NAB = join(REPO, 'test', 'fixtures', 'data', 'nab');

test('costscale anomalies scores NAB files causally, one output row per input row, and exits 0', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'costscale-anomalies-'));
  const input = join(dir, 'data');
  await cp(join(NAB, 'nyc_taxi.csv'), join(input, 'realKnownCause', 'nyc_taxi.csv'));
  await cp(join(NAB, 'ec2_cpu_utilization_24ae8d.csv'), join(input, 'realAWSCloudwatch', 'cpu.csv'));
  const r = await costscale(['anomalies', '--input', input, '--output', join(dir, 'out')]);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('[2/2]');
  expect(r.stderr).toContain('nyc_taxi.csv: 10320 rows, step 1800 s (detected)');
  expect(r.stderr).toContain('2 files, 14352 rows scored');
  const source = (await readFile(join(NAB, 'nyc_taxi.csv'), 'utf8')).trimEnd().split('\n');
  const out = (await readFile(join(dir, 'out', 'realKnownCause', 'nyc_taxi.csv'), 'utf8'))
    .trimEnd()
    .split('\n');
  expect(out[0]).toBe('timestamp,value,anomaly_score');
  expect(out.map((l) => l.split(',').slice(0, 2).join(',')).slice(1)).toEqual(source.slice(1));

  // Causality: scoring a prefix of the file gives the same scores for those rows.
  const prefix = join(dir, 'prefix');
  await mkdir(prefix);
  await writeFile(join(prefix, 'nyc_taxi.csv'), `${source.slice(0, 5001).join('\n')}\n`);
  const p = await costscale([
    'anomalies',
    '--input',
    join(prefix, 'nyc_taxi.csv'),
    '--output',
    join(dir, 'out2'),
  ]);
  expect(p.code).toBe(0);
  const prefixOut = (await readFile(join(dir, 'out2', 'nyc_taxi.csv'), 'utf8')).trimEnd().split('\n');
  expect(prefixOut).toEqual(out.slice(0, 5001));
});

test('costscale anomalies names the file and line of a bad row and exits 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'costscale-anomalies-'));
  const file = join(dir, 'bad.csv');
  await writeFile(file, 'timestamp,value\n2015-01-01 00:00:00,1\n2015-01-01 00:05:00,oops\n');
  const r = await costscale(['anomalies', '--input', file, '--output', join(dir, 'out')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${file}:3: "oops" is not a number`);
});
