import { policySchema, type Policy } from '../config/schema';
import type { Queryable } from './db';

// Policies created through the REST API live in the `policies` table beside the configuration file's.
// The spec is stored as it was given (validated), so defaults added to the schema later still apply.

export interface StoredPolicy {
  namespace: string;
  name: string;
  /** The spec as submitted (policy schema input). */
  spec: unknown;
  /** Starts at 1; incremented by each update. */
  version: number;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
}

interface Row {
  namespace: string;
  name: string;
  spec: unknown;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = 'namespace, name, spec, version, created_at, updated_at';

function fromRow(r: Row): StoredPolicy {
  return {
    namespace: r.namespace,
    name: r.name,
    spec: r.spec,
    version: r.version,
    createdAt: new Date(r.created_at).getTime(),
    updatedAt: new Date(r.updated_at).getTime(),
  };
}

export async function listStoredPolicies(db: Queryable): Promise<StoredPolicy[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM policies ORDER BY namespace, name`);
  return rows.map(fromRow);
}

/** `forUpdate` locks the row until the surrounding transaction ends. */
export async function getStoredPolicy(
  db: Queryable,
  namespace: string,
  name: string,
  forUpdate = false,
): Promise<StoredPolicy | undefined> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM policies WHERE namespace = $1 AND name = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [namespace, name],
  );
  return rows[0] && fromRow(rows[0]);
}

/** Undefined when a policy with that namespace and name already exists. */
export async function insertStoredPolicy(
  db: Queryable,
  namespace: string,
  name: string,
  spec: unknown,
  at: number,
): Promise<StoredPolicy | undefined> {
  const rows = await db.query<Row>(
    `INSERT INTO policies (namespace, name, spec, created_at, updated_at)
     VALUES ($1, $2, $3::jsonb, $4::timestamptz, $4::timestamptz)
     ON CONFLICT (namespace, name) DO NOTHING RETURNING ${COLUMNS}`,
    [namespace, name, JSON.stringify(spec), new Date(at).toISOString()],
  );
  return rows[0] && fromRow(rows[0]);
}

/** Undefined when no such policy exists. */
export async function updateStoredPolicy(
  db: Queryable,
  namespace: string,
  name: string,
  spec: unknown,
  at: number,
): Promise<StoredPolicy | undefined> {
  const rows = await db.query<Row>(
    `UPDATE policies SET spec = $3::jsonb, version = version + 1, updated_at = $4::timestamptz
     WHERE namespace = $1 AND name = $2 RETURNING ${COLUMNS}`,
    [namespace, name, JSON.stringify(spec), new Date(at).toISOString()],
  );
  return rows[0] && fromRow(rows[0]);
}

/** The deleted policy, or undefined when there was none. */
export async function deleteStoredPolicy(
  db: Queryable,
  namespace: string,
  name: string,
): Promise<StoredPolicy | undefined> {
  const rows = await db.query<Row>(
    `DELETE FROM policies WHERE namespace = $1 AND name = $2 RETURNING ${COLUMNS}`,
    [namespace, name],
  );
  return rows[0] && fromRow(rows[0]);
}

export interface InvalidStoredItem {
  /** `namespace/name` for policies, the name for budgets. */
  key: string;
  error: string;
}

/**
 * The API-managed policies, validated with the configuration schema. A stored spec the current schema
 * rejects (e.g. after an upgrade) is returned in `invalid` rather than dropped silently.
 */
export async function loadManagedPolicies(
  db: Queryable,
): Promise<{ policies: Policy[]; invalid: InvalidStoredItem[] }> {
  const policies: Policy[] = [];
  const invalid: InvalidStoredItem[] = [];
  for (const stored of await listStoredPolicies(db)) {
    const parsed = policySchema.safeParse(stored.spec);
    const key = `${stored.namespace}/${stored.name}`;
    if (!parsed.success) {
      invalid.push({ key, error: parsed.error.issues.map((i) => i.message).join('; ') });
    } else if (parsed.data.namespace !== stored.namespace || parsed.data.name !== stored.name) {
      invalid.push({ key, error: `spec names ${parsed.data.namespace}/${parsed.data.name}` });
    } else {
      policies.push(parsed.data);
    }
  }
  return { policies, invalid };
}
