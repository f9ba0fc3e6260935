import { listDecisions } from '../../../store/decisions';
import { decodeCursor, page, type ApiContext } from '../context';
import { route, type Route } from '../router';
import { decisionsQuery, noParams } from '../schemas';
import { decisionView } from '../views';

export function decisionRoutes(ctx: ApiContext): Route[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/decisions',
      operationId: 'listDecisions',
      summary: 'Decision history with explanations, newest first',
      tag: 'decisions',
      role: 'viewer',
      params: noParams,
      query: decisionsQuery,
      success: { status: 200, component: 'DecisionList', description: 'a page of decisions' },
      handler: async ({ query }) => {
        const limit = query.limit ?? 100;
        const before = decodeCursor(query.cursor);
        const rows = await listDecisions(ctx.db, {
          ...(query.namespace !== undefined && { namespace: query.namespace }),
          ...(query.policy !== undefined && { policy: query.policy }),
          ...(query.from !== undefined && { from: Date.parse(query.from) }),
          ...(query.to !== undefined && { to: Date.parse(query.to) }),
          ...(before !== undefined && { before: { decidedAt: before.at, id: before.id } }),
          limit: limit + 1,
        });
        const p = page(rows, limit, (d) => ({ at: d.decidedAt, id: d.id }));
        return { status: 200, body: { items: p.rows.map(decisionView), nextCursor: p.nextCursor } };
      },
    }),
  ];
}
