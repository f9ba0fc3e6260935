import { policySchema, type Policy } from '../../../config/schema';
import { policyKey } from '../../../config/policyIdentity';
import { clearOverride, getOverride, listActiveOverrides } from '../../../store/overrides';
import {
  deleteStoredPolicy,
  getStoredPolicy,
  insertStoredPolicy,
  updateStoredPolicy,
} from '../../../store/policies';
import { audited, type ApiContext } from '../context';
import {
  conflictProblem,
  httpProblem,
  readOnlyProblem,
  validationProblem,
  type FieldError,
} from '../problem';
import { route, type Route } from '../router';
import { noParams, noQuery, policiesQuery, policyParams } from '../schemas';
import { policyCatalog, policyView, type CatalogPolicy } from '../views';
import { policyReferenceErrors } from './references';

// Policies: the configuration file's (read-only here) and the API's own, with their live status.

const resourceOf = (p: { namespace: string; name: string }): string => `policies/${p.namespace}/${p.name}`;

export function policyRoutes(ctx: ApiContext): Route[] {
  const stalenessMs = () => ctx.config().engine.stalenessSeconds * 1000;
  const entryOf = (p: { namespace: string; name: string }) =>
    ctx.snapshot.current()?.policies.find((e) => e.namespace === p.namespace && e.name === p.name);

  async function find(namespace: string, name: string): Promise<CatalogPolicy> {
    const found = (await policyCatalog(ctx.db, ctx.config())).find(
      (c) => c.policy.namespace === namespace && c.policy.name === name,
    );
    if (found === undefined) throw httpProblem(404, `no policy ${namespace}/${name}`);
    return found;
  }

  async function view(item: CatalogPolicy, now: number) {
    const override = await getOverride(ctx.db, item.policy.namespace, item.policy.name);
    const active = override !== undefined && override.expiresAt > now ? override : undefined;
    return policyView(item, entryOf(item.policy), active, now, stalenessMs(), true);
  }

  async function checkSpec(policy: Policy, path?: { namespace: string; name: string }): Promise<void> {
    const errors: FieldError[] = [];
    if (path !== undefined) {
      if (policy.namespace !== path.namespace)
        errors.push({
          location: 'body',
          path: '/namespace',
          message: `must be "${path.namespace}" as in the path`,
        });
      if (policy.name !== path.name)
        errors.push({ location: 'body', path: '/name', message: `must be "${path.name}" as in the path` });
    }
    errors.push(...(await policyReferenceErrors(ctx.db, ctx.config(), policy)));
    if (errors.length > 0) throw validationProblem(errors);
  }

  function ensureNotInFile(namespace: string, name: string, doing: string): void {
    if (ctx.config().policies.some((p) => p.namespace === namespace && p.name === name)) {
      throw readOnlyProblem(
        `policy ${namespace}/${name} is defined in the configuration file; ${doing} it there`,
      );
    }
  }

  return [
    route({
      method: 'GET',
      path: '/api/v1/policies',
      operationId: 'listPolicies',
      summary: 'List policies from the configuration file and the API, with their status',
      tag: 'policies',
      role: 'viewer',
      params: noParams,
      query: policiesQuery,
      success: { status: 200, component: 'PolicyList', description: 'all matching policies' },
      handler: async ({ query, now }) => {
        const overrides = new Map(
          (await listActiveOverrides(ctx.db, now)).map((o) => [`${o.namespace}/${o.policy}`, o]),
        );
        const items = (await policyCatalog(ctx.db, ctx.config()))
          .filter((c) => query.namespace === undefined || c.policy.namespace === query.namespace)
          .filter((c) => query.source === undefined || c.source === query.source)
          .map((c) =>
            policyView(c, entryOf(c.policy), overrides.get(policyKey(c.policy)), now, stalenessMs(), false),
          );
        return { status: 200, body: { items, nextCursor: null } };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/policies',
      operationId: 'createPolicy',
      summary: 'Create an API-managed policy',
      tag: 'policies',
      role: 'admin',
      params: noParams,
      query: noQuery,
      body: policySchema,
      bodyComponent: 'PolicySpecInput',
      success: { status: 201, component: 'Policy', description: 'the created policy' },
      problems: [409, 413, 415],
      handler: async ({ body, rawBody, principal, now }) => {
        await checkSpec(body);
        if (ctx.config().policies.some((p) => policyKey(p) === policyKey(body))) {
          throw conflictProblem(`policy ${policyKey(body)} is defined in the configuration file`);
        }
        const stored = await audited(
          ctx,
          { principal, now },
          { action: 'policy.create', resource: resourceOf(body), change: 'policies' },
          async (tx) => {
            const row = await insertStoredPolicy(tx, body.namespace, body.name, rawBody, now);
            if (row === undefined) throw conflictProblem(`policy ${policyKey(body)} already exists`);
            return { result: row, before: null, after: rawBody };
          },
        );
        return {
          status: 201,
          body: await view({ policy: body, source: 'api', stored }, now),
          headers: { Location: `/api/v1/${resourceOf(body)}` },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/policies/{namespace}/{name}',
      operationId: 'getPolicy',
      summary: 'A policy with its latest decision and explanation',
      tag: 'policies',
      role: 'viewer',
      params: policyParams,
      query: noQuery,
      success: { status: 200, component: 'Policy', description: 'the policy' },
      problems: [404],
      handler: async ({ params, now }) => ({
        status: 200,
        body: await view(await find(params.namespace, params.name), now),
      }),
    }),
    route({
      method: 'PUT',
      path: '/api/v1/policies/{namespace}/{name}',
      operationId: 'updatePolicy',
      summary: 'Replace an API-managed policy’s spec',
      tag: 'policies',
      role: 'admin',
      params: policyParams,
      query: noQuery,
      body: policySchema,
      bodyComponent: 'PolicySpecInput',
      success: { status: 200, component: 'Policy', description: 'the updated policy' },
      problems: [404, 409, 413, 415],
      handler: async ({ params, body, rawBody, principal, now }) => {
        ensureNotInFile(params.namespace, params.name, 'change');
        await checkSpec(body, params);
        const stored = await audited(
          ctx,
          { principal, now },
          { action: 'policy.update', resource: resourceOf(params), change: 'policies' },
          async (tx) => {
            const before = await getStoredPolicy(tx, params.namespace, params.name, true);
            if (before === undefined) throw httpProblem(404, `no policy ${params.namespace}/${params.name}`);
            const row = await updateStoredPolicy(tx, params.namespace, params.name, rawBody, now);
            return { result: row!, before: before.spec, after: rawBody };
          },
        );
        return { status: 200, body: await view({ policy: body, source: 'api', stored }, now) };
      },
    }),
    route({
      method: 'DELETE',
      path: '/api/v1/policies/{namespace}/{name}',
      operationId: 'deletePolicy',
      summary: 'Delete an API-managed policy (and its override)',
      tag: 'policies',
      role: 'admin',
      params: policyParams,
      query: noQuery,
      success: { status: 204, description: 'deleted' },
      problems: [404, 409],
      handler: async ({ params, principal, now }) => {
        ensureNotInFile(params.namespace, params.name, 'remove');
        await audited(
          ctx,
          { principal, now },
          { action: 'policy.delete', resource: resourceOf(params), change: 'policies' },
          async (tx) => {
            const gone = await deleteStoredPolicy(tx, params.namespace, params.name);
            if (gone === undefined) throw httpProblem(404, `no policy ${params.namespace}/${params.name}`);
            await clearOverride(tx, params.namespace, params.name);
            return { result: undefined, before: gone.spec, after: null };
          },
        );
        return { status: 204 };
      },
    }),
  ];
}
