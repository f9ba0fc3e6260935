import { parseLabelSelector } from '../k8s';
import { lookup, type LookupResult } from './lookup';
import type { PolicySnapshot, Snapshot } from './snapshot';

const T = Date.UTC(2024, 4, 1, 12, 0, 0);
const values = {
  costscale_replicas: 2,
  costscale_load: 1.5,
  costscale_cost_per_hour: 0.1,
  costscale_budget_pressure: 0,
  costscale_forecast_demand: Number.NaN,
};

const policy = (name: string, extra: Partial<PolicySnapshot> = {}): PolicySnapshot => ({
  name,
  namespace: 'shop',
  labels: { policy: name, team: 'a' },
  allowedNamespaces: [],
  values,
  valuesAt: T,
  ...extra,
});

const snapshot = (...policies: PolicySnapshot[]): Snapshot => ({ generatedAt: T, tick: 1, policies });

const ask = (snap: Snapshot | undefined, metric: string, selector = '', namespace = 'shop', now = T) =>
  lookup(snap, { namespace, metric, selector: parseLabelSelector(selector) }, now, 60_000);

function failure(result: LookupResult) {
  if (result.ok) throw new Error('expected a failure');
  return result.failure;
}

describe('lookup', () => {
  const snap = snapshot(policy('orders'), policy('cart', { allowedNamespaces: ['web'] }));

  test('answers each selected policy of an informational metric with its value and decision time', () => {
    const result = ask(snap, 'costscale_cost_per_hour', 'team=a');
    expect(result.ok && result.selection.values.map((v) => [v.policy.name, v.metric, v.value, v.at])).toEqual(
      [
        ['orders', 'costscale_cost_per_hour', 0.1, T],
        ['cart', 'costscale_cost_per_hour', 0.1, T],
      ],
    );
  });

  test.each(['costscale_replicas', 'costscale_load'])(
    'a selector that picks several policies for %s fails and says how to pick one',
    (metric) => {
      expect(failure(ask(snap, metric, 'team=a'))).toEqual({
        kind: 'ambiguous',
        policies: ['shop/orders', 'shop/cart'],
        message: `${metric} with labels matching "team=a" selects 2 costscale policies readable from namespace "shop" (shop/orders, shop/cart); a scaler would add their values up: select one with policy=NAME`,
      });
      expect(failure(ask(snap, metric)).message).toContain('with no label selector selects 2');
      expect(ask(snap, metric, 'team=a,policy=cart').ok).toBe(true);
    },
  );

  test('policyNamespace keeps only the policies of that namespace', () => {
    const twins = snapshot(policy('web'), policy('web', { namespace: 'other', allowedNamespaces: ['shop'] }));
    expect(failure(ask(twins, 'costscale_replicas', 'policy=web')).kind).toBe('ambiguous');
    const pick = (policyNamespace: string) =>
      lookup(
        twins,
        {
          namespace: 'shop',
          metric: 'costscale_replicas',
          selector: parseLabelSelector('policy=web'),
          policyNamespace,
        },
        T,
        60_000,
      );
    const result = pick('other');
    expect(result.ok && result.selection.values.map((v) => v.policy.namespace)).toEqual(['other']);
    expect(failure(pick('elsewhere'))).toEqual({
      kind: 'no-policy',
      message:
        'no costscale policy of namespace "elsewhere" serves namespace "shop" with labels matching "policy=web"',
    });
  });

  test('a policy is readable from the namespaces it allows', () => {
    const result = ask(snap, 'costscale_replicas', '', 'web');
    expect(result.ok && result.selection.values.map((v) => v.policy.name)).toEqual(['cart']);
  });

  test('the same query over the same snapshot returns the same selection', () => {
    const first = ask(snap, 'costscale_replicas', 'policy=orders');
    const second = ask(snap, 'costscale_replicas', 'policy = orders', 'shop', T + 1000);
    expect(first.ok && second.ok && first.selection === second.selection).toBe(true);
  });

  test.each<[string, Snapshot | undefined, string, string, string]>([
    ['unknown-metric', snap, 'costscale_nope', '', 'costscale serves no metric costscale_nope'],
    [
      'no-snapshot',
      undefined,
      'costscale_replicas',
      '',
      'costscale has not published metrics yet: the engine has not completed its first decision',
    ],
    [
      'no-policy',
      snap,
      'costscale_replicas',
      'team=b',
      'no costscale policy serves namespace "shop" with labels matching "team=b"',
    ],
    [
      'not-finite',
      snap,
      'costscale_forecast_demand',
      'policy=orders',
      'costscale policy shop/orders has no finite value for costscale_forecast_demand: no newer decision',
    ],
  ])('%s', (kind, s, metric, selector, message) => {
    expect(failure(ask(s, metric, selector))).toMatchObject({ kind, message });
  });

  test('a policy without values yet fails the whole selection', () => {
    const pending = snapshot(
      policy('orders'),
      policy('new', { values: undefined, valuesAt: undefined, error: 'no data' }),
    );
    expect(failure(ask(pending, 'costscale_cost_per_hour'))).toEqual({
      kind: 'no-value',
      policy: 'shop/new',
      message: 'costscale policy shop/new has no value yet: no data',
    });
  });

  test('values are served up to, not at, the staleness bound', () => {
    expect(ask(snap, 'costscale_replicas', 'policy=orders', 'shop', T + 59_999).ok).toBe(true);
    expect(failure(ask(snap, 'costscale_replicas', 'policy=orders', 'shop', T + 60_000))).toEqual({
      kind: 'stale',
      policy: 'shop/orders',
      message:
        'the last value of costscale policy shop/orders is 60s old (staleness bound 60s): no newer decision',
    });
  });
});
