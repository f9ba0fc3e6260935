import { z } from 'zod';
import type { Route } from './router';
import { REQUESTS, RESPONSES } from './schemas';

// The OpenAPI 3.1 document, generated from the route table and the same zod schemas that validate
// requests. OpenAPI 3.1 schemas are JSON Schema 2020-12, which z.toJSONSchema emits: request bodies in
// their input form (defaults optional), answers in their output form (defaults filled in).

type JsonObject = Record<string, unknown>;

const COMMON_PROBLEMS = [400, 401, 403, 429] as const;
const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid parameters or body; `errors` lists each field that failed',
  401: 'no valid credentials (`WWW-Authenticate: Bearer`)',
  403: 'the role does not allow this',
  404: 'no such resource',
  409: 'conflicts with the current state, or the resource is defined in the configuration file',
  413: 'request body too large',
  415: 'request body is not JSON',
  429: 'rate limit exceeded; retry after `Retry-After` seconds',
};

function componentSchemas(
  components: Readonly<Record<string, z.ZodType>>,
  io: 'input' | 'output',
): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonObject> };
  // Component schemas are embedded in the document: no dialect or identifier of their own.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
}

/** One parameter per property of a strict object schema (path or query). */
function parameters(schema: z.ZodType, location: 'path' | 'query'): JsonObject[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(typeof description === 'string' && { description }),
      schema: rest,
    };
  });
}

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

function operation(route: Route): JsonObject {
  const responses: Record<string, JsonObject> = {};
  const ok: JsonObject = { description: route.success.description };
  if (route.success.status !== 204) {
    const schema =
      route.success.component === undefined
        ? { type: 'object' }
        : { $ref: `#/components/schemas/${route.success.component}` };
    ok.content = { 'application/json': { schema } };
  }
  if (route.method === 'GET') {
    ok.headers = {
      ETag: { description: 'hash of the body; send it back in If-None-Match', schema: { type: 'string' } },
    };
    responses['304'] = { description: 'not modified (If-None-Match matched the ETag)' };
  }
  responses[String(route.success.status)] = ok;
  for (const status of [...COMMON_PROBLEMS, ...route.problems]) {
    responses[String(status)] = {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'error',
      content: problemContent,
      ...(status === 429 && {
        headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } },
      }),
      ...(status === 401 && {
        headers: { 'WWW-Authenticate': { description: 'Bearer challenge', schema: { type: 'string' } } },
      }),
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    'x-costscale-role': route.role,
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body !== undefined && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.bodyComponent}` } } },
      },
    }),
    responses,
  };
}

export function openApiDocument(routes: readonly Route[]): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'costscale REST API',
      version: '1.0.0',
      description:
        'Policies, decisions, overrides, forecasts, budgets and an overview for the Grafana app plugin, scripts and GitOps tooling. Authenticate with `Authorization: Bearer <API key or Kubernetes token>`; roles viewer < operator < admin (see x-costscale-role on each operation).',
    },
    security: [{ bearer: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'a costscale API key (csk_…) or a Kubernetes bearer token (TokenReview)',
        },
      },
      schemas: {
        ...componentSchemas(REQUESTS, 'input'),
        ...componentSchemas(RESPONSES, 'output'),
      },
    },
  };
}
