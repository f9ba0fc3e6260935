import { budgetSchema, type Budget } from '../config/schema';
import type { Queryable } from './db';
import type { InvalidStoredItem } from './policies';

// Budgets created through the REST API live in the `budgets` table beside the configuration file's;
// the spec is stored as given (validated), like API-managed policies.

export interface StoredBudget {
  name: string;
  /** The spec as submitted (budget schema input). */
  spec: unknown;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
}

interface Row {
  name: string;
  spec: unknown;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = 'name, spec, created_at, updated_at';

function fromRow(r: Row): StoredBudget {
  return {
    name: r.name,
    spec: r.spec,
    createdAt: new Date(r.created_at).getTime(),
    updatedAt: new Date(r.updated_at).getTime(),
  };
}

export async function listStoredBudgets(db: Queryable): Promise<StoredBudget[]> {
  return (await db.query<Row>(`SELECT ${COLUMNS} FROM budgets ORDER BY name`)).map(fromRow);
}

/** `forUpdate` locks the row until the surrounding transaction ends. */
export async function getStoredBudget(
  db: Queryable,
  name: string,
  forUpdate = false,
): Promise<StoredBudget | undefined> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM budgets WHERE name = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [name],
  );
  return rows[0] && fromRow(rows[0]);
}

/** Undefined when a budget with that name already exists. */
export async function insertStoredBudget(
  db: Queryable,
  name: string,
  spec: unknown,
  at: number,
): Promise<StoredBudget | undefined> {
  const rows = await db.query<Row>(
    `INSERT INTO budgets (name, spec, created_at, updated_at)
     VALUES ($1, $2::jsonb, $3::timestamptz, $3::timestamptz)
     ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
    [name, JSON.stringify(spec), new Date(at).toISOString()],
  );
  return rows[0] && fromRow(rows[0]);
}

/** Undefined when no such budget exists. */
export async function updateStoredBudget(
  db: Queryable,
  name: string,
  spec: unknown,
  at: number,
): Promise<StoredBudget | undefined> {
  const rows = await db.query<Row>(
    `UPDATE budgets SET spec = $2::jsonb, updated_at = $3::timestamptz WHERE name = $1 RETURNING ${COLUMNS}`,
    [name, JSON.stringify(spec), new Date(at).toISOString()],
  );
  return rows[0] && fromRow(rows[0]);
}

export async function deleteStoredBudget(db: Queryable, name: string): Promise<StoredBudget | undefined> {
  const rows = await db.query<Row>(`DELETE FROM budgets WHERE name = $1 RETURNING ${COLUMNS}`, [name]);
  return rows[0] && fromRow(rows[0]);
}

/** The API-managed budgets, validated with the configuration schema; rejected specs in `invalid`. */
export async function loadManagedBudgets(
  db: Queryable,
): Promise<{ budgets: Budget[]; invalid: InvalidStoredItem[] }> {
  const budgets: Budget[] = [];
  const invalid: InvalidStoredItem[] = [];
  for (const stored of await listStoredBudgets(db)) {
    const parsed = budgetSchema.safeParse(stored.spec);
    if (!parsed.success) {
      invalid.push({ key: stored.name, error: parsed.error.issues.map((i) => i.message).join('; ') });
    } else if (parsed.data.name !== stored.name) {
      invalid.push({ key: stored.name, error: `spec names ${parsed.data.name}` });
    } else {
      budgets.push(parsed.data);
    }
  }
  return { budgets, invalid };
}
