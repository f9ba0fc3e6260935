import { createDetector, newWatch, seriesAnomaly, watchSample } from '../anomaly';
import { configSchema } from '../config/schema';
import type { PolicySnapshot } from '../snapshot/snapshot';
import type { AnomalyEventRecord } from '../store/anomalyEvents';
import type { TickBudget } from './assemble';
import type { TickOutput } from './engine';
import { SignalAnomalies, signalSamples, withSignalStates, type SignalSample } from './signalAnomalies';
import type { TickInputs } from './tickInputs';

const STEP = 60_000;
const TICK = 15_000;
const T0 = Date.UTC(2026, 0, 5);
const cost = (value: number | undefined): SignalSample => ({
  namespace: 'shop',
  owner: 'web',
  signal: 'cost-per-hour',
  value,
  stepMs: STEP,
});
/** A cost that wobbles around 2 per hour, deterministic. */
const quiet = (t: number) => 2 + 0.05 * Math.sin(t * 12.9898);

/**
 * Whether two states or events are the same but for their numbers, and those within 1e-4: a packed
 * detector's time-of-day and week slots come back from 16 bits (engine/packedDetector.ts), which moves its
 * scores and bands in their last digits.
 */
function nearlyEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return Object.is(a, b) || Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => nearlyEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function run(
  watcher: SignalAnomalies,
  from: number,
  minutes: number,
  value: (t: number) => number | undefined,
) {
  let last: ReturnType<SignalAnomalies['observe']> = [];
  for (let t = from; t < from + minutes * STEP; t += TICK) last = watcher.observe([cost(value(t))], t);
  return last;
}

describe('anomalies of cost, latency and budget spend', () => {
  it('scores bucket means and reports an episode when it starts and when the signal is back', () => {
    const events: AnomalyEventRecord[] = [];
    const watcher = new SignalAnomalies((e) => events.push(e));
    const day = 1440;
    run(watcher, T0, 2 * day, quiet);
    expect(events).toEqual([]);
    const spikeAt = T0 + 2 * day * STEP;
    const during = run(watcher, spikeAt, 10, () => 20);
    expect(during).toEqual([
      expect.objectContaining({ namespace: 'shop', owner: 'web', signal: 'cost-per-hour', active: true }),
    ]);
    run(watcher, spikeAt + 10 * STEP, 10, quiet);
    expect(events.map((e) => [e.signal, (e.startedAt - spikeAt) / STEP, e.endedAt === null])).toEqual([
      ['cost-per-hour', 0, true],
      ['cost-per-hour', 0, false],
    ]);
    const [started, ended] = events;
    expect(started).toMatchObject({ namespace: 'shop', policy: 'web' });
    expect(started!.expectedLow).toBeLessThan(2);
    expect(started!.expectedHigh).toBeGreaterThan(2);
    expect(started!.expectedHigh).toBeLessThan(20);
    // It ends once the means are back within the band for a few buckets.
    expect(ended!.endedAt! - spikeAt).toBeGreaterThan(10 * STEP);
    expect(ended!.endedAt! - spikeAt).toBeLessThan(15 * STEP);
    expect(ended!.peakScore).toBeGreaterThanOrEqual(0.35);
  });

  it('starts cold: no episode before its warm-up, whatever the values', () => {
    const events: AnomalyEventRecord[] = [];
    const watcher = new SignalAnomalies((e) => events.push(e));
    run(watcher, T0, 60, (t) => (t > T0 + 30 * STEP ? 50 : quiet(t)));
    expect(events).toEqual([]);
  });

  it('skips buckets without a reading instead of reading them as zero', () => {
    const events: AnomalyEventRecord[] = [];
    const watcher = new SignalAnomalies((e) => events.push(e));
    run(watcher, T0, 2 * 1440, quiet);
    run(watcher, T0 + 2 * 1440 * STEP, 30, () => undefined);
    run(watcher, T0 + (2 * 1440 + 30) * STEP, 30, quiet);
    expect(events).toEqual([]);
  });

  it('forgets signals no longer sampled, and keeps signals apart', () => {
    const watcher = new SignalAnomalies();
    const latency: SignalSample = { ...cost(0.2), signal: 'latency' };
    const budget: SignalSample = {
      namespace: '',
      owner: 'team',
      signal: 'budget-spend',
      value: 3,
      stepMs: 300_000,
    };
    const states = watcher.observe([cost(2), latency, budget], T0);
    expect(states.map((s) => `${s.namespace}/${s.owner}/${s.signal}`)).toEqual([
      'shop/web/cost-per-hour',
      'shop/web/latency',
      '/team/budget-spend',
    ]);
    expect(watcher.observe([budget], T0 + TICK).map((s) => s.signal)).toEqual(['budget-spend']);
  });

  it('finds each signal its own watch when the samples come in another order', () => {
    const watcher = new SignalAnomalies();
    const api: SignalSample = { ...cost(9), owner: 'api' };
    const entryOf = (name: string) => ({ name, namespace: 'shop' }) as unknown as PolicySnapshot;
    const out = () => ({ policies: [entryOf('web'), entryOf('api')], decisions: [] });
    const lists = (t: number, samples: SignalSample[]) =>
      withSignalStates(out(), watcher.observe(samples, t)).policies.map((p) => p.anomalies);
    const [web0, api0] = lists(T0, [cost(2), api]);
    // The same bucket: each signal's list as it was, its watch found by its name, not by its place.
    const [web1, api1] = lists(T0 + TICK, [api, cost(2)]);
    expect(web1).toBe(web0);
    expect(api1).toBe(api0);
    expect(web1).not.toBe(api1);
  });

  it("gives back a forgotten watch's packed bytes, and a watch's whose step changed", () => {
    const watcher = new SignalAnomalies();
    const held = () =>
      (watcher as unknown as { scorer: { slab: { heldBytes: number } } }).scorer.slab.heldBytes;
    const other: SignalSample = { ...cost(1), owner: 'api' };
    // Both watches score a bucket: each holds its packed detector in the scorer's slab.
    watcher.observe([cost(2), other], T0);
    watcher.observe([cost(2), other], T0 + 300_000);
    const both = held();
    expect(both).toBeGreaterThan(0);
    // 'api' is forgotten, 'web' restarts at another step: neither's bytes stay held.
    watcher.observe([{ ...cost(2), stepMs: 600_000 }], T0 + 300_000 + TICK);
    expect(held()).toBeLessThan(both / 2);
  });
});

