import type { PolicySnapshot } from '../../adapter/src/snapshot/snapshot';
import { TestDatabases } from '../support/databases';
import { gjsonGet, kedaValue } from '../support/gjson';
import { startRestHarness, type RestHarness } from '../support/rest';

// The metrics-api endpoint as KEDA's metrics-api scaler reads it (keda.md §3): GET the trigger's url
// with its authMode's credentials, then apply valueLocation as a GJSON path to the JSON body. A non-2xx
// answer is a scaler error, which is what lets the ScaledObject's fallback apply.

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

const NOW = Date.parse('2026-12-04T12:00:00Z');
const URL_PATH = '/api/v1/keda/namespaces/shop/policies/checkout';

function policy(name: string, extra: Partial<PolicySnapshot> = {}): PolicySnapshot {
  return {
    name,
    namespace: 'shop',
    labels: { policy: name, tier: 'frontend' },
    allowedNamespaces: [],
    values: {
      costscale_replicas: 7,
      costscale_load: 0.8125,
      costscale_cost_per_hour: 1.25,
      costscale_budget_pressure: 0.4,
      costscale_forecast_demand: 140,
    },
    valuesAt: NOW - 10_000,
    ...extra,
  };
}

/** KEDA's side: fetch with the trigger's auth, then valueLocation. */
async function kedaReads(
  h: RestHarness,
  path: string,
  valueLocation: string,
  auth: Record<string, string>,
): Promise<{ status: number; value?: number; body: unknown }> {
  const res = await fetch(`${h.url}${path}`, { headers: { Accept: 'application/json', ...auth } });
  const body: unknown = await res.json();
  if (!res.ok) return { status: res.status, body };
  return { status: res.status, value: kedaValue(gjsonGet(body, valueLocation)), body };
}

describe('KEDA metrics-api', () => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness(await dbs.fresh('embedded'));
    h.now = () => NOW;
    h.holder.publish({
      generatedAt: NOW - 10_000,
      tick: 3,
      policies: [policy('checkout'), policy('search')],
    });
  });
  afterAll(() => h.close());

  test('authMode apiKey (X-API-KEY) with a viewer key: valueLocation paths read the values', async () => {
    const auth = { 'X-API-KEY': h.tokens.viewer };
    expect((await kedaReads(h, URL_PATH, 'replicas', auth)).value).toBe(7);
    expect((await kedaReads(h, URL_PATH, 'load', auth)).value).toBe(0.8125);
    expect((await kedaReads(h, URL_PATH, 'forecastDemand', auth)).value).toBe(140);
    const read = await kedaReads(h, URL_PATH, 'costPerHour', auth);
    expect(read.body).toEqual({
      namespace: 'shop',
      name: 'checkout',
      timestamp: '2026-12-04T11:59:50.000Z',
      replicas: 7,
      load: 0.8125,
      costPerHour: 1.25,
      budgetPressure: 0.4,
      forecastDemand: 140,
    });
  });

  test('authMode bearer with the same API key', async () => {
    const read = await kedaReads(h, URL_PATH, 'replicas', { Authorization: `Bearer ${h.tokens.viewer}` });
    expect(read).toMatchObject({ status: 200, value: 7 });
  });

  test('the API key header name is configurable (KEDA keyParamName)', async () => {
    h.settings = { ...h.settings, apiKeyHeader: 'X-Costscale-Key' };
    try {
      expect((await kedaReads(h, URL_PATH, 'replicas', { 'X-Costscale-Key': h.tokens.viewer })).value).toBe(
        7,
      );
      expect((await kedaReads(h, URL_PATH, 'replicas', { 'X-API-KEY': h.tokens.viewer })).status).toBe(401);
    } finally {
      h.settings = { ...h.settings, apiKeyHeader: 'X-API-KEY' };
    }
  });

  test('no key, a wrong key, or a Kubernetes-style token in the API key header: 401', async () => {
    expect((await kedaReads(h, URL_PATH, 'replicas', {})).status).toBe(401);
    const wrong = `${h.tokens.viewer.slice(0, -4)}abcd`;
    expect((await kedaReads(h, URL_PATH, 'replicas', { 'X-API-KEY': wrong })).status).toBe(401);
    expect((await kedaReads(h, URL_PATH, 'replicas', { 'X-API-KEY': 'eyJhbGciOi.x.y' })).status).toBe(401);
  });

  test('a stale value is 503 with Retry-After, so KEDA counts a failure and its fallback applies', async () => {
    const auth = { 'X-API-KEY': h.tokens.viewer };
    const stale = policy('checkout', { valuesAt: NOW - 10 * 60_000, error: 'prometheus unreachable' });
    h.holder.publish({ generatedAt: NOW, tick: 4, policies: [stale] });
    const res = await fetch(`${h.url}${URL_PATH}`, { headers: auth });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('15');
    expect(((await res.json()) as { detail: string }).detail).toMatch(/600s old.*prometheus unreachable/);
    h.holder.publish({
      generatedAt: NOW,
      tick: 5,
      policies: [policy('checkout', { values: undefined, valuesAt: undefined })],
    });
    expect((await kedaReads(h, URL_PATH, 'replicas', auth)).status).toBe(503);
    h.holder.publish({ generatedAt: NOW, tick: 6, policies: [policy('checkout'), policy('search')] });
  });

  test('an unknown policy or namespace is 404; a bad name is 400', async () => {
    const auth = { 'X-API-KEY': h.tokens.viewer };
    expect((await kedaReads(h, '/api/v1/keda/namespaces/shop/policies/nope', 'replicas', auth)).status).toBe(
      404,
    );
    expect(
      (await kedaReads(h, '/api/v1/keda/namespaces/other/policies/checkout', 'replicas', auth)).status,
    ).toBe(404);
    expect(
      (await kedaReads(h, '/api/v1/keda/namespaces/shop/policies/Bad_Name', 'replicas', auth)).status,
    ).toBe(400);
  });

  test('a policy of the same name in another namespace that allows this one: 409 naming both', async () => {
    const auth = { 'X-API-KEY': h.tokens.viewer };
    const shared = { ...policy('checkout'), namespace: 'web', allowedNamespaces: ['shop'] };
    h.holder.publish({ generatedAt: NOW, tick: 7, policies: [policy('checkout'), shared] });
    const read = await kedaReads(h, URL_PATH, 'replicas', auth);
    expect(read.status).toBe(409);
    expect((read.body as { detail: string }).detail).toMatch(
      /shop\/checkout.*web\/checkout|web\/checkout.*shop\/checkout/,
    );
    h.holder.publish({ generatedAt: NOW, tick: 8, policies: [policy('checkout'), policy('search')] });
  });

  test('the route is in the OpenAPI document with its schema', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json', { as: 'viewer' })).json;
    const op = doc.paths['/api/v1/keda/namespaces/{namespace}/policies/{name}'].get;
    expect(op['x-costscale-role']).toBe('viewer');
    expect(op.responses['200'].content['application/json'].schema.$ref).toMatch(/KedaPolicyValues$/);
    expect(op.responses['503']).toBeDefined();
  });
});
