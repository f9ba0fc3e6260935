import type { ReplicaOverride } from '../domain/decide';
import type { Queryable } from './db';

// Manual replica overrides set through the REST API (one per policy, with an expiry). The engine
// feeds the active ones into decide(), where an override wins over every other bound.

export interface StoredOverride {
  namespace: string;
  policy: string;
  replicas: number;
  /** Epoch ms. */
  expiresAt: number;
  reason: string;
  createdBy: string;
  createdAt: number;
}

interface Row {
  namespace: string;
  policy: string;
  replicas: number;
  expires_at: Date | string;
  reason: string;
  created_by: string;
  created_at: Date | string;
}

const COLUMNS = 'namespace, policy, replicas, expires_at, reason, created_by, created_at';

function fromRow(r: Row): StoredOverride {
  return {
    namespace: r.namespace,
    policy: r.policy,
    replicas: r.replicas,
    expiresAt: new Date(r.expires_at).getTime(),
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).getTime(),
  };
}

/** Sets (or replaces) the policy's override. */
export async function setOverride(db: Queryable, o: StoredOverride): Promise<StoredOverride> {
  const rows = await db.query<Row>(
    `INSERT INTO overrides (namespace, policy, replicas, expires_at, reason, created_by, created_at)
     VALUES ($1, $2, $3, $4::timestamptz, $5, $6, $7::timestamptz)
     ON CONFLICT (namespace, policy) DO UPDATE SET replicas = EXCLUDED.replicas,
       expires_at = EXCLUDED.expires_at, reason = EXCLUDED.reason, created_by = EXCLUDED.created_by,
       created_at = EXCLUDED.created_at
     RETURNING ${COLUMNS}`,
    [
      o.namespace,
      o.policy,
      o.replicas,
      new Date(o.expiresAt).toISOString(),
      o.reason,
      o.createdBy,
      new Date(o.createdAt).toISOString(),
    ],
  );
  return fromRow(rows[0]!);
}

/** The policy's override, expired or not; `forUpdate` locks it until the transaction ends. */
export async function getOverride(
  db: Queryable,
  namespace: string,
  policy: string,
  forUpdate = false,
): Promise<StoredOverride | undefined> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM overrides WHERE namespace = $1 AND policy = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [namespace, policy],
  );
  return rows[0] && fromRow(rows[0]);
}

/** Removes the policy's override; returns it, or undefined when there was none. */
export async function clearOverride(
  db: Queryable,
  namespace: string,
  policy: string,
): Promise<StoredOverride | undefined> {
  const rows = await db.query<Row>(
    `DELETE FROM overrides WHERE namespace = $1 AND policy = $2 RETURNING ${COLUMNS}`,
    [namespace, policy],
  );
  return rows[0] && fromRow(rows[0]);
}

/** Overrides not expired at `nowMs`, ordered by namespace and policy. */
export async function listActiveOverrides(db: Queryable, nowMs: number): Promise<StoredOverride[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM overrides WHERE expires_at > $1::timestamptz ORDER BY namespace, policy`,
    [new Date(nowMs).toISOString()],
  );
  return rows.map(fromRow);
}

/** Active overrides keyed `namespace/policy`, in the shape decide() takes. */
export async function activeOverrides(db: Queryable, nowMs: number): Promise<Map<string, ReplicaOverride>> {
  return new Map(
    (await listActiveOverrides(db, nowMs)).map((o) => [
      `${o.namespace}/${o.policy}`,
      { replicas: o.replicas, expiresAt: o.expiresAt, reason: o.reason },
    ]),
  );
}