describe('a watched signal held packed between its buckets', () => {
  /** The watch as it was before its detector was packed: bucket means fed to one detector, kept whole. */
  function unpackedWatch(onAnomaly: (e: AnomalyEventRecord) => void) {
    let w: { watch: ReturnType<typeof newWatch>; stepMs: number; start: number; sum: number; count: number };
    return (sample: SignalSample, now: number) => {
      if (w === undefined || w.stepMs !== sample.stepMs) {
        const start = Math.floor(now / sample.stepMs) * sample.stepMs;
        w = {
          watch: newWatch(createDetector({ stepMs: sample.stepMs })),
          stepMs: sample.stepMs,
          start,
          sum: 0,
          count: 0,
        };
      }
      if (now >= w.start + w.stepMs) {
        if (w.count > 0) {
          const was = w.watch.episode.active;
          watchSample(w.watch, w.start, w.sum / w.count);
          const e = w.watch.episode;
          if (e.active !== was)
            onAnomaly({
              namespace: sample.namespace,
              policy: sample.owner,
              signal: sample.signal,
              startedAt: e.since,
              endedAt: e.active ? null : w.start,
              peakScore: e.peak,
              expectedLow: e.low,
              expectedHigh: e.high,
            });
        }
        w.start = Math.floor(now / w.stepMs) * w.stepMs;
        w.sum = 0;
        w.count = 0;
      }
      if (sample.value !== undefined && Number.isFinite(sample.value)) {
        w.sum += sample.value;
        w.count += 1;
      }
      return {
        namespace: sample.namespace,
        owner: sample.owner,
        signal: sample.signal,
        ...seriesAnomaly(w.watch),
      };
    };
  }

  it("publishes every state and episode a detector kept whole would, within its slots' 16 bits: flat for days, a step, gaps, a spike, another step length", () => {
    const events: AnomalyEventRecord[] = [];
    const expectedEvents: AnomalyEventRecord[] = [];
    const watcher = new SignalAnomalies((e) => events.push(e));
    const reference = unpackedWatch((e) => expectedEvents.push(e));
    const day = 1440;
    let t = T0;
    const phases: Array<[minutes: number, value: (t: number) => number | undefined, stepMs?: number]> = [
      // Flat past the warm-up: its scores are tiny but not 0, and change bucket by bucket.
      [2 * day, () => 0.0789],
      [90, () => undefined],
      [day / 2, () => 2 * 0.0789],
      [20, () => 3],
      [day / 2, (u) => (u % (7 * TICK) === 0 ? Number.NaN : quiet(u))],
      // The policy's forecast step changed: a new detector, as before.
      [day, () => 0.0789, 120_000],
    ];
    let compared = 0;
    for (const [minutes, value, stepMs = STEP] of phases) {
      for (const end = t + minutes * STEP; t < end; t += TICK) {
        const sample = { ...cost(value(t)), stepMs };
        const [state] = watcher.observe([sample], t);
        const expected = reference(sample, t);
        // Unconditional; on a difference beyond 1e-4 the diff shows the state itself.
        expect(nearlyEqual(state, expected) ? expected : state).toEqual(expected);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(20_000);
    expect(expectedEvents.length).toBeGreaterThan(0);
    expect(nearlyEqual(events, expectedEvents) ? expectedEvents : events).toEqual(expectedEvents);
  });
});

describe('the tick signals', () => {
  const config = configSchema.parse({
    prometheus: { default: { url: 'http://127.0.0.1:9' } },
    policies: [
      {
        name: 'web',
        namespace: 'shop',
        target: { name: 'web' },
        demand: { query: 'd' },
        capacityPerReplica: 10,
        replicas: { min: 1, max: 5 },
        slo: { latencySeconds: { query: 'l', target: 0.5 } },
        forecast: { stepSeconds: 120 },
      },
      {
        name: 'api',
        namespace: 'shop',
        target: { name: 'api' },
        demand: { query: 'd' },
        capacityPerReplica: 10,
        replicas: { min: 1, max: 5 },
      },
    ],
  });
  const reading = (value: number) => ({ ok: true as const, value, timestamp: T0 });
  const inputs = {
    policies: [{ latency: reading(0.3) }, { latency: undefined }],
  } as unknown as TickInputs;
  const entry = (name: string, valuesAt: number, costPerHour: number) =>
    ({ name, namespace: 'shop', valuesAt, decision: { costPerHour } }) as unknown as PolicySnapshot;
  const out: TickOutput = {
    policies: [entry('web', T0, 1.5), entry('api', T0 - TICK, 9)],
    budgets: [{ name: 'team' }],
    decisions: [],
  };
  const budgets = [
    { name: 'team', periodStart: 0, status: { burnRatePerHour: 4 } },
  ] as unknown as TickBudget[];

  it("are a fresh decision's cost per hour, the latency with an SLO, and each budget's burn rate", () => {
    expect(signalSamples(config, inputs, out, budgets, T0)).toEqual([
      { namespace: 'shop', owner: 'web', signal: 'cost-per-hour', value: 1.5, stepMs: 120_000 },
      { namespace: 'shop', owner: 'web', signal: 'latency', value: 0.3, stepMs: 120_000 },
      // api's values are the last good ones, not this tick's.
      { namespace: 'shop', owner: 'api', signal: 'cost-per-hour', value: undefined, stepMs: 300_000 },
      { namespace: '', owner: 'team', signal: 'budget-spend', value: 4, stepMs: 300_000 },
    ]);
  });

  it("find each policy's entry by its name when the entries are not in the configuration's order", () => {
    const reordered = { ...out, policies: [entry('api', T0, 9), entry('web', T0 - TICK, 1.5)] };
    expect(signalSamples(config, inputs, reordered, [], T0).map((s) => [s.owner, s.signal, s.value])).toEqual(
      [
        ['web', 'cost-per-hour', undefined],
        ['web', 'latency', 0.3],
        ['api', 'cost-per-hour', 9],
      ],
    );
  });

  it('are published on their policy and budget', () => {
    const state = { score: 0.1, active: false, episodes: 0 };
    const published = withSignalStates(out, [
      { namespace: 'shop', owner: 'web', signal: 'cost-per-hour', ...state },
      { namespace: 'shop', owner: 'web', signal: 'latency', ...state },
      { namespace: '', owner: 'team', signal: 'budget-spend', ...state },
    ]);
    expect(published.policies[0]!.anomalies?.map((a) => a.signal)).toEqual(['cost-per-hour', 'latency']);
    expect(published.policies[1]!.anomalies).toBeUndefined();
    expect(published.budgets![0]!.anomaly).toEqual({ signal: 'budget-spend', ...state });
  });

  it("are added to this tick's own entries in place, as their last key, each list its states in order", () => {
    const fresh = [entry('web', T0, 1.5), entry('api', T0, 9)];
    const state = { score: 0.1, active: false, episodes: 0 };
    const states = [
      { namespace: 'shop', owner: 'web', signal: 'cost-per-hour' as const, ...state },
      { namespace: 'shop', owner: 'web', signal: 'latency' as const, ...state, score: 0.7 },
    ];
    // What the entries were before: a copy of each with its anomalies.
    const copied = fresh.map((p) =>
      p.name === 'web'
        ? {
            ...p,
            anomalies: [
              { signal: 'cost-per-hour', ...state },
              { signal: 'latency', ...state, score: 0.7 },
            ],
          }
        : p,
    );
    const published = withSignalStates({ ...out, policies: fresh }, states);
    expect(published.policies[0]).toBe(fresh[0]);
    expect(published.policies[1]).toBe(fresh[1]);
    expect(JSON.stringify(published.policies)).toBe(JSON.stringify(copied));
    expect(Object.keys(published.policies[0]!).at(-1)).toBe('anomalies');
  });

  it("find each policy's states when the entries are not in the states' order", () => {
    const state = (owner: string, signal: 'cost-per-hour' | 'latency', score: number) => ({
      namespace: 'shop',
      owner,
      signal,
      score,
      active: false,
      episodes: 0,
    });
    const published = withSignalStates({ ...out, policies: [entry('api', T0, 9), entry('web', T0, 1.5)] }, [
      state('web', 'cost-per-hour', 0.1),
      state('web', 'latency', 0.2),
      state('api', 'cost-per-hour', 0.3),
      { namespace: '', owner: 'team', signal: 'budget-spend', score: 0.4, active: false, episodes: 0 },
    ]);
    expect(published.policies.map((p) => [p.name, p.anomalies?.map((a) => [a.signal, a.score])])).toEqual([
      ['api', [['cost-per-hour', 0.3]]],
      [
        'web',
        [
          ['cost-per-hour', 0.1],
          ['latency', 0.2],
        ],
      ],
    ]);
    expect(published.budgets![0]!.anomaly).toEqual({
      signal: 'budget-spend',
      score: 0.4,
      active: false,
      episodes: 0,
    });
  });

  it('publish the same list while no bucket is scored, and a new one, the same keys, once one is', () => {
    const watcher = new SignalAnomalies();
    const publish = (t: number, value: number) => {
      const states = watcher.observe([cost(value)], t);
      const published = withSignalStates({ policies: [entry('web', t, value)], decisions: [] }, states);
      return { state: states[0]!, anomalies: published.policies[0]!.anomalies };
    };
    const first = publish(T0, 2);
    // The same bucket (a minute): the state as it was, and the same list.
    const steady = publish(T0 + TICK, 2.1);
    expect(steady.state).toEqual(first.state);
    expect(steady.anomalies).toBe(first.anomalies);
    // The bucket closed and was scored: a new state, and a new list the literal's keys in order.
    const next = publish(T0 + STEP, 2.2);
    expect(next.anomalies).not.toBe(first.anomalies);
    const { namespace, owner, ...literal } = next.state;
    expect([namespace, owner]).toEqual(['shop', 'web']);
    expect(JSON.stringify(next.anomalies)).toBe(JSON.stringify([literal]));
    expect(Object.keys(next.anomalies![0]!)).toEqual(['signal', 'score', 'active', 'episodes']);
  });

  it('are copied onto an entry that is already frozen', () => {
    const frozen = Object.freeze(entry('web', T0, 1.5));
    const state = { score: 0.1, active: false, episodes: 0 };
    const published = withSignalStates({ ...out, policies: [frozen] }, [
      { namespace: 'shop', owner: 'web', signal: 'cost-per-hour', ...state },
    ]);
    expect(published.policies[0]).not.toBe(frozen);
    expect(published.policies[0]).toEqual({ ...frozen, anomalies: [{ signal: 'cost-per-hour', ...state }] });
    expect(frozen.anomalies).toBeUndefined();
  });
});
