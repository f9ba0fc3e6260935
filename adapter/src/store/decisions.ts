import type { Queryable } from './db';
import type { CompactResult, KeptInput } from '../domain/explainDecision';
import { explainedHeld } from '../snapshot/decisionColumns';

/** A decision as the engine hands it over, rendered into its stored form when written (storedDecision). */
export interface PendingDecision {
  readonly namespace: string;
  readonly policy: string;
  /** Epoch ms of the tick. */
  readonly decidedAt: number;
  readonly result: CompactResult;
  readonly input: KeptInput;
  readonly distribution: RecordedDistribution | null;
}

/** Three quantiles of the peak-demand distribution the decision was given. */
export interface RecordedDistribution {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** The stored form: the inputs with their distribution's quantiles, the decision with its explanation. */
export function storedDecision(p: PendingDecision): DecisionRecord {
  return {
    namespace: p.namespace,
    policy: p.policy,
    decidedAt: p.decidedAt,
    replicas: p.result.ok ? p.result.decision.replicas : null,
    inputs: { ...p.input, distribution: p.distribution },
    explanation: p.result.ok ? explainedHeld(p.result.decision) : p.result.failure,
  };
}

/** A decision as persisted: the engine's output plus the inputs that produced it. */
export interface DecisionRecord {
  namespace: string;
  policy: string;
  /** Epoch ms of the tick. */
  decidedAt: number;
  /** Null when inputs failed and no decision could be made (the explanation says why). */
  replicas: number | null;
  inputs: unknown;
  explanation: unknown;
}

const COLUMNS = 6;
const BATCH = 500;

/** Inserts in multi-row batches; replays of already stored decisions are ignored (idempotent). */
export async function insertDecisions(db: Queryable, records: readonly DecisionRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += BATCH) {
    const batch = records.slice(start, start + BATCH);
    const params: unknown[] = [];
    const rows = batch.map((r, i) => {
      params.push(r.namespace, r.policy, new Date(r.decidedAt).toISOString(), r.replicas);
      params.push(JSON.stringify(r.inputs), JSON.stringify(r.explanation));
      const b = i * COLUMNS;
      return `($${b + 1}, $${b + 2}, $${b + 3}::timestamptz, $${b + 4}::integer, $${b + 5}::jsonb, $${b + 6}::jsonb)`;
    });
    await db.query(
      `INSERT INTO decisions (namespace, policy, decided_at, replicas, inputs, explanation)
       VALUES ${rows.join(', ')}
       ON CONFLICT (namespace, policy, decided_at) DO NOTHING`,
      params,
    );
  }
}

export interface DecisionQuery {
  namespace?: string;
  policy?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  limit: number;
  /** Keyset pagination: return decisions strictly older than this (decidedAt, id). */
  before?: { decidedAt: number; id: number };
}

export interface StoredDecision extends DecisionRecord {
  id: number;
}

interface Row {
  id: number;
  namespace: string;
  policy: string;
  decided_at: Date | string;
  replicas: number | null;
  inputs: unknown;
  explanation: unknown;
}

/** Newest first. */
export async function listDecisions(db: Queryable, q: DecisionQuery): Promise<StoredDecision[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (q.namespace !== undefined) add('namespace = ?', q.namespace);
  if (q.policy !== undefined) add('policy = ?', q.policy);
  if (q.from !== undefined) add('decided_at >= ?::timestamptz', new Date(q.from).toISOString());
  if (q.to !== undefined) add('decided_at < ?::timestamptz', new Date(q.to).toISOString());
  if (q.before !== undefined) {
    params.push(new Date(q.before.decidedAt).toISOString(), q.before.id);
    where.push(`(decided_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(q.limit);
  const rows = await db.query<Row>(
    `SELECT id, namespace, policy, decided_at, replicas, inputs, explanation FROM decisions
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY decided_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    namespace: r.namespace,
    policy: r.policy,
    decidedAt: new Date(r.decided_at).getTime(),
    replicas: r.replicas,
    inputs: r.inputs,
    explanation: r.explanation,
  }));
}

/**
 * Retention: deletes decisions and served forecasts older than the cutoff (both grow by one row per
 * policy per tick or forecast step); returns how many decisions went.
 */
export async function pruneDecisions(db: Queryable, olderThanMs: number): Promise<number> {
  const cutoff = new Date(olderThanMs).toISOString();
  await db.query('DELETE FROM forecasts WHERE made_at < $1::timestamptz', [cutoff]);
  const rows = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM decisions WHERE decided_at < $1::timestamptz RETURNING 1)
     SELECT count(*)::integer AS n FROM gone`,
    [cutoff],
  );
  return rows[0]?.n ?? 0;
}
