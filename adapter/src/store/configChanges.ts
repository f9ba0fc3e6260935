import type { Queryable } from './db';

export interface ConfigChange {
  actor: string;
  /** Where the change came from: `file`, `api`, `recommendation`. */
  source: string;
  target: unknown;
  before: unknown;
  after: unknown;
  reason?: string;
  recommendationId?: number;
}

export async function recordConfigChange(db: Queryable, c: ConfigChange): Promise<void> {
  await db.query(
    `INSERT INTO config_changes (actor, source, target, before, after, reason, recommendation_id)
     VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6, $7)`,
    [
      c.actor,
      c.source,
      JSON.stringify(c.target),
      c.before === undefined ? null : JSON.stringify(c.before),
      c.after === undefined ? null : JSON.stringify(c.after),
      c.reason ?? '',
      c.recommendationId ?? null,
    ],
  );
}
