import type {
  Evidence,
  ObjectChange,
  Recommendation,
  RecommendationKind,
  SlaCheck,
} from '../recommend/types';
import type { Queryable } from './db';

// Recommendations and their lifecycle: open → applied → rolled_back, or open → dismissed | expired.
// A regeneration refreshes the open recommendation of the same identity (kind, workload, target),
// expires the open ones of the policies it looked at that no longer hold, and does not bring back a
// dismissed recommendation unless what it would change has changed.

export type RecommendationStatus = 'open' | 'applied' | 'rolled_back' | 'dismissed' | 'expired';

export interface StoredRecommendation {
  readonly id: number;
  readonly kind: RecommendationKind;
  readonly namespace: string;
  readonly policy: string;
  readonly identity: string;
  readonly target: { readonly kind: string; readonly name: string };
  readonly status: RecommendationStatus;
  readonly summary: string;
  readonly monthlySavings: number;
  readonly currency: string;
  readonly evidence: Evidence;
  readonly slaCheck: SlaCheck;
  readonly changes: readonly ObjectChange[];
  /** Epoch ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt: number | null;
  readonly statusChangedAt: number | null;
  readonly statusChangedBy: string | null;
}

interface Row {
  id: number;
  kind: string;
  namespace: string;
  policy: string;
  identity: string;
  target: { kind: string; name: string };
  status: string;
  summary: string;
  monthly_savings: number;
  currency: string;
  evidence: Evidence;
  sla_check: SlaCheck;
  patch: ObjectChange[];
  created_at: Date | string;
  updated_at: Date | string;
  expires_at: Date | string | null;
  status_changed_at: Date | string | null;
  status_changed_by: string | null;
}

const COLUMNS =
  'id, kind, namespace, policy, identity, target, status, summary, monthly_savings, currency, evidence, ' +
  'sla_check, patch, created_at, updated_at, expires_at, status_changed_at, status_changed_by';

const ms = (v: Date | string): number => new Date(v).getTime();
const iso = (at: number): string => new Date(at).toISOString();

function fromRow(r: Row): StoredRecommendation {
  return {
    id: r.id,
    kind: r.kind as RecommendationKind,
    namespace: r.namespace,
    policy: r.policy,
    identity: r.identity,
    target: r.target,
    status: r.status as RecommendationStatus,
    summary: r.summary,
    monthlySavings: Number(r.monthly_savings),
    currency: r.currency,
    evidence: r.evidence,
    slaCheck: r.sla_check,
    changes: r.patch,
    createdAt: ms(r.created_at),
    updatedAt: ms(r.updated_at),
    expiresAt: r.expires_at === null ? null : ms(r.expires_at),
    statusChangedAt: r.status_changed_at === null ? null : ms(r.status_changed_at),
    statusChangedBy: r.status_changed_by,
  };
}

/** What makes two recommendations the same one: kind, policy and the object they are about. */
export function identityOf(r: Pick<Recommendation, 'kind' | 'namespace' | 'policy' | 'target'>): string {
  return `${r.kind}:${r.namespace}/${r.policy}:${r.target.kind}/${r.target.name}`;
}

export interface RegenerationResult {
  readonly inserted: number;
  readonly refreshed: number;
  /** Open recommendations of the regenerated policies that no longer hold. */
  readonly expired: number;
  /** Not offered again because the same change was dismissed. */
  readonly suppressed: number;
}

/**
 * Stores one regeneration: `workloads` are the policies looked at (namespace/policy) with the
 * recommendations offered for each. Runs in the caller's transaction.
 */
export async function saveRegeneration(
  db: Queryable,
  workloads: ReadonlyArray<{
    readonly namespace: string;
    readonly policy: string;
    readonly offered: readonly Recommendation[];
  }>,
  now: number,
  expireAfterMs: number,
): Promise<RegenerationResult> {
  let inserted = 0;
  let refreshed = 0;
  let expired = 0;
  let suppressed = 0;
  const expiresAt = iso(now + expireAfterMs);
  for (const w of workloads) {
    const open = await db.query<{ id: number; identity: string }>(
      `SELECT id, identity FROM recommendations WHERE status = 'open' AND namespace = $1 AND policy = $2 FOR UPDATE`,
      [w.namespace, w.policy],
    );
    const kept = new Set<number>();
    for (const r of w.offered) {
      const identity = identityOf(r);
      const values = [
        r.summary,
        r.monthlySavings,
        JSON.stringify(r.evidence),
        JSON.stringify(r.slaCheck),
        JSON.stringify(r.changes),
        iso(now),
        expiresAt,
        r.currency,
      ];
      const existing = open.find((o) => o.identity === identity);
      if (existing !== undefined) {
        kept.add(existing.id);
        await db.query(
          `UPDATE recommendations SET summary = $1, monthly_savings = $2, evidence = $3::jsonb,
             sla_check = $4::jsonb, patch = $5::jsonb, updated_at = $6::timestamptz,
             expires_at = $7::timestamptz, currency = $8
           WHERE id = $9`,
          [...values, existing.id],
        );
        refreshed++;
        continue;
      }
      const dismissed = await db.query(
        `SELECT 1 FROM recommendations WHERE identity = $1 AND status = 'dismissed' AND patch = $2::jsonb LIMIT 1`,
        [identity, JSON.stringify(r.changes)],
      );
      if (dismissed.length > 0) {
        suppressed++;
        continue;
      }
      await db.query(
        `INSERT INTO recommendations (summary, monthly_savings, evidence, sla_check, patch, created_at,
           expires_at, currency, updated_at, kind, namespace, policy, identity, target, status)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6::timestamptz, $7::timestamptz, $8,
           $6::timestamptz, $9, $10, $11, $12, $13::jsonb, 'open')`,
        [...values, r.kind, r.namespace, r.policy, identity, JSON.stringify(r.target)],
      );
      inserted++;
    }
    for (const o of open) {
      if (kept.has(o.id)) continue;
      await db.query(
        `UPDATE recommendations SET status = 'expired', status_changed_at = $1::timestamptz,
           status_changed_by = 'costscale', updated_at = $1::timestamptz WHERE id = $2`,
        [iso(now), o.id],
      );
      expired++;
    }
  }
  return { inserted, refreshed, expired, suppressed };
}

/** Expires open recommendations whose expiry has passed; returns how many. */
export async function expireStale(db: Queryable, now: number): Promise<number> {
  const rows = await db.query(
    `UPDATE recommendations SET status = 'expired', status_changed_at = $1::timestamptz,
       status_changed_by = 'costscale', updated_at = $1::timestamptz
     WHERE status = 'open' AND expires_at <= $1::timestamptz RETURNING id`,
    [iso(now)],
  );
  return rows.length;
}

export interface RecommendationQuery {
  readonly status?: RecommendationStatus;
  readonly namespace?: string;
  readonly policy?: string;
  readonly kind?: RecommendationKind;
  readonly limit: number;
  /** Keyset pagination: strictly older than this (createdAt, id). */
  readonly before?: { readonly at: number; readonly id: number };
}

/** Newest first. */
export async function listRecommendations(
  db: Queryable,
  q: RecommendationQuery,
): Promise<StoredRecommendation[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (q.status !== undefined) add('status = ?', q.status);
  if (q.namespace !== undefined) add('namespace = ?', q.namespace);
  if (q.policy !== undefined) add('policy = ?', q.policy);
  if (q.kind !== undefined) add('kind = ?', q.kind);
  if (q.before !== undefined) {
    params.push(iso(q.before.at), q.before.id);
    where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(q.limit);
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM recommendations ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(fromRow);
}

/** One recommendation; `lock` holds its row for the caller's transaction. */
export async function getRecommendation(
  db: Queryable,
  id: number,
  lock = false,
): Promise<StoredRecommendation | undefined> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM recommendations WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/** Moves a recommendation to `to`; returns the updated row. */
export async function setRecommendationStatus(
  db: Queryable,
  id: number,
  to: RecommendationStatus,
  at: number,
  by: string,
): Promise<StoredRecommendation> {
  const rows = await db.query<Row>(
    `UPDATE recommendations SET status = $2, status_changed_at = $3::timestamptz, status_changed_by = $4,
       updated_at = $3::timestamptz WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, to, iso(at), by],
  );
  return fromRow(rows[0] as Row);
}

export interface StoredConfigChange {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly source: string;
  readonly target: unknown;
  readonly before: unknown;
  readonly after: unknown;
  readonly reason: string;
}

/** The configuration changes made for a recommendation, oldest first. */
export async function configChangesOf(
  db: Queryable,
  recommendationId: number,
): Promise<StoredConfigChange[]> {
  const rows = await db.query<{
    id: number;
    at: Date | string;
    actor: string;
    source: string;
    target: unknown;
    before: unknown;
    after: unknown;
    reason: string;
  }>(
    `SELECT id, at, actor, source, target, before, after, reason FROM config_changes
     WHERE recommendation_id = $1 ORDER BY at, id`,
    [recommendationId],
  );
  return rows.map((r) => ({
    id: r.id,
    at: ms(r.at),
    actor: r.actor,
    source: r.source,
    target: r.target,
    before: r.before ?? null,
    after: r.after ?? null,
    reason: r.reason,
  }));
}
