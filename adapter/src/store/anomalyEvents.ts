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

/** Episodes that started at or after `since`, newest first. */
export async function listAnomalyEvents(
  db: Queryable,
  filter: { namespace?: string; policy?: string; since: number; limit: number },
): Promise<AnomalyEventRecord[]> {
  const rows = await db.query<{
    namespace: string;
    policy: string;
    signal: string;
    started_at: Date | string;
    ended_at: Date | string | null;
    peak_score: number;
    expected_low: number;
    expected_high: number;
  }>(
    `SELECT namespace, policy, signal, started_at, ended_at, peak_score, expected_low, expected_high
       FROM anomaly_events
      WHERE started_at >= $1::timestamptz AND ($2::text IS NULL OR namespace = $2) AND ($3::text IS NULL OR policy = $3)
      ORDER BY started_at DESC, id DESC
      LIMIT $4`,
    [new Date(filter.since).toISOString(), filter.namespace ?? null, filter.policy ?? null, filter.limit],
  );
  return rows.map((r) => ({
    namespace: r.namespace,
    policy: r.policy,
    signal: r.signal,
    startedAt: new Date(r.started_at).getTime(),
    endedAt: r.ended_at === null ? null : new Date(r.ended_at).getTime(),
    peakScore: Number(r.peak_score),
    expectedLow: Number(r.expected_low),
    expectedHigh: Number(r.expected_high),
  }));
}
