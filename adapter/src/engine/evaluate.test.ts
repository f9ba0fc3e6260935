import { configSchema } from '../config/schema';
import { heldExplanation, type BudgetEvent, type DecisionBudget } from '../domain';
import { PrometheusError } from '../sources';
import { FakePrometheus } from '../../../test/support/fakePrometheus';
import { createEvaluator } from './evaluate';
import type { PolicySnapshot, Snapshot } from '../snapshot/snapshot';
import { storedDecision } from '../store/decisions';

// The evaluator end to end over an in-process Prometheus answering from a table: the queries it asks,
// and the decisions, errors, budget shares and events that come out.

const NOW = Date.parse('2026-03-10T12:00:00Z');
const STEP = 15_000;
const DEMAND = 'max by (service) (demo_demand{service=~"api|web"})';
const REPLICAS =
  'max by (deployment) (kube_deployment_status_replicas{namespace="shop", deployment=~"api|web"})';
const SPEND =
  'sum(sum_over_time((max by (namespace, policy) (costscale_cost_per_hour{namespace=~"shop",policy=~"api|web"}))[820800s:300s])) / 12';

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
    budget: 'team',
  })),
  budgets: [{ name: 'team', period: 'monthly', amount: 1000, scope: { namespaces: ['shop'] } }],
  engine: { intervalSeconds: 15, stalenessSeconds: 60 },
});

function prometheus(): FakePrometheus {
  return new FakePrometheus('default', {
    [DEMAND]: [
      { labels: { service: 'web' }, value: 100 },
      { labels: { service: 'api' }, value: 30 },
    ],
    [REPLICAS]: [
      { labels: { deployment: 'web' }, value: 3 },
      { labels: { deployment: 'api' }, value: 2 },
    ],
    [SPEND]: [{ value: 400 }],
  });
}

/** Runs ticks one step apart, each with the previous tick's output as its previous snapshot. */
async function ticks(
  fake: FakePrometheus,
  n: number,
  onBudgetEvents?: (e: BudgetEvent[], p: number) => void,
) {
  const evaluate = createEvaluator({
    backends: () => new Map([['default', fake]]),
    ...(onBudgetEvents && { onBudgetEvents }),
  });
  const outs = [];
  let previous: Snapshot | undefined;
  for (let k = 0; k < n; k++) {
    const at = NOW + k * STEP;
    const out = await evaluate(config, at, previous);
    outs.push(out);
    previous = { generatedAt: at, tick: k + 1, policies: out.policies, budgets: out.budgets ?? [] };
  }
  return outs;
}

const entry = (out: { policies: readonly { name: string }[] }, name: string) =>
  out.policies.find((p) => p.name === name) as Snapshot['policies'][number];
/** The entry's explanation as the REST API renders it. */
const explanation = (p: PolicySnapshot) => heldExplanation(p.explanation!);

test('decides every policy from the values Prometheus gives, with one request per query template', async () => {
  const fake = prometheus();
  const [out] = await ticks(fake, 1);
  // A flat hour of history (warm start): the median peak is D(t), and the young growth histogram's prior
  // holds a few percent at τ* = 1 / (1 + 0.04) = 0.96, so web (D / κ = 4 exactly) runs ⌈4.1⌉.
  expect(entry(out!, 'web').values?.costscale_replicas).toBe(5);
  expect(entry(out!, 'api').values?.costscale_replicas).toBe(2);
  expect(entry(out!, 'web').error).toBeUndefined();
  expect(fake.queries('instant').sort()).toEqual([DEMAND, REPLICAS, SPEND].sort());
  expect(fake.asked.filter((a) => a.kind === 'range')).toEqual([
    { kind: 'range', query: DEMAND, range: { start: NOW - 240 * STEP, end: NOW - STEP, stepMs: STEP } },
  ]);
  expect(fake.asked.filter((a) => a.kind === 'instant').every((a) => a.time === NOW)).toBe(true);
  const web = out!.decisions.map(storedDecision).find((d) => d.policy === 'web')!;
  expect(web).toMatchObject({ namespace: 'shop', decidedAt: NOW, replicas: 5 });
  const inputs = web.inputs as { distribution: { p50: number; p99: number } };
  expect(web.inputs).toMatchObject({ demand: 100, currentReplicas: 3 });
  expect(inputs.distribution.p50).toBeCloseTo(100, 1);
  expect(inputs.distribution.p99).toBeGreaterThan(100);
  expect(inputs.distribution.p99).toBeLessThan(110);
});

