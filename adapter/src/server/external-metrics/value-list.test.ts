import type { PolicySnapshot, Snapshot } from '../../snapshot/snapshot';
import { parseLabelSelector } from '../../k8s';
import { lookup, type ValueQuery } from '../../snapshot/lookup';
import { rfc3339Seconds, valueListResponse as render } from './value-list';

const T = Date.UTC(2024, 4, 1, 12, 0, 0);
const values = {
  costscale_replicas: 2,
  costscale_load: 1.5,
  costscale_cost_per_hour: 0.1,
  costscale_budget_pressure: 0,
  costscale_forecast_demand: 10,
};

function snapshot(policies: PolicySnapshot[]): Snapshot {
  return { generatedAt: T, tick: 1, policies };
}

const query = (namespace: string, selector = '') => ({
  namespace,
  metric: 'costscale_replicas' as const,
  selector: parseLabelSelector(selector),
});

const valueListResponse = (snap: Snapshot | undefined, q: ValueQuery, now: number, stalenessMs: number) =>
  render(lookup(snap, q, now, stalenessMs), q.metric);

describe('valueListResponse', () => {
  const snap = snapshot([
    {
      name: 'a',
      namespace: 'ns',
      labels: { policy: 'a', 'we"ird': 'x"y' },
      allowedNamespaces: ['other', 'ns'],
      values,
      valuesAt: T,
    },
  ]);

  test('item JSON is rendered with Go key order, sorted and escaped labels', () => {
    const res = valueListResponse(snap, query('ns'), T, 120_000);
    expect(res.code).toBe(200);
    expect(res.body).toBe(
      '{"kind":"ExternalMetricValueList","apiVersion":"external.metrics.k8s.io/v1beta1","metadata":{},"items":[{"metricName":"costscale_replicas","metricLabels":{"policy":"a","we\\"ird":"x\\"y"},"timestamp":"2024-05-01T12:00:00Z","value":"2"}]}\n',
    );
  });

  test('a policy listing its own namespace among the allowed ones is served once', () => {
    const res = valueListResponse(snap, query('ns'), T, 120_000);
    expect(JSON.parse(res.body).items).toHaveLength(1);
    expect(valueListResponse(snap, query('other'), T, 120_000).body).toBe(res.body);
  });

  test('the staleness bound is exclusive', () => {
    expect(valueListResponse(snap, query('ns'), T + 59_999, 60_000).code).toBe(200);
    expect(valueListResponse(snap, query('ns'), T + 60_000, 60_000).code).toBe(503);
  });

  test('answers depend on the snapshot, not on what was cached for an earlier one', () => {
    const first = valueListResponse(snap, query('ns', 'policy=a'), T, 120_000);
    const next = snapshot([{ ...snap.policies[0]!, values: { ...values, costscale_replicas: 9 } }]);
    const second = valueListResponse(next, query('ns', 'policy=a'), T, 120_000);
    expect(JSON.parse(first.body).items[0].value).toBe('2');
    expect(JSON.parse(second.body).items[0].value).toBe('9');
    expect(valueListResponse(snap, query('ns', 'policy = a'), T, 120_000).body).toBe(first.body);
  });

  test('no policy in the namespace is 404 without mentioning an empty selector', () => {
    const res = valueListResponse(snap, query('elsewhere'), T, 120_000);
    expect(res.code).toBe(404);
    expect(JSON.parse(res.body).message).toBe('no costscale policy serves namespace "elsewhere"');
  });

  test('a selector that picks several policies for a scaling metric is 400 saying how to pick one', () => {
    const two = snapshot([snap.policies[0]!, { ...snap.policies[0]!, name: 'b', labels: { policy: 'b' } }]);
    const res = valueListResponse(two, query('ns'), T, 120_000);
    expect(res.code).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ reason: 'BadRequest', code: 400 });
    expect(JSON.parse(res.body).message).toMatch(
      /selects 2 costscale policies .*select one with policy=NAME$/,
    );
    expect(valueListResponse(two, query('ns', 'policy=b'), T, 120_000).code).toBe(200);
    const costs = render(
      lookup(two, { ...query('ns'), metric: 'costscale_cost_per_hour' }, T, 120_000),
      'costscale_cost_per_hour',
    );
    expect(JSON.parse(costs.body).items).toHaveLength(2);
  });

  test('no snapshot is 503', () => {
    expect(valueListResponse(undefined, query('ns'), T, 120_000).code).toBe(503);
  });

  test('an unknown metric is 404 naming it as the request spelled it', () => {
    const res = render(
      lookup(snap, { ...query('ns'), metric: 'costscale_nope' }, T, 120_000),
      'CostScale_Nope',
    );
    expect(res.code).toBe(404);
    expect(JSON.parse(res.body).message).toBe(
      'the server could not find the metric CostScale_Nope for CostScale_Nope.external.metrics.k8s.io',
    );
  });
});

describe('rfc3339Seconds', () => {
  test.each([
    [T, '2024-05-01T12:00:00Z'],
    [T + 999, '2024-05-01T12:00:00Z'],
    [T + 1000, '2024-05-01T12:00:01Z'],
  ])('%p → %s', (ms, text) => {
    expect(rfc3339Seconds(ms)).toBe(text);
  });
});
