import { mkdirSync } from 'node:fs';
import { Pool, types } from 'pg';
import { PGlite } from '@electric-sql/pglite';

// One interface over a real PostgreSQL (pg pool) and the embedded one (PGlite), so the repository
// layer runs the same SQL on both.

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'embedded';
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// int8 (bigserial ids, counts) as JS numbers: ids stay far below 2^53 in practice.
types.setTypeParser(20, (v) => Number(v));

export function openPostgres(url: string, poolSize = 10): Database {
  const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Embedded PostgreSQL (PGlite, WebAssembly) in `dataDir`, or in memory when dataDir is undefined. */
export async function openEmbedded(dataDir: string | undefined): Promise<Database> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await db.waitReady;
  return {
    kind: 'embedded',
    async query<T>(sql: string, params?: unknown[]) {
      return (await db.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return db.transaction((tx) =>
        fn({ query: async <R>(sql: string, params?: unknown[]) => (await tx.query<R>(sql, params)).rows }),
      );
    },
    close: () => db.close(),
  };
}

export interface DatabaseSettings {
  url?: string;
  dataDir: string;
  inMemory: boolean;
  poolSize: number;
}

/** DATABASE_URL (or database.url) selects a real PostgreSQL; otherwise the embedded one. */
export async function openDatabase(settings: DatabaseSettings, env = process.env): Promise<Database> {
  const url = env.DATABASE_URL || settings.url;
  if (url) return openPostgres(url, settings.poolSize);
  return openEmbedded(settings.inMemory ? undefined : settings.dataDir);
}
