import { setFlagsFromString, getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { configSchema } from '../config/schema';
import {
  SnapshotHolder,
  snapshotJson,
  snapshotLines,
  type PolicySnapshot,
  type Snapshot,
} from '../snapshot/snapshot';
import { storedDecision, type PendingDecision } from '../store/decisions';
import { FakePrometheus } from '../../../test/support/fakePrometheus';
import { capturedLog } from '../../../test/support/capturedLog';
import { Engine, type EvaluateTick } from './engine';
import { createEvaluator, createTickEvaluator } from './evaluate';

// The engine's tick: the served snapshot is replaced in one synchronous step, its entries let go as their
// successors are made (issue 16), and what is served and stored is what the evaluator over the served
// snapshot makes.

/** V8's full collection, without starting node with --expose-gc. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const T = Date.parse('2026-03-10T12:00:00Z');
const STEP = 15_000;

const entry = (name: string, at: number): PolicySnapshot => ({
  name,
  namespace: 'shop',
  labels: { policy: name },
  allowedNamespaces: [],
  valuesAt: at,
});

function engineOver(evaluate: EvaluateTick, holder: SnapshotHolder, now: () => number) {
  const log = capturedLog('error');
  const persisted: PendingDecision[][] = [];
  const engine = new Engine({
    evaluate,
    holder,
    persist: (d) => void persisted.push(d),
    clock: now,
    logger: log.logger,
  });
  return { engine, persisted, log };
}

describe('Engine.tick', () => {
  test('serving reads the served snapshot while the tick gathers and the new one after, never none', async () => {
    const holder = new SnapshotHolder({ generatedAt: T, tick: 7, policies: [entry('web', T)] });
    let release = (): void => undefined;
    const gathered = new Promise<void>((resolve) => (release = resolve));
    const evaluate: EvaluateTick = async () => {
      await gathered;
      return () => ({ policies: [entry('web', T + STEP)], decisions: [] });
    };
    const { engine } = engineOver(evaluate, holder, () => T + STEP);
    const seen: Array<number | undefined> = [];
    let ticking = true;
    // What a request would read, at every turn of the event loop while the tick runs.
    const poll = (): void => {
      seen.push(holder.current()?.tick);
      if (ticking) setImmediate(poll);
    };
    poll();
    const tick = engine.tick(configSchema.parse({ prometheus: { default: { url: 'http://p:9090' } } }));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await tick;
    ticking = false;
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.length).toBeGreaterThan(2);
    expect(seen).not.toContain(undefined);
    // The engine numbers its own ticks (a restored snapshot's number is not its own).
    expect(seen[0]).toBe(7);
    expect(seen.at(-1)).toBe(1);
    expect(holder.current()?.policies).toEqual([entry('web', T + STEP)]);
  });

  test("lets the served snapshot's entries go as their successors are made, within the tick", async () => {
    const N = 20;
    const holder = new SnapshotHolder();
    // Entries of about 0.8 MiB each (a list of doubles), published without a reference kept here.
    (() => {
      const big = (name: string) => ({ ...entry(name, T), error: 'x', anomalies: [] as never[] });
      const policies = Array.from({ length: N }, (_, i) => {
        const e = big(`p${i}`) as PolicySnapshot & { payload?: number[] };
        e.payload = Array.from({ length: 100_000 }, (_, k) => k + 0.5);
        return e;
      });
      holder.publish({ generatedAt: T, tick: 1, policies });
    })();
    const used: number[] = [];
    const evaluate: EvaluateTick = async () => (previous) => {
      collectGarbage();
      used.push(getHeapStatistics().used_heap_size);
      const policies = [];
      for (let i = 0; i < N; i++) {
        const next = entry(`p${i}`, T + STEP);
        previous?.succeed(`shop/p${i}`, next);
        policies.push(next);
      }
      collectGarbage();
      used.push(getHeapStatistics().used_heap_size);
      return { policies, decisions: [] };
    };
    await engineOver(evaluate, holder, () => T + STEP).engine.tick(
      configSchema.parse({ prometheus: { default: { url: 'http://p:9090' } } }),
    );
    // 20 × 100,000 doubles (16 MB) collected inside the synchronous step, before the new snapshot is published.
    expect(used[0]! - used[1]!).toBeGreaterThan(12 * 2 ** 20);
    expect(holder.current()?.generatedAt).toBe(T + STEP);
  });

  test('a tick that fails part-way publishes each new entry made and the served ones elsewhere', async () => {
    const holder = new SnapshotHolder({
      generatedAt: T,
      tick: 4,
      policies: [entry('web', T), entry('api', T)],
      budgets: [{ name: 'team' }],
    });
    const evaluate: EvaluateTick = async () => (previous) => {
      previous?.succeed('shop/web', entry('web', T + STEP));
      throw new Error('decide failed');
    };
    const { engine, persisted, log } = engineOver(evaluate, holder, () => T + STEP);
    await engine.tick(configSchema.parse({ prometheus: { default: { url: 'http://p:9090' } } }));
    expect(holder.current()).toEqual({
      generatedAt: T,
      tick: 4,
      policies: [entry('web', T + STEP), entry('api', T)],
      budgets: [{ name: 'team' }],
    });
    expect(engine.ticks).toBe(0);
    expect(persisted).toEqual([]);
    expect(log.messages).toEqual(['engine tick failed']);
  });
});

describe('what the engine publishes and persists', () => {
  const DEMAND = 'max by (service) (demo_demand{service=~"api|web"})';
  const REPLICAS =
    'max by (deployment) (kube_deployment_status_replicas{namespace="shop", deployment=~"api|web"})';
  const config = configSchema.parse({
    prometheus: { default: { url: 'http://127.0.0.1:9' } },
    policies: ['web', 'api'].map((name) => ({
      name,
      namespace: 'shop',
      target: { name },
      demand: { query: `max(demo_demand{service="${name}"})` },
      capacityPerReplica: 25,
      replicas: { min: 1, max: 20 },
      resources: { cpuCores: 1, memoryGiB: 2 },
      slo: { latencySeconds: { query: 'l', target: 0.3 } },
    })),
    engine: { intervalSeconds: 15, stalenessSeconds: 60 },
  });
  /** Demand by tick: api's series goes missing at the third tick and comes back at the fifth. */
  const demandAt = (k: number) => [
    { labels: { service: 'web' }, value: 100 + 7 * k },
    ...(k === 2 || k === 3 ? [] : [{ labels: { service: 'api' }, value: 30 + k }]),
  ];
  const prometheus = () =>
    new FakePrometheus('default', {
      [DEMAND]: demandAt(0),
      [REPLICAS]: [
        { labels: { deployment: 'web' }, value: 3 },
        { labels: { deployment: 'api' }, value: 2 },
      ],
    });

  test('is, byte for byte, what the evaluator makes from the served snapshot (snapshot JSON, NDJSON, records)', async () => {
    const viaEngine = prometheus();
    const viaServed = prometheus();
    let now = T;
    const holder = new SnapshotHolder();
    const { engine, persisted } = engineOver(
      createTickEvaluator({
        backends: () => new Map([['default', viaEngine]]),
        onSignalAnomaly: () => undefined,
      }),
      holder,
      () => now,
    );
    const evaluate = createEvaluator({
      backends: () => new Map([['default', viaServed]]),
      onSignalAnomaly: () => undefined,
    });
    let served: Snapshot | undefined;
    for (let k = 0; k < 6; k++) {
      now = T + k * STEP;
      viaEngine.answer(DEMAND, demandAt(k));
      viaServed.answer(DEMAND, demandAt(k));
      await engine.tick(config);
      const out = await evaluate(config, now, served);
      served = {
        generatedAt: now,
        tick: k + 1,
        policies: out.policies,
        ...(out.budgets && { budgets: out.budgets }),
      };
      const published = holder.current()!;
      expect(snapshotJson(published, 'compact')).toBe(snapshotJson(served, 'compact'));
      expect(snapshotJson(published, 'rendered')).toBe(snapshotJson(served, 'rendered'));
      expect(snapshotLines(published)).toBe(snapshotLines(served));
      expect(JSON.stringify(persisted[k]!.map(storedDecision))).toBe(
        JSON.stringify(out.decisions.map(storedDecision)),
      );
    }
    // The ticks took both paths: api's last good values kept through the missing series, then fresh.
    const api = (s: Snapshot) => s.policies.find((p) => p.name === 'api')!;
    expect(api(served!).error).toBeUndefined();
    expect(persisted.map((d) => d.find((r) => r.policy === 'api')!.result.ok)).toEqual([
      true,
      true,
      false,
      false,
      true,
      true,
    ]);
  });
});
