import { listAudit } from '../../../store/audit';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../store/apiKeys';
import { audited, decodeCursor, page, type ApiContext } from '../context';
import { httpProblem } from '../problem';
import { route, type Route } from '../router';
import { apiKeyParams, apiKeyRequest, apiKeysQuery, auditQuery, noParams, noQuery } from '../schemas';
import { apiKeyView, auditView } from '../views';

// Who am I, the audit log, and API keys (the command line manages them too: `costscale apikey`).

export function adminRoutes(ctx: ApiContext, keysChanged: () => void): Route[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/whoami',
      operationId: 'whoami',
      summary: 'The caller’s identity and role',
      tag: 'meta',
      role: 'viewer',
      params: noParams,
      query: noQuery,
      success: { status: 200, component: 'Whoami', description: 'the caller' },
      handler: async ({ principal }) => ({
        status: 200,
        body: { actor: principal.actor, kind: principal.kind, role: principal.role },
      }),
    }),
    route({
      method: 'GET',
      path: '/api/v1/audit',
      operationId: 'listAudit',
      summary: 'Every mutation: who, with which role, what, before and after, when (newest first)',
      tag: 'audit',
      role: 'admin',
      params: noParams,
      query: auditQuery,
      success: { status: 200, component: 'AuditList', description: 'a page of audit entries' },
      handler: async ({ query }) => {
        const limit = query.limit ?? 100;
        const before = decodeCursor(query.cursor);
        const rows = await listAudit(ctx.db, {
          ...(query.actor !== undefined && { actor: query.actor }),
          ...(query.action !== undefined && { action: query.action }),
          ...(query.resource !== undefined && { resource: query.resource }),
          ...(query.from !== undefined && { from: Date.parse(query.from) }),
          ...(query.to !== undefined && { to: Date.parse(query.to) }),
          ...(before !== undefined && { before }),
          limit: limit + 1,
        });
        const p = page(rows, limit, (e) => ({ at: e.at, id: e.id }));
        return { status: 200, body: { items: p.rows.map(auditView), nextCursor: p.nextCursor } };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/apikeys',
      operationId: 'listApiKeys',
      summary: 'API keys (never their secrets)',
      tag: 'apikeys',
      role: 'admin',
      params: noParams,
      query: apiKeysQuery,
      success: { status: 200, component: 'ApiKeyList', description: 'the keys' },
      handler: async ({ query }) => ({
        status: 200,
        body: {
          items: (await listApiKeys(ctx.db, query.includeRevoked === 'true')).map(apiKeyView),
          nextCursor: null,
        },
      }),
    }),
    route({
      method: 'POST',
      path: '/api/v1/apikeys',
      operationId: 'createApiKey',
      summary: 'Create an API key; its token is in this response only',
      tag: 'apikeys',
      role: 'admin',
      params: noParams,
      query: noQuery,
      body: apiKeyRequest,
      bodyComponent: 'ApiKeyRequest',
      success: { status: 201, component: 'CreatedApiKey', description: 'the key and its token' },
      problems: [413, 415],
      handler: async ({ body, principal, now }) => {
        const created = await audited<Awaited<ReturnType<typeof createApiKey>>>(
          ctx,
          { principal, now },
          { action: 'apikey.create', resource: (c) => `apikeys/${c.key.id}`, change: 'apikeys' },
          async (tx) => {
            const c = await createApiKey(tx, body, now);
            return { result: c, before: null, after: apiKeyView(c.key) };
          },
        );
        return {
          status: 201,
          body: { key: apiKeyView(created.key), token: created.token },
          headers: { Location: `/api/v1/apikeys/${created.key.id}` },
        };
      },
    }),
    route({
      method: 'DELETE',
      path: '/api/v1/apikeys/{id}',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      tag: 'apikeys',
      role: 'admin',
      params: apiKeyParams,
      query: noQuery,
      success: { status: 204, description: 'revoked' },
      problems: [404],
      handler: async ({ params, principal, now }) => {
        await audited(
          ctx,
          { principal, now },
          { action: 'apikey.revoke', resource: `apikeys/${params.id}`, change: 'apikeys' },
          async (tx) => {
            const r = await revokeApiKey(tx, params.id, now);
            if (r === undefined) throw httpProblem(404, `no API key ${params.id}`);
            return { result: undefined, before: apiKeyView(r.before), after: apiKeyView(r.after) };
          },
        );
        keysChanged();
        return { status: 204 };
      },
    }),
  ];
}
