import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbedded, openPostgres } from '../../adapter/src/store/db';
import { verifyApiKey } from '../../adapter/src/store/apiKeys';
import { costscale } from '../support/cli';
import { TestDatabases } from '../support/databases';
import { waitFor } from '../support/ports';
import { startRestHarness } from '../support/rest';

// `costscale apikey create|list|revoke` through the real binary (build first: npx tsc -b adapter),
// against a real PostgreSQL (DATABASE_URL) and the embedded one (the config file's data folder).

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

const TOKEN = /^csk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

test('real PostgreSQL: the token is printed once, stored hashed, authenticates, and stops working when revoked', async () => {
  const url = await dbs.freshUrl();
  const env = { DATABASE_URL: url };
  const created = await costscale(['apikey', 'create', '--role', 'operator', '--name', 'ci deploy'], env);
  expect(created.code).toBe(0);
  const token = created.stdout.trim();
  expect(token).toMatch(TOKEN);
  expect(created.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  expect(created.stderr).toMatch(/shown only now/);
  const prefix = TOKEN.exec(token)![1]!;

  const db = openPostgres(url, 2);
  const h = await startRestHarness(db);
  try {
    const rows = await db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE prefix = $1', [
      prefix,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token.slice(18));
    const whoami = await h.call('GET', '/api/v1/whoami', { as: { token } });
    expect(whoami.json).toEqual({ actor: `apikey:ci deploy#${prefix}`, kind: 'apikey', role: 'operator' });

    const list = await costscale(['apikey', 'list'], env);
    expect(list.code).toBe(0);
    const line = list.stdout.split('\n').find((l) => l.includes(prefix))!;
    expect(line).toMatch(/operator\s+ci deploy/);
    expect(list.stdout).not.toContain(token.slice(18));
    const json = JSON.parse((await costscale(['apikey', 'list', '--json'], env)).stdout) as Array<
      Record<string, unknown>
    >;
    const listed = json.find((k) => k.prefix === prefix)!;
    expect(listed).toMatchObject({ name: 'ci deploy', role: 'operator', revokedAt: null });
    expect(Object.keys(listed)).not.toContain('hash');

    const revoked = await costscale(['apikey', 'revoke', prefix], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(prefix);
    // The API remembers a verified key for at most 5 s.
    await waitFor(
      'revocation',
      async () => (await h.call('GET', '/api/v1/whoami', { as: { token } })).status === 401,
      10_000,
    );
    expect((await costscale(['apikey', 'list', '--json'], env)).stdout).not.toContain(prefix);
    expect((await costscale(['apikey', 'list', '--all'], env)).stdout).toContain(prefix);

    const audit = await db.query<{ actor: string; action: string }>(
      'SELECT actor, action FROM audit_log ORDER BY id',
    );
    expect(audit.map((a) => a.action)).toEqual(['apikey.create', 'apikey.revoke']);
    expect(audit.every((a) => a.actor.startsWith('cli:'))).toBe(true);
  } finally {
    await h.close();
    await db.close();
  }
});

test('embedded PostgreSQL from the config file; usage errors exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'costscale-apikey-'));
  const config = join(dir, 'config.yaml');
  await writeFile(config, 'database: { dataDir: pg }\nallowEmpty: true\n');
  const args = (...a: string[]) => ['apikey', ...a, '--config', config];

  const created = await costscale(args('create', '--role', 'admin', '--json'));
  expect(created.code).toBe(0);
  const key = JSON.parse(created.stdout) as { id: number; token: string; role: string; prefix: string };
  expect(key).toMatchObject({ role: 'admin', prefix: TOKEN.exec(key.token)![1] });
  expect((await costscale(args('create', '--role', 'viewer', '--name', 'grafana'))).code).toBe(0);
  expect((await costscale(args('revoke', String(key.id)))).code).toBe(0);

  const missingRole = await costscale(args('create'));
  expect(missingRole.code).toBe(2);
  expect(missingRole.stderr).toMatch(/--role/);
  const badRole = await costscale(args('create', '--role', 'root'));
  expect(badRole.code).toBe(2);
  expect(badRole.stderr).toMatch(/viewer, operator, admin/);
  const unknown = await costscale(args('revoke', '999'));
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('no API key 999');
  expect((await costscale(args('revoke', 'not-a-key'))).code).toBe(2);

  const db = await openEmbedded(join(dir, 'pg'));
  try {
    expect(await verifyApiKey(db, key.token)).toBeUndefined();
    const names = await db.query<{ name: string; revoked: boolean }>(
      'SELECT name, revoked_at IS NOT NULL AS revoked FROM api_keys ORDER BY id',
    );
    expect(names).toEqual([
      { name: 'unnamed', revoked: true },
      { name: 'grafana', revoked: false },
    ]);
  } finally {
    await db.close();
  }
});
