import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CostscaleApiError, createCostscaleClient } from '../support/rest-client';
import { TestDatabases } from '../support/databases';
import { startRestHarness, type RestHarness } from '../support/rest';

// The OpenAPI document against the OpenAPI 3.1 rules that can be checked without a validator
// package (every $ref resolves, path templates match path parameters, operations have responses,
// schemas are JSON Schema 2020-12 shapes), route coverage both ways, and the typed client.

const dbs = new TestDatabases();
let h: RestHarness;
// The document is walked as loose JSON; its shape is what the tests check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
let doc: Loose;
beforeAll(async () => {
  h = await startRestHarness(await dbs.fresh('embedded'));
  const r = await h.call('GET', '/api/v1/openapi.json', { as: 'viewer' });
  expect(r.status).toBe(200);
  doc = r.json;
});
afterAll(async () => {
  await h?.close();
  await dbs.shutdown();
});

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function resolve(ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node))
      throw new Error(`unresolved $ref ${ref}`);
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref') out.push(v as string);
      else refsIn(v, out);
    }
  }
  return out;
}

// JSON Schema 2020-12 keywords (core, applicator, validation, unevaluated, format, meta-data, content).
const SCHEMA_KEYWORDS = new Set([
  '$ref',
  '$defs',
  '$id',
  '$schema',
  '$anchor',
  '$comment',
  'type',
  'enum',
  'const',
  'properties',
  'patternProperties',
  'additionalProperties',
  'propertyNames',
  'required',
  'items',
  'prefixItems',
  'contains',
  'minItems',
  'maxItems',
  'uniqueItems',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minProperties',
  'maxProperties',
  'dependentRequired',
  'dependentSchemas',
  'unevaluatedProperties',
  'unevaluatedItems',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentEncoding',
  'contentMediaType',
]);
const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);

/** Problems with a schema's shape, by JSON Pointer. */
function schemaProblems(schema: unknown, at: string, out: string[] = []): string[] {
  if (typeof schema === 'boolean') return out;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    out.push(`${at}: a schema must be an object or a boolean`);
    return out;
  }
  const s = schema as Record<string, unknown>;
  for (const [k, v] of Object.entries(s)) {
    if (!SCHEMA_KEYWORDS.has(k) && !k.startsWith('x-')) out.push(`${at}: unknown keyword ${k}`);
    const sub = (v: unknown, p: string) => schemaProblems(v, `${at}/${p}`, out);
    switch (k) {
      case 'type': {
        const types = Array.isArray(v) ? v : [v];
        if (types.length === 0 || !types.every((t) => typeof t === 'string' && TYPES.has(t)))
          out.push(`${at}/type: ${JSON.stringify(v)}`);
        break;
      }
      case 'properties':
      case 'patternProperties':
      case '$defs':
      case 'dependentSchemas':
        if (v === null || typeof v !== 'object') out.push(`${at}/${k}: must be an object`);
        else for (const [name, child] of Object.entries(v)) sub(child, `${k}/${name}`);
        break;
      case 'additionalProperties':
      case 'items':
      case 'not':
      case 'contains':
      case 'propertyNames':
      case 'if':
      case 'then':
      case 'else':
      case 'unevaluatedProperties':
      case 'unevaluatedItems':
        sub(v, k);
        break;
      case 'anyOf':
      case 'oneOf':
      case 'allOf':
      case 'prefixItems':
        if (!Array.isArray(v) || v.length === 0) out.push(`${at}/${k}: must be a non-empty array`);
        else v.forEach((child, i) => sub(child, `${k}/${i}`));
        break;
      case 'required':
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string') || new Set(v).size !== v.length)
          out.push(`${at}/required: must be unique strings`);
        else
          for (const name of v)
            if (s.properties !== undefined && !(name in (s.properties as object)))
              out.push(`${at}/required: ${name} is not a property`);
        break;
      case 'enum':
        if (!Array.isArray(v) || v.length === 0) out.push(`${at}/enum: must be a non-empty array`);
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'multipleOf':
        if (typeof v !== 'number')
          out.push(`${at}/${k}: must be a number (2020-12, not the draft-4 boolean)`);
        break;
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
        if (!Number.isInteger(v) || (v as number) < 0) out.push(`${at}/${k}: must be a non-negative integer`);
        break;
      case 'pattern':
        try {
          new RegExp(v as string, 'u');
        } catch {
          out.push(`${at}/pattern: not an ECMA-262 regular expression`);
        }
        break;
      case '$ref':
        if (typeof v !== 'string') out.push(`${at}/$ref: must be a string`);
        else resolve(v);
        break;
    }
  }
  return out;
}

