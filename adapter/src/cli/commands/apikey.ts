import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { loadConfigFile } from '../../config/load';
import { databaseSchema } from '../../config/schema';
import {
  API_KEY_ROLES,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKey,
  type ApiKeyRole,
} from '../../store/apiKeys';
import { recordAudit } from '../../store/audit';
import { openDatabase, type Database } from '../../store/db';
import { migrate } from '../../store/migrate';
import { InputError } from '../errors';

// `costscale apikey create|list|revoke`: API keys for the REST API, written straight to the database
// (DATABASE_URL, or the database section of --config) with an audit record naming the OS user. The
// token is printed once, on stdout alone, so it can be captured by a script; it is not stored.

interface DatabaseOptions {
  config?: string;
}

async function withDatabase<T>(opts: DatabaseOptions, run: (db: Database) => Promise<T>): Promise<T> {
  const settings = opts.config ? loadConfigFile(opts.config).config.database : databaseSchema.parse({});
  const db = await openDatabase(settings);
  try {
    await migrate(db);
    return await run(db);
  } finally {
    await db.close();
  }
}

function actor(): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = String(process.getuid?.() ?? 'unknown');
  }
  return `cli:${name}`;
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const iso = (ms: number | null): string => isoOrNull(ms) ?? '-';
const keyJson = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  createdAt: iso(k.createdAt),
  revokedAt: isoOrNull(k.revokedAt),
  lastUsedAt: isoOrNull(k.lastUsedAt),
});

/** A key id (number) or prefix (12 hex digits). */
function keyReference(key: string): number | string {
  if (/^[0-9]{1,15}$/.test(key)) return Number(key);
  if (/^[0-9a-f]{12}$/.test(key)) return key;
  throw new InputError(`"${key}" is neither a key id nor a key prefix`);
}

export function registerApikeyCommand(program: Command): void {
  const apikey = program
    .command('apikey')
    .description('manage REST API keys (viewer reads; operator also sets overrides; admin also edits)');
  const configOption = (): Option =>
    new Option('-c, --config <file>', 'configuration file (for its database section)');

  apikey
    .command('create')
    .description('create a key and print its token once')
    .addOption(
      new Option('--role <role>', 'what the key may do').choices(API_KEY_ROLES).makeOptionMandatory(),
    )
    .option('--name <name>', 'who or what the key is for', 'unnamed')
    .option('--json', 'print the key as JSON (with its token)')
    .addOption(configOption())
    .action(async (opts: DatabaseOptions & { role: ApiKeyRole; name: string; json?: boolean }) => {
      const name = opts.name.trim();
      if (name === '' || name.length > 100) throw new InputError('--name must be 1 to 100 characters');
      const created = await withDatabase(opts, (db) =>
        db.transaction(async (tx) => {
          const now = Date.now();
          const c = await createApiKey(tx, { name, role: opts.role }, now);
          await recordAudit(
            tx,
            {
              actor: actor(),
              role: 'admin',
              action: 'apikey.create',
              resource: `apikeys/${c.key.id}`,
              before: null,
              after: keyJson(c.key),
            },
            now,
          );
          return c;
        }),
      );
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...keyJson(created.key), token: created.token })}\n`);
      } else {
        process.stdout.write(`${created.token}\n`);
        process.stderr.write(
          `created API key ${created.key.id} (${created.key.prefix}, ${created.key.role}); ` +
            'the token above is shown only now: store it in a secret\n',
        );
      }
    });

  apikey
    .command('list')
    .description('list keys (never their secrets)')
    .option('--all', 'include revoked keys')
    .option('--json', 'print JSON')
    .addOption(configOption())
    .action(async (opts: DatabaseOptions & { all?: boolean; json?: boolean }) => {
      const keys = await withDatabase(opts, (db) => listApiKeys(db, opts.all === true));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(keys.map(keyJson))}\n`);
        return;
      }
      const rows = [
        ['ID', 'PREFIX', 'ROLE', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'],
        ...keys.map((k) => [
          String(k.id),
          k.prefix,
          k.role,
          k.name,
          iso(k.createdAt),
          iso(k.lastUsedAt),
          iso(k.revokedAt),
        ]),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const r of rows)
        process.stdout.write(
          `${r
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd()}\n`,
        );
    });

  apikey
    .command('revoke')
    .description('revoke a key by id or prefix (takes effect within seconds)')
    .argument('<key>', 'the key id or its prefix')
    .addOption(configOption())
    .action(async (key: string, opts: DatabaseOptions) => {
      const id = keyReference(key);
      const revoked = await withDatabase(opts, (db) =>
        db.transaction(async (tx) => {
          const now = Date.now();
          // A prefix of 12 decimal digits also reads as an id; then either may be meant.
          const r =
            (await revokeApiKey(tx, id, now)) ??
            (typeof id === 'number' && /^[0-9a-f]{12}$/.test(key)
              ? await revokeApiKey(tx, key, now)
              : undefined);
          if (r === undefined) return undefined;
          await recordAudit(
            tx,
            {
              actor: actor(),
              role: 'admin',
              action: 'apikey.revoke',
              resource: `apikeys/${r.after.id}`,
              before: keyJson(r.before),
              after: keyJson(r.after),
            },
            now,
          );
          return r;
        }),
      );
      if (revoked === undefined) throw new InputError(`no API key ${key}`);
      process.stdout.write(`revoked API key ${revoked.after.id} (${revoked.after.prefix})\n`);
    });
}
