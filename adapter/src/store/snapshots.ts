import { z } from 'zod';
import { parseSnapshotInSlices } from '../snapshot/schema';
import { snapshotJson, type Snapshot } from '../snapshot/snapshot';
import type { Queryable } from './db';

// The leader's latest snapshot, for followers to serve (one row, replaced each tick).

export async function saveSnapshot(db: Queryable, holder: string, snapshot: Snapshot): Promise<void> {
  await db.query(
    `INSERT INTO snapshots (id, holder, generated_at, body) VALUES (1, $1, $2::timestamptz, $3::jsonb)
     ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, generated_at = EXCLUDED.generated_at, body = EXCLUDED.body`,
    [holder, new Date(snapshot.generatedAt).toISOString(), snapshotJson(snapshot)],
  );
}

/** The snapshots table as the leader's channel to followers. */
export function snapshotExchange(db: Queryable): {
  save(holder: string, snapshot: Snapshot): Promise<void>;
  load(): Promise<StoredSnapshot | undefined>;
} {
  return { save: (holder, snapshot) => saveSnapshot(db, holder, snapshot), load: () => loadSnapshot(db) };
}

/** The stored snapshot, or why the stored row cannot be served (say, written by another version). */
export type StoredSnapshot =
  | { readonly holder: string; readonly snapshot: Snapshot }
  | { readonly holder: string; readonly invalid: string };

export async function loadSnapshot(db: Queryable): Promise<StoredSnapshot | undefined> {
  const rows = await db.query<{ holder: string; body: unknown }>(
    'SELECT holder, body FROM snapshots WHERE id = 1',
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  // The driver parses the jsonb column in one piece; the entries are checked a slice at a time, so a
  // follower keeps serving meanwhile (issue 16).
  const parsed = await parseSnapshotInSlices(row.body);
  return parsed.success
    ? { holder: row.holder, snapshot: parsed.data }
    : { holder: row.holder, invalid: z.prettifyError(parsed.error) };
}