test('the document has the OpenAPI 3.1 structure', () => {
  expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
  expect(typeof doc.info.title).toBe('string');
  expect(typeof doc.info.version).toBe('string');
  for (const req of doc.security)
    for (const name of Object.keys(req)) expect(doc.components.securitySchemes[name]).toBeDefined();

  const operationIds = new Set<string>();
  const declaredTags = new Set(doc.tags.map((t: { name: string }) => t.name));
  for (const [path, item] of Object.entries<Loose>(doc.paths)) {
    expect(path.startsWith('/')).toBe(true);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const [method, op] of Object.entries<Loose>(item)) {
      expect(METHODS).toContain(method);
      expect(operationIds.has(op.operationId)).toBe(false);
      operationIds.add(op.operationId);
      for (const tag of op.tags) expect(declaredTags.has(tag)).toBe(true);
      const params: Array<{ name: string; in: string; required?: boolean; schema?: unknown }> = op.parameters;
      expect(new Set(params.map((p) => `${p.in}:${p.name}`)).size).toBe(params.length);
      for (const p of params) {
        expect(['query', 'header', 'path', 'cookie']).toContain(p.in);
        expect(schemaProblems(p.schema, `${path} ${method} ${p.name}`)).toEqual([]);
        if (p.in === 'path') expect(p.required).toBe(true);
      }
      expect(
        params
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort(),
      ).toEqual(templated);
      if (op.requestBody !== undefined) expect(Object.keys(op.requestBody.content).length).toBeGreaterThan(0);
      const statuses = Object.keys(op.responses);
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.some((s) => /^2\d\d$/.test(s))).toBe(true);
      for (const [status, response] of Object.entries<Record<string, unknown>>(op.responses)) {
        expect(status).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        expect(typeof response.description).toBe('string');
      }
    }
  }
});

test('every $ref resolves and every component schema is a JSON Schema 2020-12 shape', () => {
  const refs = refsIn(doc);
  expect(refs.length).toBeGreaterThan(50);
  for (const ref of refs) expect(() => resolve(ref)).not.toThrow();
  const problems = Object.entries(doc.components.schemas).flatMap(([name, schema]) =>
    schemaProblems(schema, `#/components/schemas/${name}`),
  );
  expect(problems).toEqual([]);
  // Request bodies in their input form: defaults are optional there, required in answers.
  expect(doc.components.schemas.PolicySpecInput.required).not.toContain('mode');
  expect(doc.components.schemas.PolicySpec.required).toContain('mode');
  expect(doc.components.schemas.PolicySpecInput.additionalProperties).toBe(false);
});

test('every route of the router is in the document, and nothing else', () => {
  const inRouter = h.api.routes.map((r) => `${r.method} ${r.path}`).sort();
  const inDoc = Object.entries<Record<string, unknown>>(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  expect(inDoc).toEqual(inRouter);
  for (const route of h.api.routes) {
    const op = doc.paths[route.path][route.method.toLowerCase()];
    expect(op['x-costscale-role']).toBe(route.role);
    expect(op.responses[String(route.success.status)]).toBeDefined();
    for (const status of route.problems)
      expect(op.responses[String(status)].content['application/problem+json']).toBeDefined();
  }
});

// ---- the typed client ------------------------------------------------------------------------------

test('the client types import types only, so neither zod nor server code enters a bundle', () => {
  const file = join(__dirname, '..', '..', 'adapter', 'src', 'server', 'rest', 'client-types.ts');
  const imports = [...readFileSync(file, 'utf8').matchAll(/^import[^;]*?from\s+'[^']+';/gms)].map(
    (m) => m[0],
  );
  expect(imports.length).toBeGreaterThan(0);
  for (const i of imports) expect(i).toMatch(/^import type /);
});

test('the client drives the real API and turns problems into errors with field paths', async () => {
  const client = createCostscaleClient({
    baseUrl: h.url,
    fetch: (url, init) => fetch(url, init),
    token: h.tokens.admin,
  });
  expect((await client.whoami()).role).toBe('admin');
  const created = await client.createPolicy({
    name: 'client-app',
    namespace: 'shop',
    target: { name: 'client-app' },
    demand: { query: 'sum(rate(x[1m]))' },
    capacityPerReplica: 5,
    replicas: { min: 1, max: 4 },
  });
  expect(created.spec.mode).toBe('balanced');
  expect((await client.listPolicies({ source: 'api' })).items.map((p) => p.name)).toEqual(['client-app']);
  const override = await client.setOverride('shop', 'client-app', { replicas: 2, ttlSeconds: 120 });
  expect(override.active).toBe(true);
  await client.clearOverride('shop', 'client-app');
  expect(
    (await client.getForecast('shop', 'client-app', { window: '1h', step: '5m' })).actuals.values,
  ).toHaveLength(13);
  expect((await client.listDecisions({ limit: 5 })).nextCursor).toBeNull();
  expect((await client.getBudget('team')).spec.period).toBe('monthly');
  const key = await client.createApiKey({ name: 'script', role: 'viewer' });
  const viewer = createCostscaleClient({
    baseUrl: `${h.url}/`,
    fetch: (url, init) => fetch(url, init),
    token: key.token,
  });
  const denied = await viewer.deletePolicy('shop', 'client-app').catch((e: unknown) => e);
  expect(denied).toBeInstanceOf(CostscaleApiError);
  expect((denied as CostscaleApiError).status).toBe(403);
  await client.revokeApiKey(key.key.id);

  const invalid = await client
    .updatePolicy({
      name: 'client-app',
      namespace: 'shop',
      target: { name: 'x' },
      demand: { query: '' },
      replicas: { min: 3, max: 1 },
    })
    .catch((e: unknown) => e);
  expect(invalid).toBeInstanceOf(CostscaleApiError);
  expect((invalid as CostscaleApiError).problem?.errors?.map((e) => e.path).sort()).toEqual([
    '/capacityPerReplica',
    '/demand/query',
    '/replicas/max',
  ]);
  await client.deletePolicy('shop', 'client-app');
  expect((await client.listPolicies({ source: 'api' })).items).toEqual([]);
});
