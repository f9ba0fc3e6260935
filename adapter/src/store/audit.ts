import type { Queryable } from './db';

// Every mutation made through the REST API or the command line, with who made it and the resource
// before and after. Written in the mutation's own transaction, so a change without its record (or a
// record of a change that was rolled back) cannot exist.

export interface AuditEntry {
  actor: string;
  role: string;
  /** `policy.create`, `override.set`, `apikey.revoke`, … */
  action: string;
  /** `policies/shop/web`, `budgets/team-a`, … */
  resource: string;
  before: unknown;
  after: unknown;
}

export interface StoredAuditEntry extends AuditEntry {
  id: number;
  /** Epoch ms. */
  at: number;
}

export async function recordAudit(db: Queryable, entry: AuditEntry, at: number): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (at, actor, role, action, resource, before, after)
     VALUES ($1::timestamptz, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
    [
      new Date(at).toISOString(),
      entry.actor,
      entry.role,
      entry.action,
      entry.resource,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
    ],
  );
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  /** Exact resource, or every resource under it when it ends with `/`. */
  resource?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  limit: number;
  /** Keyset pagination: entries strictly older than this (at, id). */
  before?: { at: number; id: number };
}

interface Row {
  id: number;
  at: Date | string;
  actor: string;
  role: string;
  action: string;
  resource: string;
  before: unknown;
  after: unknown;
}

/** Newest first. */
export async function listAudit(db: Queryable, q: AuditQuery): Promise<StoredAuditEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (q.actor !== undefined) add('actor = ?', q.actor);
  if (q.action !== undefined) add('action = ?', q.action);
  if (q.resource !== undefined) {
    if (q.resource.endsWith('/')) add(`starts_with(resource, ?)`, q.resource);
    else add('resource = ?', q.resource);
  }
  if (q.from !== undefined) add('at >= ?::timestamptz', new Date(q.from).toISOString());
  if (q.to !== undefined) add('at < ?::timestamptz', new Date(q.to).toISOString());
  if (q.before !== undefined) {
    params.push(new Date(q.before.at).toISOString(), q.before.id);
    where.push(`(at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(q.limit);
  const rows = await db.query<Row>(
    `SELECT id, at, actor, role, action, resource, before, after FROM audit_log
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).getTime(),
    actor: r.actor,
    role: r.role,
    action: r.action,
    resource: r.resource,
    before: r.before ?? null,
    after: r.after ?? null,
  }));
}
