import type { Queryable } from './db';

// Reading back the threshold crossings the engine records (budgetEvents.ts writes them).

export interface StoredBudgetEvent {
  id: number;
  budget: string;
  /** Epoch ms. */
  at: number;
  periodStart: number;
  from: string;
  to: string;
  utilisation: number;
  details: Record<string, unknown>;
}

interface Row {
  id: number;
  budget: string;
  at: Date | string;
  period_start: Date | string;
  from_state: string;
  to_state: string;
  utilisation: number;
  details: Record<string, unknown> | null;
}

/** Newest first; keyset-paginated by (at, id). */
export async function listBudgetEvents(
  db: Queryable,
  q: { budget: string; limit: number; before?: { at: number; id: number } },
): Promise<StoredBudgetEvent[]> {
  const params: unknown[] = [q.budget];
  let keyset = '';
  if (q.before !== undefined) {
    params.push(new Date(q.before.at).toISOString(), q.before.id);
    keyset = ' AND (at, id) < ($2::timestamptz, $3)';
  }
  params.push(q.limit);
  const rows = await db.query<Row>(
    `SELECT id, budget, at, period_start, from_state, to_state, utilisation, details FROM budget_events
     WHERE budget = $1${keyset} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    budget: r.budget,
    at: new Date(r.at).getTime(),
    periodStart: new Date(r.period_start).getTime(),
    from: r.from_state,
    to: r.to_state,
    utilisation: r.utilisation,
    details: r.details ?? {},
  }));
}
