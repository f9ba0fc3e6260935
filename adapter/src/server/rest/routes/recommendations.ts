import type { z } from 'zod';
import {
  applyChanges,
  ChangeRefused,
  revertKubernetesChanges,
  rollBackChanges,
  type ChangeDeps,
  type ChangeRecord,
} from '../../../recommend-runtime';
import { recordConfigChange } from '../../../store/configChanges';
import type { Queryable } from '../../../store/db';
import {
  configChangesOf,
  getRecommendation,
  listRecommendations,
  setRecommendationStatus,
  type RecommendationStatus,
  type StoredConfigChange,
  type StoredRecommendation,
} from '../../../store/recommendations';
import { audited, decodeCursor, page, type ApiContext } from '../context';
import { conflictProblem, httpProblem } from '../problem';
import { route, type Route } from '../router';
import {
  noParams,
  noQuery,
  recommendationParams,
  recommendationsQuery,
  rollbackQuery,
  type configChangeResource,
  type recommendationResource,
} from '../schemas';
import { iso } from '../views';

// Recommendations: listed and read by viewers; applied, dismissed and rolled back by operators.
// Applying patches the Kubernetes objects (or the API-managed policy) and records each change with
// its before and after; rolling back writes the before values back. Both run in one transaction with
// the status change and the audit record.

type RecommendationView = z.infer<typeof recommendationResource>;

function configChangeView(c: StoredConfigChange): z.infer<typeof configChangeResource> {
  return { ...c, at: iso(c.at) };
}

export function recommendationView(
  r: StoredRecommendation,
  changes?: StoredConfigChange[],
): RecommendationView {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    namespace: r.namespace,
    policy: r.policy,
    target: r.target,
    summary: r.summary,
    monthlySavings: r.monthlySavings,
    currency: r.currency,
    evidence: r.evidence as RecommendationView['evidence'],
    slaCheck: r.slaCheck,
    changes: r.changes as RecommendationView['changes'],
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    expiresAt: r.expiresAt === null ? null : iso(r.expiresAt),
    statusChangedAt: r.statusChangedAt === null ? null : iso(r.statusChangedAt),
    statusChangedBy: r.statusChangedBy,
    ...(changes !== undefined && { configChanges: changes.map(configChangeView) }),
  };
}

const resourceOf = (id: number): string => `recommendations/${id}`;

