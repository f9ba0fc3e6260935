import { clearOverride, getOverride, listActiveOverrides, setOverride } from '../../../store/overrides';
import { audited, type ApiContext } from '../context';
import { httpProblem, validationProblem } from '../problem';
import { route, type Route } from '../router';
import { noParams, noQuery, overrideRequest, policyParams } from '../schemas';
import { overrideView, policyCatalog } from '../views';

// Manual replica overrides: one per policy, always with an expiry, set and cleared by operators.

const MAX_OVERRIDE_MS = 90 * 86_400_000;

export function overrideRoutes(ctx: ApiContext): Route[] {
  async function ensurePolicy(namespace: string, name: string): Promise<void> {
    const catalog = await policyCatalog(ctx.db, ctx.config());
    if (!catalog.some((c) => c.policy.namespace === namespace && c.policy.name === name)) {
      throw httpProblem(404, `no policy ${namespace}/${name}`);
    }
  }
  const resourceOf = (p: { namespace: string; name: string }) => `policies/${p.namespace}/${p.name}/override`;

  return [
    route({
      method: 'GET',
      path: '/api/v1/overrides',
      operationId: 'listOverrides',
      summary: 'Active overrides of all policies',
      tag: 'overrides',
      role: 'viewer',
      params: noParams,
      query: noQuery,
      success: { status: 200, component: 'OverrideList', description: 'overrides not yet expired' },
      handler: async ({ now }) => ({
        status: 200,
        body: {
          items: (await listActiveOverrides(ctx.db, now)).map((o) => overrideView(o, now)),
          nextCursor: null,
        },
      }),
    }),
    route({
      method: 'GET',
      path: '/api/v1/policies/{namespace}/{name}/override',
      operationId: 'getOverride',
      summary: 'The policy’s override (also after it expired, until cleared or replaced)',
      tag: 'overrides',
      role: 'viewer',
      params: policyParams,
      query: noQuery,
      success: { status: 200, component: 'Override', description: 'the override' },
      problems: [404],
      handler: async ({ params, now }) => {
        const o = await getOverride(ctx.db, params.namespace, params.name);
        if (o === undefined)
          throw httpProblem(404, `policy ${params.namespace}/${params.name} has no override`);
        return { status: 200, body: overrideView(o, now) };
      },
    }),
    route({
      method: 'PUT',
      path: '/api/v1/policies/{namespace}/{name}/override',
      operationId: 'setOverride',
      summary: 'Pin the policy’s replicas until the expiry (wins over every other bound)',
      tag: 'overrides',
      role: 'operator',
      params: policyParams,
      query: noQuery,
      body: overrideRequest,
      bodyComponent: 'OverrideRequest',
      success: { status: 200, component: 'Override', description: 'the override as set' },
      problems: [404, 413, 415],
      handler: async ({ params, body, principal, now }) => {
        const expiresAt =
          body.expiresAt !== undefined ? Date.parse(body.expiresAt) : now + body.ttlSeconds! * 1000;
        if (expiresAt <= now || expiresAt - now > MAX_OVERRIDE_MS) {
          throw validationProblem([
            {
              location: 'body',
              path: '/expiresAt',
              message: 'must be in the future and at most 90 days ahead',
            },
          ]);
        }
        await ensurePolicy(params.namespace, params.name);
        const set = await audited(
          ctx,
          { principal, now },
          { action: 'override.set', resource: resourceOf(params), change: 'overrides' },
          async (tx) => {
            const before = await getOverride(tx, params.namespace, params.name, true);
            const after = await setOverride(tx, {
              namespace: params.namespace,
              policy: params.name,
              replicas: body.replicas,
              expiresAt,
              reason: body.reason,
              createdBy: principal.actor,
              createdAt: now,
            });
            return {
              result: after,
              before: before === undefined ? null : overrideView(before, now),
              after: overrideView(after, now),
            };
          },
        );
        return { status: 200, body: overrideView(set, now) };
      },
    }),
    route({
      method: 'DELETE',
      path: '/api/v1/policies/{namespace}/{name}/override',
      operationId: 'clearOverride',
      summary: 'Clear the policy’s override',
      tag: 'overrides',
      role: 'operator',
      params: policyParams,
      query: noQuery,
      success: { status: 204, description: 'cleared' },
      problems: [404],
      handler: async ({ params, principal, now }) => {
        await audited(
          ctx,
          { principal, now },
          { action: 'override.clear', resource: resourceOf(params), change: 'overrides' },
          async (tx) => {
            const gone = await clearOverride(tx, params.namespace, params.name);
            if (gone === undefined) {
              throw httpProblem(404, `policy ${params.namespace}/${params.name} has no override`);
            }
            return { result: undefined, before: overrideView(gone, now), after: null };
          },
        );
        return { status: 204 };
      },
    }),
  ];
}
