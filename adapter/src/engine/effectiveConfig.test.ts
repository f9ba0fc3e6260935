import { Writable } from 'node:stream';
import pino from 'pino';
import type { ManagedState } from '../config/managed';
import { configSchema, policySchema } from '../config/schema';
import type { InvalidStoredItem } from '../store/policies';
import { EffectiveConfigSource } from './effectiveConfig';

const policy = (name: string) =>
  policySchema.parse({
    name,
    namespace: 'shop',
    target: { name },
    demand: { query: 'q' },
    capacityPerReplica: 1,
    replicas: { min: 1, max: 2 },
  });

const file = configSchema.parse({
  prometheus: { default: { url: 'http://p:9090' } },
  policies: [policy('web')],
});

function setup() {
  let now = Date.UTC(2026, 10, 1);
  const loads: number[] = [];
  const state: { managed: ManagedState & { invalid: InvalidStoredItem[] }; fail: boolean } = {
    managed: { policies: [], budgets: [], overrides: new Map(), invalid: [] },
    fail: false,
  };
  const warnings: string[] = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        warnings.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
        done();
      },
    }),
  );
  const source = new EffectiveConfigSource({
    file: () => file,
    load: async (at) => {
      loads.push(at);
      if (state.fail) throw new Error('database down');
      return state.managed;
    },
    clock: () => now,
    logger,
    reloadMs: 60_000,
  });
  const names = async () => (await source.current()).policies.map((p) => p.name);
  return { source, loads, state, warnings, names, advance: (ms: number) => (now += ms), now: () => now };
}

describe('EffectiveConfigSource', () => {
  test('merges the file with the managed state, the file first', async () => {
    const { state, names } = setup();
    state.managed = { ...state.managed, policies: [policy('cart'), policy('web')] };
    expect(await names()).toEqual(['web', 'cart']);
  });

  test('reloads managed state once the reload period has passed, not before', async () => {
    const { loads, state, names, advance, now } = setup();
    const t0 = now();
    await names();
    state.managed = { ...state.managed, policies: [policy('cart')] };
    advance(60_000);
    expect(await names()).toEqual(['web']);
    advance(1);
    expect(await names()).toEqual(['web', 'cart']);
    expect(loads).toEqual([t0, t0 + 60_001]);
  });

  test('an API change makes the next read reload', async () => {
    const { source, loads, state, names } = setup();
    await names();
    state.managed = { ...state.managed, policies: [policy('cart')] };
    source.invalidate();
    expect(await names()).toEqual(['web', 'cart']);
    expect(loads).toHaveLength(2);
  });

  test('while loading fails the last state stays in force; each failure is logged and retried at the next read', async () => {
    const { source, state, names, loads, warnings } = setup();
    state.managed = { ...state.managed, policies: [policy('cart')] };
    await names();
    state.fail = true;
    source.invalidate();
    expect(await names()).toEqual(['web', 'cart']);
    expect(await names()).toEqual(['web', 'cart']);
    expect(loads).toHaveLength(3);
    expect(warnings).toEqual([
      'loading API-managed policies failed; keeping the last state',
      'loading API-managed policies failed; keeping the last state',
    ]);
  });

  test('the same configuration object until the file or the managed state changes', async () => {
    const { source, state, advance } = setup();
    const first = await source.current();
    advance(30_000);
    expect(await source.current()).toBe(first);
    state.managed = { ...state.managed, policies: [policy('cart')] };
    source.invalidate();
    const reloaded = await source.current();
    expect(reloaded).not.toBe(first);
    expect(reloaded.policies.map((p) => p.name)).toEqual(['web', 'cart']);
    expect(await source.current()).toBe(reloaded);
  });

  test('stored items the schema rejects are logged', async () => {
    const { state, names, warnings } = setup();
    state.managed = { ...state.managed, invalid: [{ key: 'shop/old', error: 'unknown field' }] };
    await names();
    expect(warnings).toEqual(['stored item rejected by the current schema']);
  });
});
