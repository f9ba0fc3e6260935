import http from 'node:http';
import fc from 'fast-check';
import type { Route } from '../../adapter/src/server/rest/router';

// Random and malformed REST requests for the fuzz suites: paths, query strings, headers, JSON and
// non-JSON bodies, valid bodies with random fields replaced, and requests that nearly match a route.

export const VALID_BODIES: unknown[] = [
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

export const segment = fc.oneof(
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

export function requestArbitrary(routes: readonly Route[]) {
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

export interface FuzzRequest {
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

export function send(
  url: string,
  r: FuzzRequest,
  tokens: Record<string, string>,
): Promise<number | undefined> {
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
