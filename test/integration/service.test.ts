import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres } from '../../adapter/src/store/db';
import { loadMigrations } from '../../adapter/src/store/migrate';
import { costscale, startCostscale, waitForReady } from '../support/cli';
import { TestDatabases } from '../support/databases';
import { freePort, waitFor } from '../support/ports';

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

async function configFile(dir: string, metricsPort: number, extra = ''): Promise<string> {
  const file = join(dir, 'config.yaml');
  await writeFile(
    file,
    `prometheus:
  default: { url: 'http://127.0.0.1:1' }
server: { host: 127.0.0.1, port: 0, metricsPort: ${metricsPort}, auth: { mode: local } }
database: { inMemory: true }
engine: { intervalSeconds: 1 }
allowEmpty: true
${extra}`,
  );
  return file;
}

const metricValue = async (port: number, line: RegExp): Promise<number | undefined> => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = text.split('\n').find((l) => line.test(l));
  return m === undefined ? undefined : Number(m.split(' ').pop());
};

test('serve: ready after the first tick, reloads good files, rejects bad ones and keeps running, stops on SIGTERM', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'costscale-serve-'));
  const port = await freePort();
  const file = await configFile(dir, port);
  const proc = startCostscale(['serve', '--config', file]);
  try {
    await waitForReady(proc, port);
    const verbose = await (await fetch(`http://127.0.0.1:${port}/readyz?verbose`)).text();
    expect(verbose).toContain('[+]first-tick ok');
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe('ok');

    // A bad file: rejected with file, path and reason in the log; the service keeps serving.
    await writeFile(file, 'engine: { intervalSeconds: -1 }\n');
    await waitFor('rejection logged', async () => /configuration rejected/.test(proc.output()));
    expect(proc.output()).toContain('engine.intervalSeconds');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(
      await metricValue(port, /^costscale_config_reloads_total\{outcome="failure"\}/),
    ).toBeGreaterThanOrEqual(1);

    // Defect 3 (issue 16): a truncated (empty) file is rejected like any bad one, naming the file.
    await writeFile(file, '');
    await waitFor('empty file rejected', async () => /the file is empty/.test(proc.output()));
    expect(proc.output()).toContain(`"file":"${file}"`);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(
      await metricValue(port, /^costscale_config_reloads_total\{outcome="failure"\}/),
    ).toBeGreaterThanOrEqual(2);

    // A good file applied on SIGHUP as well as on change.
    await configFile(dir, port, 'log: { level: debug }\n');
    await waitFor(
      'reload applied',
      async () =>
        ((await metricValue(port, /^costscale_config_reloads_total\{outcome="success"\}/)) ?? 0) >= 1,
    );
    proc.child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 500));
    expect(proc.child.exitCode).toBeNull();
  } finally {
    await proc.stop('SIGTERM');
  }
  expect(proc.child.exitCode).toBe(0);
  expect(proc.output()).toContain('"msg":"stopped"');
});

test('serve refuses an invalid config at start with exit code 2 and every problem', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'costscale-serve-'));
  const file = join(dir, 'bad.yaml');
  await writeFile(file, 'engine: { intervalSeconds: 0 }\nserver: { port: 99999 }\n');
  const r = await costscale(['serve', '--config', file]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('engine.intervalSeconds');
  expect(r.stderr).toContain('server.port');
});

test('SIGTERM at any moment of start-up leaves a real PostgreSQL consistent; migrate then completes', async () => {
  const url = await dbs.freshUrl();
  const dir = await mkdtemp(join(tmpdir(), 'costscale-sigterm-'));
  const port = await freePort();
  const file = await configFile(dir, port);
  for (const delayMs of [50, 150, 300, 600, 1200]) {
    const proc = startCostscale(['serve', '--config', file], { DATABASE_URL: url });
    await new Promise((r) => setTimeout(r, delayMs));
    await proc.stop('SIGTERM');
    // Each migration is all or nothing: either its bookkeeping row and all its tables, or neither.
    const db = openPostgres(url, 1);
    try {
      const applied = await db
        .query<{ version: number }>('SELECT version FROM schema_migrations')
        .catch(() => [] as { version: number }[]);
      const tables = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema='public' AND table_name='decisions'`,
      );
      expect(tables[0]?.n).toBe(applied.length > 0 ? 1 : 0);
    } finally {
      await db.close();
    }
  }
  const r = await costscale(['migrate'], { DATABASE_URL: url });
  expect(r.code).toBe(0);
  const db = openPostgres(url, 1);
  try {
    const versions = (
      await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY 1')
    ).map((v) => v.version);
    expect(versions).toEqual(loadMigrations().map((m) => m.version));
  } finally {
    await db.close();
  }
});