test('after the recent hour and then a day for the growth histogram, ticks read only instant values', async () => {
  const fake = prometheus();
  await ticks(fake, 4);
  expect(fake.asked.filter((a) => a.kind === 'range')).toEqual([
    { kind: 'range', query: DEMAND, range: { start: NOW - 240 * STEP, end: NOW - STEP, stepMs: STEP } },
    // The next tick: a day up to the tick before, observed into the histogram and dropped.
    { kind: 'range', query: DEMAND, range: { start: NOW + STEP - 5760 * STEP, end: NOW, stepMs: STEP } },
  ]);
  expect(fake.queries('instant')).toHaveLength(12);
});

test('a day of history warm-starts the growth histogram: bursts older than the recent hour count', async () => {
  // web burst from 100 to 190 for a minute every 10 minutes until two hours ago; flat since.
  const bursty = (t: number) => (t < NOW - 7_200_000 && Math.floor(t / 60_000) % 10 === 0 ? 190 : 100);
  const fake = prometheus().answer(DEMAND, [
    { labels: { service: 'web' }, value: 100, at: bursty },
    { labels: { service: 'api' }, value: 30 },
  ]);
  const [first, second] = await ticks(fake, 2);
  // The recent hour alone is flat: the prior's few percent.
  expect(entry(first!, 'web').values?.costscale_replicas).toBe(5);
  // With the day, one horizon in ten grows to 190: at τ* = 0.96 the peak is 190, ⌈190 / 25⌉ = 8 the most
  // replicas weighed. A flat base has seen no fall in its last 5 minutes and reads no fallen row: the bases
  // of the 5 minutes after each burst are read apart, so about one in five of the rest grows to 190, and at
  // v = 1 an hour a 20 % chance of a miss (0.2) outweighs 3 more replicas (0.12 an hour): 8 run. (Read with
  // the bases after the bursts, a 10 % chance held 5.)
  expect(entry(second!, 'web').decision?.unboundedReplicas).toBe(8);
  expect(entry(second!, 'web').values?.costscale_replicas).toBe(8);
  const source = (
    second!.decisions.map(storedDecision).find((d) => d.policy === 'web')!.inputs as {
      provenance: { distribution: { source: string } };
    }
  ).provenance.distribution.source;
  expect(source).toMatch(/from 57\d\d past horizons/);
});

test('recent demand is loaded for a bounded number of policies per tick; the others decide without it', async () => {
  const fake = prometheus();
  const evaluate = createEvaluator({ backends: () => new Map([['default', fake]]), warmStartsPerTick: 1 });
  const first = await evaluate(config, NOW, undefined);
  expect(fake.queries('range')).toEqual(['max(demo_demand{service="web"})']);
  expect(entry(first, 'web').values?.costscale_replicas).toBe(5);
  // api, not loaded yet, decides on D(t) alone.
  expect(entry(first, 'api').error).toBeUndefined();
  expect(entry(first, 'api').values?.costscale_replicas).toBe(2);
  await evaluate(config, NOW + STEP, undefined);
  await evaluate(config, NOW + 2 * STEP, undefined);
  // The recent hour of each in turn, each followed a tick later by its day for the growth histogram.
  expect(fake.queries('range')).toEqual([
    'max(demo_demand{service="web"})',
    'max(demo_demand{service="api"})',
    'max(demo_demand{service="web"})',
    'max(demo_demand{service="api"})',
  ]);
});

test('a missing series and a failing query are errors in the explanation; the last good values stay', async () => {
  const fake = prometheus();
  const evaluate = createEvaluator({ backends: () => new Map([['default', fake]]) });
  const first = await evaluate(config, NOW, undefined);
  fake.answer(DEMAND, [{ labels: { service: 'web' }, value: 100 }]);
  const previous: Snapshot = { generatedAt: NOW, tick: 1, policies: first.policies };
  const second = await evaluate(config, NOW + STEP, previous);

  const api = entry(second, 'api');
  expect(api.error).toMatch(/no series.*demo_demand\{service="api"\}/);
  expect(explanation(api).errors).toContain('demand is missing: no decision (never a silent zero)');
  expect(explanation(api).inputs.find((i) => i.name === 'demand')?.source).toMatch(/no series/);
  expect(api.values).toEqual(entry(first, 'api').values);
  expect(api.valuesAt).toBe(NOW);
  expect(second.decisions.map(storedDecision).find((d) => d.policy === 'api')?.replicas).toBeNull();
  expect(entry(second, 'web').valuesAt).toBe(NOW + STEP);

  fake.answer(
    DEMAND,
    new PrometheusError('bad_data: parse error', {
      backend: 'default',
      query: DEMAND,
      kind: 'api',
      errorType: 'bad_data',
      retryable: false,
    }),
  );
  const third = await evaluate(config, NOW + 2 * STEP, { ...previous, policies: second.policies });
  expect(entry(third, 'web').error).toMatch(/parse error/);
  expect(entry(third, 'web').valuesAt).toBe(NOW + STEP);
});

