import { explainedHeld } from '../../../snapshot/decisionColumns';
import type { Snapshot } from '../../../snapshot/snapshot';
import { listDecisions, type StoredDecision } from '../../../store/decisions';
import { decodeCursor, page, type ApiContext } from '../context';
import { DatabaseUnavailable } from '../database';
import { route, type Route } from '../router';
import { decisionsQuery, noParams } from '../schemas';
import { decisionView } from '../views';

export function decisionRoutes(ctx: ApiContext): Route[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/decisions',
      operationId: 'listDecisions',
      summary:
        'Decision history with explanations, newest first; while the database is down, the latest decision of each policy from memory (id 0, no inputs, no further pages)',
      tag: 'decisions',
      role: 'viewer',
      params: noParams,
      query: decisionsQuery,
      success: { status: 200, component: 'DecisionList', description: 'a page of decisions' },
      handler: async ({ query }) => {
        const limit = query.limit ?? 100;
        const before = decodeCursor(query.cursor);
        const filter = {
          ...(query.namespace !== undefined && { namespace: query.namespace }),
          ...(query.policy !== undefined && { policy: query.policy }),
          ...(query.from !== undefined && { from: Date.parse(query.from) }),
          ...(query.to !== undefined && { to: Date.parse(query.to) }),
        };
        let rows: StoredDecision[];
        try {
          rows = await listDecisions(ctx.db, {
            ...filter,
            ...(before !== undefined && { before: { decidedAt: before.at, id: before.id } }),
            limit: limit + 1,
          });
        } catch (err) {
          // Grafana keeps its view of the current decisions through a database outage (issue 16, defect 7).
          const snapshot = ctx.snapshot.current();
          if (!(err instanceof DatabaseUnavailable) || snapshot === undefined || before !== undefined)
            throw err;
          const latest = latestDecisions(snapshot, filter).slice(0, limit);
          return { status: 200, body: { items: latest.map(decisionView), nextCursor: null } };
        }
        const p = page(rows, limit, (d) => ({ at: d.decidedAt, id: d.id }));
        return { status: 200, body: { items: p.rows.map(decisionView), nextCursor: p.nextCursor } };
      },
    }),
  ];
}

/** The decision behind each policy's served values, as the history would list it, newest first. */
function latestDecisions(
  snapshot: Snapshot,
  filter: { namespace?: string; policy?: string; from?: number; to?: number },
): StoredDecision[] {
  const out: StoredDecision[] = [];
  for (const p of snapshot.policies) {
    const d = p.decision;
    if (d === undefined) continue;
    if (filter.namespace !== undefined && p.namespace !== filter.namespace) continue;
    if (filter.policy !== undefined && p.name !== filter.policy) continue;
    if (filter.from !== undefined && d.at < filter.from) continue;
    if (filter.to !== undefined && d.at >= filter.to) continue;
    out.push({
      id: 0,
      namespace: p.namespace,
      policy: p.name,
      decidedAt: d.at,
      replicas: d.replicas,
      inputs: null,
      explanation: explainedHeld(d),
    });
  }
  return out.sort((a, b) => b.decidedAt - a.decidedAt);
}
