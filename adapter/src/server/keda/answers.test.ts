import { status } from '@grpc/grpc-js';
import type { PolicySnapshot, Snapshot } from '../../snapshot/snapshot';
import {
  isActive,
  metricSpecs,
  metricValues,
  parseTrigger,
  type ScaledObjectRef,
  type Trigger,
} from './answers';

const T = Date.UTC(2026, 0, 5);
const policy = (name: string, replicas: number, extra: Partial<PolicySnapshot> = {}): PolicySnapshot => ({
  name,
  namespace: 'shop',
  labels: { policy: name },
  allowedNamespaces: [],
  values: {
    costscale_replicas: replicas,
    costscale_load: replicas / 2,
    costscale_cost_per_hour: 1,
    costscale_budget_pressure: 0,
    costscale_forecast_demand: 1,
  },
  valuesAt: T,
  ...extra,
});
const snapshot = (...policies: PolicySnapshot[]): Snapshot => ({ generatedAt: T, tick: 1, policies });
const ref = (scalerMetadata: Record<string, string>, namespace = 'shop'): ScaledObjectRef => ({
  name: 'so',
  namespace,
  scalerMetadata,
});

function trigger(metadata: Record<string, string>, namespace?: string): Trigger {
  const parsed = parseTrigger(ref(metadata, namespace));
  if (!parsed.ok) throw new Error(parsed.error.details);
  return parsed.value;
}

describe('parseTrigger', () => {
  test('defaults: the ScaledObject namespace, costscale_replicas', () => {
    const t = trigger({ policy: 'web' });
    expect(t).toMatchObject({ policy: 'shop/web', metric: 'costscale_replicas' });
    expect(t.query).toMatchObject({
      namespace: 'shop',
      policyNamespace: 'shop',
      metric: 'costscale_replicas',
    });
  });

  test('a policy in another namespace is read from the ScaledObject namespace', () => {
    const t = trigger({ policy: 'web', namespace: 'shared', metric: 'costscale_load' }, 'team-a');
    expect(t.query).toMatchObject({
      namespace: 'team-a',
      policyNamespace: 'shared',
      metric: 'costscale_load',
    });
    expect(t.activity.metric).toBe('costscale_replicas');
  });

  test.each<[string, ScaledObjectRef | undefined]>([
    ['no request', undefined],
    ['no namespace anywhere', ref({ policy: 'web' }, '')],
    ['a selector smuggled in the name', ref({ policy: 'web,team=a' })],
  ])('%s is INVALID_ARGUMENT', (_, r) => {
    const parsed = parseTrigger(r);
    expect(!parsed.ok && parsed.error.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('answers', () => {
  test('int64 fields are rounded up, double fields exact', () => {
    const t = trigger({ policy: 'web', metric: 'costscale_load' });
    expect(metricValues(snapshot(policy('web', 5)), t, '', T, 60_000)).toEqual({
      ok: true,
      value: [{ metricName: 'costscale_load', metricValue: 3, metricValueFloat: 2.5 }],
    });
  });

  test('activity follows the decided replicas whatever metric the trigger reads', () => {
    const t = trigger({ policy: 'web', metric: 'costscale_load' });
    expect(isActive(snapshot(policy('web', 0)), t, T, 60_000)).toEqual({ ok: true, value: false });
    expect(isActive(snapshot(policy('web', 1)), t, T, 60_000)).toEqual({ ok: true, value: true });
  });

  test('the spec is given before the first snapshot and for stale values, not for an unknown policy', () => {
    const t = trigger({ policy: 'web' });
    expect(metricSpecs(undefined, t).ok).toBe(true);
    expect(metricSpecs(snapshot(policy('web', 2, { valuesAt: 0 })), t).ok).toBe(true);
    const missing = metricSpecs(snapshot(policy('api', 2)), t);
    expect(!missing.ok && missing.error.code).toBe(status.NOT_FOUND);
  });

  test('no snapshot yet, or a policy without values, is UNAVAILABLE', () => {
    const t = trigger({ policy: 'web' });
    const none = metricValues(undefined, t, 'm', T, 60_000);
    expect(!none.ok && none.error.code).toBe(status.UNAVAILABLE);
    const pending = metricValues(
      snapshot(policy('web', 1, { values: undefined, valuesAt: undefined })),
      t,
      'm',
      T,
      60_000,
    );
    expect(!pending.ok && pending.error).toEqual({
      code: status.UNAVAILABLE,
      details: 'costscale policy shop/web has no value yet: waiting for its first decision',
    });
  });
});
