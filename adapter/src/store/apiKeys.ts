import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from './db';

// API keys for the REST API. A key is `csk_<prefix>_<secret>`: the prefix (48 random bits, hex) finds
// the row, the secret (256 random bits) proves possession. Only SHA-256 of the whole key is stored:
// with 256 bits of entropy a slow password hash would add per-request cost and no protection.

export const API_KEY_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  /** Epoch ms. */
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

const KEY_PATTERN = /^csk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A new random key: the token to hand out once, and what is stored of it. */
export function generateApiKey(random: (n: number) => Buffer = randomBytes): {
  token: string;
  prefix: string;
  hash: string;
} {
  const prefix = random(6).toString('hex');
  const token = `csk_${prefix}_${random(32).toString('base64url')}`;
  return { token, prefix, hash: hashApiKey(token) };
}

export function hashApiKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The prefix of a well-formed key, else undefined (the token is then not one of ours). */
export function apiKeyPrefix(token: string): string | undefined {
  return KEY_PATTERN.exec(token)?.[1];
}

/** Constant-time comparison of a presented token with a stored hash. */
export function apiKeyMatches(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

interface Row {
  id: number;
  name: string;
  prefix: string;
  hash: string;
  role: ApiKeyRole;
  created_at: Date | string;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
}

const COLUMNS = 'id, name, prefix, hash, role, created_at, revoked_at, last_used_at';
const ms = (v: Date | string | null): number | null => (v === null ? null : new Date(v).getTime());

function fromRow(r: Row): ApiKey {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    role: r.role,
    createdAt: new Date(r.created_at).getTime(),
    revokedAt: ms(r.revoked_at),
    lastUsedAt: ms(r.last_used_at),
  };
}

/** Creates a key; the returned token is the only time the secret exists outside the caller. */
export async function createApiKey(
  db: Queryable,
  input: { name: string; role: ApiKeyRole },
  at: number,
): Promise<{ key: ApiKey; token: string }> {
  const { token, prefix, hash } = generateApiKey();
  const rows = await db.query<Row>(
    `INSERT INTO api_keys (name, prefix, hash, role, created_at) VALUES ($1, $2, $3, $4, $5::timestamptz)
     RETURNING ${COLUMNS}`,
    [input.name, prefix, hash, input.role, new Date(at).toISOString()],
  );
  return { key: fromRow(rows[0]!), token };
}

/** Newest first; revoked keys only when asked for. */
export async function listApiKeys(db: Queryable, includeRevoked = false): Promise<ApiKey[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM api_keys ${includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY id DESC`,
  );
  return rows.map(fromRow);
}

export async function getApiKey(db: Queryable, id: number): Promise<ApiKey | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  return rows[0] && fromRow(rows[0]);
}

/**
 * The active key a token names, if the token's secret matches; undefined for unknown, revoked or
 * mismatching tokens (the caller cannot tell which, and neither can an attacker).
 */
export async function verifyApiKey(db: Queryable, token: string): Promise<ApiKey | undefined> {
  const prefix = apiKeyPrefix(token);
  if (prefix === undefined) return undefined;
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM api_keys WHERE prefix = $1`, [prefix]);
  const row = rows[0];
  if (row === undefined || row.revoked_at !== null || !apiKeyMatches(token, row.hash)) return undefined;
  return fromRow(row);
}

/** Revokes by id or prefix; returns the key as it was before, or undefined when there is none. */
export async function revokeApiKey(
  db: Queryable,
  idOrPrefix: number | string,
  at: number,
): Promise<{ before: ApiKey; after: ApiKey } | undefined> {
  const column = typeof idOrPrefix === 'number' ? 'id' : 'prefix';
  const found = await db.query<Row>(`SELECT ${COLUMNS} FROM api_keys WHERE ${column} = $1 FOR UPDATE`, [
    idOrPrefix,
  ]);
  if (found[0] === undefined) return undefined;
  const rows = await db.query<Row>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2::timestamptz) WHERE id = $1 RETURNING ${COLUMNS}`,
    [found[0].id, new Date(at).toISOString()],
  );
  return { before: fromRow(found[0]), after: fromRow(rows[0]!) };
}

export async function touchApiKey(db: Queryable, id: number, at: number): Promise<void> {
  await db.query(`UPDATE api_keys SET last_used_at = $2::timestamptz WHERE id = $1`, [
    id,
    new Date(at).toISOString(),
  ]);
}