test('demand sampled longer ago than the staleness bound decides nothing', async () => {
  const fake = prometheus().answer(DEMAND, [
    { labels: { service: 'web' }, value: 100, timestamp: NOW - 61_000 },
    { labels: { service: 'api' }, value: 30 },
  ]);
  const [out] = await ticks(fake, 1);
  expect(entry(out!, 'web').values).toBeUndefined();
  expect(entry(out!, 'web').error).toMatch(/demand is stale: observed 61 s ago \(bound 60 s\)/);
  expect(entry(out!, 'api').values?.costscale_replicas).toBe(2);
});

test("a shared budget's remainder is split by each policy's burn, and crossings are events once", async () => {
  const fake = prometheus().answer(SPEND, [{ value: 960 }]);
  const events: Array<{ events: BudgetEvent[]; periodStart: number }> = [];
  const [first, second] = await ticks(fake, 2, (e, periodStart) => events.push({ events: e, periodStart }));
  const budgetOf = (out: typeof first, name: string) =>
    (out!.decisions.map(storedDecision).find((d) => d.policy === name)!.inputs as { budget: DecisionBudget })
      .budget;
  // No previous decisions, so no burn: equal shares of the 40 left.
  expect(budgetOf(first, 'web').remaining).toBeCloseTo(20, 9);
  expect(budgetOf(first, 'api').remaining).toBeCloseTo(20, 9);
  const cost = (name: string) => entry(first!, name).values!.costscale_cost_per_hour;
  expect(cost('web')).toBeGreaterThan(cost('api'));
  expect(budgetOf(second, 'web').remaining).toBeCloseTo((40 * cost('web')) / (cost('web') + cost('api')), 9);
  expect(budgetOf(second, 'api').remaining).toBeCloseTo((40 * cost('api')) / (cost('web') + cost('api')), 9);
  expect(second!.budgets?.[0]?.status?.burnRatePerHour).toBeCloseTo(cost('web') + cost('api'), 9);

  expect(events).toEqual([
    {
      periodStart: Date.parse('2026-03-01T00:00:00Z'),
      events: [
        expect.objectContaining({ budget: 'team', threshold: 'warning', direction: 'up' }),
        expect.objectContaining({ budget: 'team', threshold: 'critical', direction: 'up' }),
      ],
    },
  ]);
});

test('a failing spend query is the budget error, and decisions go on without the budget', async () => {
  const fake = prometheus().answer(SPEND, new Error('connection refused'));
  const [out] = await ticks(fake, 1);
  expect(out!.budgets).toEqual([{ name: 'team', error: 'connection refused' }]);
  expect(entry(out!, 'web').values?.costscale_replicas).toBe(5);
  const web = out!.decisions.map(storedDecision).find((d) => d.policy === 'web')!.inputs as {
    budget?: DecisionBudget;
  };
  expect(web).toMatchObject({ provenance: { budget: { source: 'connection refused' } } });
  expect(web.budget).toBeUndefined();
});

test('decisions read the growth histogram the gatherer keeps per policy, warm-started from the history', async () => {
  // The hour before holds web's bursts: 100 rising to 200 for a minute every 10 minutes.
  const bursty = (t: number) => (Math.floor(t / 60_000) % 10 === 0 ? 200 : 100);
  const fake = prometheus().answer(DEMAND, [
    { labels: { service: 'web' }, value: 100, at: bursty },
    { labels: { service: 'api' }, value: 30 },
  ]);
  const [first, second] = await ticks(fake, 2);
  for (const out of [first!, second!]) {
    const web = out.decisions.map(storedDecision).find((d) => d.policy === 'web')!.inputs as {
      provenance: { distribution: { source: string } };
    };
    expect(web.provenance.distribution.source).toMatch(/^reactive \(decayed histogram of peak growth/);
    // ⌈100 / 25⌉ = 4 would serve the demand now; the bursts the history showed ask for more.
    expect(entry(out, 'web').values?.costscale_replicas).toBeGreaterThan(4);
  }
  // api's history is flat: zero growth exactly, so ⌈30 / 25⌉.
  expect(entry(second!, 'api').values?.costscale_replicas).toBe(2);
});
