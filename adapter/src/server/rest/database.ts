import type { Database, Queryable } from '../../store/db';

// The REST API's view of the database: every failure of a query or a commit becomes
// DatabaseUnavailable, which the API answers with 503 and read-only views answer from memory.

/** Database errors surface as 503, never as a generic 500: the client can retry. */
export class DatabaseUnavailable extends Error {}

function guardQueries(q: Queryable): Queryable {
  return {
    query: async <T>(sql: string, params?: unknown[]) => {
      try {
        return await q.query<T>(sql, params);
      } catch (err) {
        throw new DatabaseUnavailable((err as Error).message);
      }
    },
  };
}

export function guardDatabase(db: Database): Database {
  return {
    kind: db.kind,
    query: guardQueries(db).query,
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      let inner: unknown;
      try {
        return await db.transaction(async (tx) => {
          try {
            return await fn(guardQueries(tx));
          } catch (err) {
            inner = err;
            throw err;
          }
        });
      } catch (err) {
        if (err === inner) throw err;
        throw new DatabaseUnavailable((err as Error).message);
      }
    },
  };
}
