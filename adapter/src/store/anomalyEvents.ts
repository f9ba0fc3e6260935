import type { Queryable } from './db';

// Anomaly episodes of a policy's signals: a row when one starts, completed (end, final peak) when it
// ends. Recording is idempotent per episode start, so an end whose start was never written still lands.

export interface AnomalyEventRecord {
  readonly namespace: string;
  readonly policy: string;
  readonly signal: string;
  readonly startedAt: number;
  /** Null while the episode lasts. */
  readonly endedAt: number | null;
  readonly peakScore: number;
  readonly expectedLow: number;
  readonly expectedHigh: number;
}

export interface StoredAnomalyEvent extends AnomalyEventRecord {
  readonly id: number;
}

export async function recordAnomalyEvent(db: Queryable, e: AnomalyEventRecord): Promise<void> {
  await db.query(
    `INSERT INTO anomaly_events (namespace, policy, signal, started_at, ended_at, peak_score, expected_low, expected_high)
     VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz, $6, $7, $8)
     ON CONFLICT (namespace, policy, signal, started_at) DO UPDATE
       SET ended_at = EXCLUDED.ended_at, peak_score = GREATEST(anomaly_events.peak_score, EXCLUDED.peak_score)`,
    [
      e.namespace,
      e.policy,
      e.signal,
      new Date(e.startedAt).toISOString(),
      e.endedAt === null ? null : new Date(e.endedAt).toISOString(),
      e.peakScore,
      e.expectedLow,
      e.expectedHigh,
    ],
  );
}

export interface AnomalyEventQuery {
  readonly namespace?: string;
  readonly policy?: string;
  readonly signal?: string;
  /** Epoch ms: episodes that started at or after it. */
  readonly from?: number;
  /** Epoch ms: episodes that started before it. */
  readonly to?: number;
  /**
   * true: episodes without an end that started after `openSince`; false: the others. An episode never
   * lasts longer than the detector's maximum, so an end lost to a restart does not keep it open.
   */
  readonly active?: { readonly is: boolean; readonly openSince: number };
  /** Keyset pagination: episodes strictly older than this (startedAt, id). */
  readonly before?: { readonly startedAt: number; readonly id: number };
  readonly limit: number;
}

interface Row {
  id: number | string;
  namespace: string;
  policy: string;
  signal: string;
  started_at: Date | string;
  ended_at: Date | string | null;
  peak_score: number;
  expected_low: number;
  expected_high: number;
}

const COLUMNS =
  'id, namespace, policy, signal, started_at, ended_at, peak_score, expected_low, expected_high';

const fromRow = (r: Row): StoredAnomalyEvent => ({
  id: Number(r.id),
  namespace: r.namespace,
  policy: r.policy,
  signal: r.signal,
  startedAt: new Date(r.started_at).getTime(),
  endedAt: r.ended_at === null ? null : new Date(r.ended_at).getTime(),
  peakScore: Number(r.peak_score),
  expectedLow: Number(r.expected_low),
  expectedHigh: Number(r.expected_high),
});

/** Episodes newest first. */
export async function listAnomalyEvents(db: Queryable, q: AnomalyEventQuery): Promise<StoredAnomalyEvent[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  if (q.namespace !== undefined) where.push(`namespace = ${param(q.namespace)}`);
  if (q.policy !== undefined) where.push(`policy = ${param(q.policy)}`);
  if (q.signal !== undefined) where.push(`signal = ${param(q.signal)}`);
  if (q.from !== undefined) where.push(`started_at >= ${param(iso(q.from))}::timestamptz`);
  if (q.to !== undefined) where.push(`started_at < ${param(iso(q.to))}::timestamptz`);
  if (q.active !== undefined) {
    const open = `(ended_at IS NULL AND started_at > ${param(iso(q.active.openSince))}::timestamptz)`;
    where.push(q.active.is ? open : `NOT ${open}`);
  }
  if (q.before !== undefined) {
    where.push(`(started_at, id) < (${param(iso(q.before.startedAt))}::timestamptz, ${param(q.before.id)})`);
  }
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM anomaly_events
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY started_at DESC, id DESC LIMIT ${param(q.limit)}`,
    params,
  );
  return rows.map(fromRow);
}

export async function getAnomalyEvent(db: Queryable, id: number): Promise<StoredAnomalyEvent | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM anomaly_events WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/**
 * Retention: deletes episodes that ended (or, without a recorded end, started) before the cutoff;
 * returns how many went.
 */
export async function pruneAnomalyEvents(db: Queryable, olderThanMs: number): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM anomaly_events WHERE COALESCE(ended_at, started_at) < $1::timestamptz RETURNING 1
     ) SELECT count(*)::integer AS n FROM gone`,
    [new Date(olderThanMs).toISOString()],
  );
  return rows[0]?.n ?? 0;
}
