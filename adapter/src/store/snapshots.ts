import type { Snapshot } from '../engine/snapshot';
import type { Queryable } from './db';

// The leader's latest snapshot, for followers to serve (one row, replaced each tick).

export async function saveSnapshot(db: Queryable, holder: string, snapshot: Snapshot): Promise<void> {
  await db.query(
    `INSERT INTO snapshots (id, holder, generated_at, body) VALUES (1, $1, $2::timestamptz, $3::jsonb)
     ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, generated_at = EXCLUDED.generated_at, body = EXCLUDED.body`,
    [holder, new Date(snapshot.generatedAt).toISOString(), JSON.stringify(snapshot)],
  );
}

export async function loadSnapshot(
  db: Queryable,
): Promise<{ holder: string; snapshot: Snapshot } | undefined> {
  const rows = await db.query<{ holder: string; body: Snapshot }>(
    'SELECT holder, body FROM snapshots WHERE id = 1',
  );
  const row = rows[0];
  return row === undefined ? undefined : { holder: row.holder, snapshot: row.body };
}