export function recommendationRoutes(ctx: ApiContext): Route[] {
  const deps = (db: Queryable, now: number): ChangeDeps => ({
    kube: ctx.workloads,
    db,
    filePolicies: ctx.config().policies,
    now,
  });

  /** The recommendation, locked, in one of the `from` statuses. */
  async function claim(
    tx: Queryable,
    id: number,
    from: RecommendationStatus,
    doing: string,
  ): Promise<StoredRecommendation> {
    const r = await getRecommendation(tx, id, true);
    if (r === undefined) throw httpProblem(404, `no recommendation ${id}`);
    if (r.status !== from)
      throw conflictProblem(`recommendation ${id} is ${r.status}; only an ${from} one can be ${doing}`);
    return r;
  }

  async function record(
    tx: Queryable,
    actor: string,
    source: string,
    id: number,
    reason: string,
    changes: ChangeRecord[],
  ) {
    for (const c of changes) {
      await recordConfigChange(tx, {
        actor,
        source,
        target: c.target,
        before: c.before,
        after: c.after,
        reason,
        recommendationId: id,
      });
    }
  }

  const refused = (err: unknown): never => {
    if (err instanceof ChangeRefused) throw conflictProblem(err.message);
    throw err;
  };

  /** Policy changes make the engine reload its managed policies at once. */
  async function changeKind(id: number) {
    const r = await getRecommendation(ctx.db, id);
    return r?.changes.some((c) => c.type === 'policy') ? ('policies' as const) : ('recommendations' as const);
  }

  return [
    route({
      method: 'GET',
      path: '/api/v1/recommendations',
      operationId: 'listRecommendations',
      summary: 'Recommendations with their savings and SLA check, newest first',
      tag: 'recommendations',
      role: 'viewer',
      params: noParams,
      query: recommendationsQuery,
      success: { status: 200, component: 'RecommendationList', description: 'a page of recommendations' },
      handler: async ({ query }) => {
        const limit = query.limit ?? 100;
        const before = decodeCursor(query.cursor);
        const rows = await listRecommendations(ctx.db, {
          ...(query.status !== undefined && { status: query.status }),
          ...(query.namespace !== undefined && { namespace: query.namespace }),
          ...(query.policy !== undefined && { policy: query.policy }),
          ...(query.kind !== undefined && { kind: query.kind }),
          ...(before !== undefined && { before }),
          limit: limit + 1,
        });
        const p = page(rows, limit, (r) => ({ at: r.createdAt, id: r.id }));
        return {
          status: 200,
          body: { items: p.rows.map((r) => recommendationView(r)), nextCursor: p.nextCursor },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/recommendations/{id}',
      operationId: 'getRecommendation',
      summary: 'A recommendation with the configuration changes made for it',
      tag: 'recommendations',
      role: 'viewer',
      params: recommendationParams,
      query: noQuery,
      success: { status: 200, component: 'Recommendation', description: 'the recommendation' },
      problems: [404],
      handler: async ({ params }) => {
        const r = await getRecommendation(ctx.db, params.id);
        if (r === undefined) throw httpProblem(404, `no recommendation ${params.id}`);
        return { status: 200, body: recommendationView(r, await configChangesOf(ctx.db, r.id)) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/recommendations/{id}/apply',
      operationId: 'applyRecommendation',
      summary: 'Apply an open recommendation: patch the objects it changes and record before and after',
      tag: 'recommendations',
      role: 'operator',
      params: recommendationParams,
      query: noQuery,
      success: { status: 200, component: 'Recommendation', description: 'the applied recommendation' },
      problems: [404, 409],
      handler: async ({ params, principal, now }) => {
        let applied: ChangeRecord[] = [];
        const change = await changeKind(params.id);
        try {
          const r = await audited<StoredRecommendation>(
            ctx,
            { principal, now },
            { action: 'recommendation.apply', resource: resourceOf(params.id), change },
            async (tx) => {
              const open = await claim(tx, params.id, 'open', 'applied');
              if (open.expiresAt !== null && open.expiresAt <= now) {
                throw conflictProblem(
                  `recommendation ${open.id} expired; it is regenerated when it still holds`,
                );
              }
              applied = await applyChanges(open.namespace, open.changes, deps(tx, now)).catch(refused);
              await record(tx, principal.actor, 'recommendation', open.id, open.summary, applied);
              const after = await setRecommendationStatus(tx, open.id, 'applied', now, principal.actor);
              return {
                result: after,
                before: { status: open.status },
                after: { status: after.status, changes: applied },
              };
            },
          );
          return { status: 200, body: recommendationView(r, await configChangesOf(ctx.db, r.id)) };
        } catch (err) {
          // Objects were patched but the transaction did not commit: put them back.
          if (applied.length > 0) await revertKubernetesChanges(applied, deps(ctx.db, now));
          throw err;
        }
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/recommendations/{id}/dismiss',
      operationId: 'dismissRecommendation',
      summary: 'Dismiss an open recommendation (it is not offered again unless its change differs)',
      tag: 'recommendations',
      role: 'operator',
      params: recommendationParams,
      query: noQuery,
      success: { status: 200, component: 'Recommendation', description: 'the dismissed recommendation' },
      problems: [404, 409],
      handler: async ({ params, principal, now }) => {
        const r = await audited<StoredRecommendation>(
          ctx,
          { principal, now },
          { action: 'recommendation.dismiss', resource: resourceOf(params.id), change: 'recommendations' },
          async (tx) => {
            const open = await claim(tx, params.id, 'open', 'dismissed');
            const after = await setRecommendationStatus(tx, open.id, 'dismissed', now, principal.actor);
            return { result: after, before: { status: open.status }, after: { status: after.status } };
          },
        );
        return { status: 200, body: recommendationView(r) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/recommendations/{id}/rollback',
      operationId: 'rollBackRecommendation',
      summary: 'Roll back an applied recommendation: restore the fields it changed to their prior values',
      tag: 'recommendations',
      role: 'operator',
      params: recommendationParams,
      query: rollbackQuery,
      success: { status: 200, component: 'Recommendation', description: 'the rolled-back recommendation' },
      problems: [404, 409],
      handler: async ({ params, query, principal, now }) => {
        const change = await changeKind(params.id);
        const r = await audited<StoredRecommendation>(
          ctx,
          { principal, now },
          { action: 'recommendation.rollback', resource: resourceOf(params.id), change },
          async (tx) => {
            const applied = await claim(tx, params.id, 'applied', 'rolled back');
            const records: ChangeRecord[] = (await configChangesOf(tx, applied.id))
              .filter((c) => c.source === 'recommendation')
              .map((c) => ({ target: c.target as ChangeRecord['target'], before: c.before, after: c.after }));
            const restored = await rollBackChanges(records, deps(tx, now), query.force === 'true').catch(
              refused,
            );
            await record(
              tx,
              principal.actor,
              'rollback',
              applied.id,
              `rollback: ${applied.summary}`,
              restored,
            );
            const after = await setRecommendationStatus(tx, applied.id, 'rolled_back', now, principal.actor);
            return {
              result: after,
              before: { status: applied.status },
              after: { status: after.status, changes: restored },
            };
          },
        );
        return { status: 200, body: recommendationView(r, await configChangesOf(ctx.db, r.id)) };
      },
    }),
  ];
}
