import type { BudgetEvent } from '../domain/budget';
import type { Queryable } from './db';

export async function insertBudgetEvents(
  db: Queryable,
  events: readonly BudgetEvent[],
  periodStart: number,
): Promise<void> {
  for (const e of events) {
    await db.query(
      `INSERT INTO budget_events (budget, at, period_start, from_state, to_state, utilisation, details)
       VALUES ($1, $2::timestamptz, $3::timestamptz, $4, $5, $6, $7::jsonb)`,
      [
        e.budget,
        new Date(e.at).toISOString(),
        new Date(periodStart).toISOString(),
        e.from,
        e.to,
        e.utilisation,
        JSON.stringify({
          threshold: e.threshold,
          level: e.level,
          direction: e.direction,
          period: e.periodLabel,
        }),
      ],
    );
  }
}
