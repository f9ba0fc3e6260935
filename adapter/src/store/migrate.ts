import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './db';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The SQL files in adapter/migrations, named NNNN_name.sql, in version order. */
export function loadMigrations(dir = join(__dirname, '..', '..', 'migrations')): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 4)),
      name: f.slice(5, -4),
      sql: readFileSync(join(dir, f), 'utf8'),
    }));
}

/**
 * Applies pending migrations, each in its own transaction together with its bookkeeping row, so a
 * crash leaves either all of a migration or none of it. An advisory lock serialises concurrent
 * replicas starting at once. Returns the versions applied.
 */
export async function migrate(db: Database, migrations = loadMigrations()): Promise<number[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7152024)');
      const rows = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length > 0) return false;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

/** Splits a migration file on statement-ending semicolons (our migrations use no function bodies). */
export function splitStatements(sql: string): string[] {
  return sql
    .replace(/--[^\n]*/g, '')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
