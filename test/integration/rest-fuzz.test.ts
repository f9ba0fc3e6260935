import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import type { Route } from '../../adapter/src/server/rest/router';
import { createApiKey } from '../../adapter/src/store/apiKeys';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';
import { startRestHarness, type RestHarness } from '../support/rest';

// Thousands of random and malformed requests — paths, query strings, headers, JSON and non-JSON
// bodies, valid bodies with random fields replaced — must never produce a 5xx or stop the server.

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

const VALID_BODIES: unknown[] = [
  {
    name: 'fuzz',
    namespace: 'shop',
    target: { name: 'fuzz' },
    demand: { query: 'sum(rate(x[1m]))', unit: 'requests' },
    capacityPerReplica: 10,
    replicas: { min: 1, max: 3 },
    schedules: [{ name: 'day', from: '08:00', to: '18:00', minReplicas: 2 }],
    slo: { latencySeconds: { query: 'histogram_quantile(0.9, x)', target: 0.3 } },
  },
  { name: 'fuzz', period: 'daily', amount: 5, scope: { namespaces: ['shop'] }, thresholds: { warning: 0.5 } },
  { replicas: 3, ttlSeconds: 600, reason: 'fuzz' },
  { name: 'fuzz', role: 'viewer' },
];

/** Leaf and inner paths of a JSON value. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

/** Replaces (or, with `undefined`, deletes) the value at path. */
function mutate(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const next = mutate(copy[head], rest, replacement);
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

const segment = fc.oneof(
  fc.constantFrom(
    'shop',
    'web',
    'team',
    'dry-run',
    'override',
    'forecast',
    'events',
    '1',
    '0',
    '-1',
    'Shop',
    '%2F',
    '%zz',
    '..',
    '%00',
    'x'.repeat(70),
  ),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.stringMatching(/^[a-z0-9-]{1,70}$/),
  fc.integer().map(String),
);

function requestArbitrary(routes: readonly Route[]) {
  const routePaths = routes.map((r) => r.path);
  const path = fc.oneof(
    fc
      .tuple(fc.constantFrom(...routePaths), fc.array(segment, { minLength: 2, maxLength: 2 }))
      .map(([template, segs]) => {
        let i = 0;
        return template.replace(/\{[A-Za-z]+\}/g, () => segs[i++ % 2]!);
      }),
    fc.constantFrom(...routePaths),
    fc.array(segment, { maxLength: 6 }).map((s) => `/api/v1/${s.join('/')}`),
    fc.constantFrom(
      '/api/v1',
      '/api/v1/',
      '/api/v10',
      '/api',
      '/',
      '/api/v1//policies',
      '/api/v1/policies/',
      '/api/v1/policies:dry-run',
    ),
  );
  const queryKey = fc.oneof(
    fc.constantFrom(
      'namespace',
      'policy',
      'from',
      'to',
      'limit',
      'cursor',
      'window',
      'step',
      'source',
      'actor',
      'action',
      'resource',
      'includeRevoked',
      '__proto__',
      'constructor',
      'hasOwnProperty',
    ),
    fc.string({ maxLength: 10 }),
  );
  const queryValue = fc.oneof(
    fc.constantFrom(
      '',
      '0',
      '1',
      '1000',
      '1001',
      '-1',
      '1e3',
      '0x10',
      'abc',
      '6h',
      '0s',
      '7d',
      '8d',
      '15s',
      '2030-01-01T00:00:00Z',
      '2030-02-30T00:00:00Z',
      'true',
      'api',
      'config',
      'MS4y',
      'LTEuLTE',
      'OTk5OTk5OTk5OTk5OTk5OTk5OS4x',
    ),
    fc.string({ maxLength: 30 }),
  );
  const query = fc.oneof(
    fc
      .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
      .map((pairs) =>
        pairs.length
          ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`
          : '',
      ),
    fc.constantFrom('?%', '?a=%zz', '?&&&', '?=x', '?limit=5&limit=6', '?limit=%31%30'),
  );
  const mutatedBody = fc
    .tuple(
      fc.constantFrom(...VALID_BODIES),
      fc.array(fc.tuple(fc.nat(), fc.oneof(fc.jsonValue(), fc.constant(undefined))), { maxLength: 3 }),
    )
    .map(([body, edits]) => {
      let out = body;
      for (const [n, value] of edits) {
        const all = paths(out);
        out = mutate(out, all[n % all.length]!, value);
      }
      return JSON.stringify(out ?? null);
    });
  const body = fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: mutatedBody },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{',
        '[1,2',
        '{"a":1}{',
        '"\\ud800"',
        '{"__proto__":{"x":1}}',
        '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]',
        'null',
        '1e999',
        `{"a":"${'x'.repeat(1000)}"}`,
      ),
    },
  );
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant('admin') },
    { weight: 1, arbitrary: fc.constant('viewer') },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Bearer ',
        'Bearer  x',
        'bearer csk_',
        'Basic YTpi',
        `Bearer csk_${'a'.repeat(12)}_${'b'.repeat(43)}`,
        'Bearer csk_zz',
      ),
    },
  );
  const optional = (a: fc.Arbitrary<string>) => fc.option(a, { nil: undefined });
  const headers = {
    auth,
    contentType: optional(
      fc.oneof(
        fc.constantFrom(
          'application/json',
          'application/merge-patch+json',
          'text/plain',
          'application/json; charset=utf-16',
          'multipart/form-data',
        ),
        fc.string({ maxLength: 30 }),
      ),
    ),
    ifNoneMatch: optional(fc.oneof(fc.constant('*'), fc.string({ maxLength: 40 }))),
    origin: optional(fc.string({ maxLength: 30 })),
    accept: optional(fc.string({ maxLength: 30 })),
  };
  const anything = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    path,
    query,
    body,
    ...headers,
  });
  // Requests that match a route and mostly carry what it expects, so the handlers themselves are fuzzed.
  const nearlyValid = fc
    .tuple(
      fc.constantFrom(...routes),
      fc.array(fc.oneof(fc.constantFrom('shop', 'web', 'team', 'fuzz', '1', '2'), segment), {
        minLength: 2,
        maxLength: 2,
      }),
      fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: query }),
      fc.oneof(
        { weight: 3, arbitrary: mutatedBody },
        { weight: 1, arbitrary: fc.constantFrom(...VALID_BODIES.map((b) => JSON.stringify(b))) },
      ),
      fc.oneof({ weight: 4, arbitrary: fc.constant('admin') }, { weight: 1, arbitrary: auth }),
    )
    .map(([r, segs, q, b, a]) => {
      let i = 0;
      return {
        method: r.method,
        path: r.path.replace(/\{[A-Za-z]+\}/g, () => segs[i++ % 2]!),
        query: q,
        body: r.body === undefined ? undefined : b,
        auth: a,
        contentType: r.body === undefined ? undefined : 'application/json',
        ifNoneMatch: undefined,
        origin: undefined,
        accept: undefined,
      };
    });
  return fc.oneof(anything, nearlyValid);
}

interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  body: string | Buffer | undefined;
  auth: string | undefined;
  contentType: string | undefined;
  ifNoneMatch: string | undefined;
  origin: string | undefined;
  accept: string | undefined;
}

function send(url: string, r: FuzzRequest, tokens: Record<string, string>): Promise<number | undefined> {
  const headers: Record<string, string> = {};
  if (r.auth === 'admin' || r.auth === 'viewer') headers.authorization = `Bearer ${tokens[r.auth]}`;
  else if (r.auth !== undefined) headers.authorization = r.auth;
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  if (r.ifNoneMatch !== undefined) headers['if-none-match'] = r.ifNoneMatch;
  if (r.origin !== undefined) headers.origin = r.origin;
  if (r.accept !== undefined) headers.accept = r.accept;
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      req = http.request(`${url}${r.path}${r.query}`, { method: r.method, headers, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      });
    } catch {
      // Header values or paths node itself refuses to send never reach the server.
      resolve(undefined);
      return;
    }
    req.on('error', reject);
    req.end(r.body);
  });
}

describe.each(DATABASE_KINDS)('REST fuzzing on %s PostgreSQL', (kind) => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness(await dbs.fresh(kind));
    // Values the engine decided, fresh for the whole run: the KEDA route answers 503 only for stale
    // or missing values (tested in keda-metrics-api.test.ts), which is not what fuzzing looks for.
    h.holder.publish({
      generatedAt: Date.now(),
      tick: 1,
      policies: [
        {
          name: 'web',
          namespace: 'shop',
          labels: { policy: 'web' },
          allowedNamespaces: [],
          values: {
            costscale_replicas: 3,
            costscale_load: 2.5,
            costscale_cost_per_hour: 0.3,
            costscale_budget_pressure: 0,
            costscale_forecast_demand: 120,
          },
          valuesAt: Date.now() + 3600_000,
        },
      ],
    });
  });
  afterAll(() => h.close());

  test('random and malformed requests never give a 5xx and never stop the server', async () => {
    const tokens = { ...h.tokens };
    const statuses = new Map<number, number>();
    const arbitrary = requestArbitrary(h.api.routes);
    await fc.assert(
      fc.asyncProperty(arbitrary, async (request) => {
        const status = await send(h.url, request, tokens);
        if (status === undefined) return true;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // A random DELETE may revoke the fuzzer's own key; take a new one and carry on.
        if (status === 401 && request.auth === 'admin') {
          tokens.admin = (await createApiKey(h.db, { name: 'fuzz-admin', role: 'admin' }, Date.now())).token;
        }
        return status < 500;
      }),
      { numRuns: 2500 },
    );
    // The run reached the handlers (successes and conflicts), not just authentication and routing.
    for (const status of [200, 400, 401, 404, 405]) expect(statuses.get(status) ?? 0).toBeGreaterThan(20);
    for (const status of [201, 204, 409]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    expect((await h.call('GET', '/api/v1/whoami', { as: { token: tokens.admin } })).status).toBe(200);
  });

  test('garbage on the socket: the server answers or closes, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a)),
          fc
            .string({ maxLength: 200 })
            .map((s) => Buffer.from(`POST /api/v1/policies HTTP/1.1\r\n${s}\r\n\r\n`)),
          fc
            .constantFrom(
              'GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
              'POST /api/v1/budgets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
              'GET /api/v1/%%% HTTP/1.1\r\nHost: x\r\n\r\n',
            )
            .map((s) => Buffer.from(s)),
        ),
        async (bytes) => {
          const port = Number(new URL(h.url).port);
          const answer = await new Promise<string>((resolve) => {
            const socket = net.connect(port, '127.0.0.1');
            let data = '';
            socket.on('data', (c) => (data += c.toString('latin1')));
            socket.on('error', () => resolve(data));
            socket.on('close', () => resolve(data));
            socket.setTimeout(300, () => socket.destroy());
            socket.write(bytes);
          });
          return !/^HTTP\/1\.1 5\d\d/.test(answer);
        },
      ),
      { numRuns: 200 },
    );
    // A fresh key: the fuzz run before may have revoked the harness's own keys.
    const fresh = (await createApiKey(h.db, { name: 'after-garbage', role: 'viewer' }, Date.now())).token;
    expect((await h.call('GET', '/api/v1/whoami', { as: { token: fresh } })).status).toBe(200);
  });
});
