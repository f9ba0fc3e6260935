import { openEmbedded, openPostgres, type Database } from '../../adapter/src/store/db';
import { startPostgres, type PostgresHandle } from './postgres';

export type DatabaseKind = 'embedded' | 'postgres';
export const DATABASE_KINDS: DatabaseKind[] = ['embedded', 'postgres'];

/**
 * A fresh empty database of the given kind per call: an in-memory PGlite, or a new database in one
 * real PostgreSQL server shared by the test file (started on first use, destroyed by `shutdown`).
 */
export class TestDatabases {
  private server: PostgresHandle | undefined;
  private counter = 0;
  private readonly open: Database[] = [];

  async fresh(kind: DatabaseKind): Promise<Database> {
    const db = kind === 'embedded' ? await openEmbedded(undefined) : openPostgres(await this.freshUrl());
    this.open.push(db);
    return db;
  }

  /** A URL of a new, empty database on the real server. */
  async freshUrl(): Promise<string> {
    this.server ??= await startPostgres();
    const name = `t${process.pid}_${++this.counter}`;
    const admin = openPostgres(this.server.url, 1);
    try {
      await admin.exec(`CREATE DATABASE ${name}`);
    } finally {
      await admin.close();
    }
    return this.server.url.replace(/\/postgres$/, `/${name}`);
  }

  get postgres(): PostgresHandle | undefined {
    return this.server;
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.open.map((db) => db.close().catch(() => undefined)));
    await this.server?.destroy();
  }
}
