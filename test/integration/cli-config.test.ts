import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costscale } from '../support/cli';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costscale-cli-'));
});

const base = `allowEmpty: true
prometheus:
  default:
    url: http://127.0.0.1:9090
`;

test('check-config prints every mistake with file, line, path and reason, and exits 2', async () => {
  const file = join(dir, 'three-mistakes.yaml');
  await writeFile(
    file,
    `${base}policies:
  - name: web
    namespace: shop
    target: { name: web }
    demand: { query: 'sum(rate(http_requests_total{service="web"}[2m]))' }
    capacityPerReplica: 50
    replicas: { min: 2, max: 10 }
  - name: api
    namespace: shop
    target: { name: api }
    demand: { query: 'sum(rate(http_requests_total{service="api"}[2m]))' }
    capacityPerReplica: -3
    replicas: { min: 5, max: 2 }
    colour: blue
`,
  );
  const r = await costscale(['check-config', file]);
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(new RegExp(`^${file}:\\d+: policies\\[1\\]\\.capacityPerReplica: .*>0`)),
      expect.stringMatching(new RegExp(`^${file}:\\d+: policies\\[1\\]: unknown field\\(s\\): colour$`)),
      expect.stringMatching(
        new RegExp(`^${file}:\\d+: policies\\[1\\]\\.replicas\\.max: must be ≥ replicas\\.min \\(5\\)$`),
      ),
    ]),
  );
});

test('a valid file exits 0; environment references are substituted and missing ones reported', async () => {
  const file = join(dir, 'env.yaml');
  await writeFile(file, `${base}    auth: { bearerToken: '\${PROM_TOKEN}' }\n`);
  const ok = await costscale(['check-config', file], { PROM_TOKEN: 's3cret' });
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('ok (0 policies, 0 budgets, 1 Prometheus backends)');
  const missing = await costscale(['check-config', file], { PROM_TOKEN: undefined });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain(
    'prometheus.default.auth.bearerToken: environment variable PROM_TOKEN is not set',
  );
});

test('defect 3 (issue 16): an empty file or one without policies exits 2 unless allowEmpty: true', async () => {
  const empty = join(dir, 'empty.yaml');
  await writeFile(empty, '');
  const r = await costscale(['check-config', empty]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${empty}: the file is empty; set allowEmpty: true`);
  const none = join(dir, 'no-policies.yaml');
  await writeFile(none, base.replace('allowEmpty: true\n', ''));
  const n = await costscale(['check-config', none]);
  expect(n.code).toBe(2);
  expect(n.stderr).toContain(`${none}:1: policies: no policies; set allowEmpty: true`);
});

test('YAML syntax errors name the file and line; unreadable files are input errors', async () => {
  const file = join(dir, 'broken.yaml');
  await writeFile(file, 'prometheus:\n  default: [unclosed\n');
  const r = await costscale(['check-config', file]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^${file}:\\d+: `));
  const none = await costscale(['check-config', join(dir, 'nope.yaml')]);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('cannot read');
});

test('usage errors exit 2 and every command has --help', async () => {
  expect((await costscale(['check-config'])).code).toBe(2);
  expect((await costscale(['no-such-command'])).code).toBe(2);
  for (const cmd of ['serve', 'check-config', 'migrate', 'config-schema', 'forecast', 'simulate', 'apikey']) {
    const r = await costscale([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: costscale ${cmd}`);
  }
});

test('config-schema prints the JSON Schema generated from the zod schema', async () => {
  const r = await costscale(['config-schema']);
  expect(r.code).toBe(0);
  const schema = JSON.parse(r.stdout);
  expect(schema.type).toBe('object');
  expect(Object.keys(schema.properties)).toEqual(
    expect.arrayContaining(['prometheus', 'policies', 'budgets', 'prices', 'server', 'database', 'engine']),
  );
  expect(schema.additionalProperties).toBe(false);
});

test('the committed editor schema adapter/config.schema.json is current', async () => {
  const committed = await readFile(join(__dirname, '..', '..', 'adapter', 'config.schema.json'), 'utf8');
  const r = await costscale(['config-schema']);
  expect(committed).toBe(r.stdout);
});
