// Query planner benchmark: 10,000 policies over 20 query templates. Compares the planned requests
// with a naive one-request-per-policy plan in the same run: number of requests, and the client-side
// CPU per tick to plan, parse the JSON answers and split them per policy (no network). Timings on a
// shared machine are noisy: compare the ratios of one run, not absolute figures across runs.
// Run: npx tsc -b adapter && node test/bench/prometheus-planner.js
const { planQueries, PlanCache, parseQueryResponse, policySamples } = require('../../adapter/dist/sources');

const POLICIES = 10_000;
const TEMPLATES = 20;
const RUNS = 25;

const FUNCTIONS = ['rate', 'irate', 'increase', 'avg_over_time'];
const AGGREGATIONS = ['sum', 'avg', 'max', 'min', 'count'];

function templateQuery(t, namespace, service) {
  const agg = AGGREGATIONS[t % AGGREGATIONS.length];
  const fn = FUNCTIONS[t % FUNCTIONS.length];
  return `${agg}(${fn}(app_metric_${t}_total{namespace="${namespace}", service="${service}", code!~"5.."}[${1 + (t % 3)}m]))`;
}

const policies = Array.from({ length: POLICIES }, (_, i) => ({
  backend: 'default',
  query: templateQuery(i % TEMPLATES, `ns-${i % 50}`, `svc-${i}.v${i % 3}`),
}));

function naivePlan(list) {
  return {
    policies: list,
    queries: list.map((p, i) => ({ backend: p.backend, query: p.query, splitLabels: [], policies: [i] })),
    assignments: list.map((_, i) => ({ kind: 'query', queryIndex: i, splitValues: [] })),
    maxSeriesPerResult: 50_000,
  };
}

/** The JSON body Prometheus would return for each planned query: one series per policy it serves. */
function bodies(plan) {
  return plan.queries.map((q) => {
    const result = q.policies.map((i) => {
      const a = plan.assignments[i];
      const metric = Object.fromEntries(q.splitLabels.map((l, k) => [l, a.splitValues[k]]));
      return { metric, value: [1_700_000_000, String(i + 0.5)] };
    });
    return JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
  });
}

function tick(plan, answers) {
  const outcomes = answers.map((body) => ({ ok: true, response: parseQueryResponse(JSON.parse(body)) }));
  return policySamples(plan, outcomes);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median milliseconds of each function, run alternately so load from other processes hits both alike. */
function timeAlternately(...fns) {
  const samples = fns.map(() => []);
  const outs = [];
  for (let r = 0; r < RUNS + 3; r++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      outs[k] = fn();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r >= 3) samples[k].push(ms); // the first runs warm up the JIT
    });
  }
  return fns.map((_, k) => ({ ms: median(samples[k]), out: outs[k] }));
}

const cache = new PlanCache();
const [planned, cached, naive] = timeAlternately(
  () => planQueries(policies),
  () => cache.plan(policies),
  () => naivePlan(policies),
);
const plannedAnswers = bodies(planned.out);
const naiveAnswers = bodies(naive.out);
const [plannedTick, naiveTick] = timeAlternately(
  () => tick(planned.out, plannedAnswers),
  () => tick(naive.out, naiveAnswers),
);

const failures = [plannedTick.out, naiveTick.out].flat().filter((v) => !v.ok).length;
const mismatches = plannedTick.out.filter((v, i) => !v.ok || v.value !== i + 0.5).length;
if (failures > 0 || mismatches > 0)
  throw new Error(`${failures} failed and ${mismatches} wrong values per policy`);

const fmt = (x) => x.toFixed(2);
console.log(`policies: ${POLICIES}, templates: ${TEMPLATES}, median of ${RUNS} runs`);
console.log(
  `requests per tick      planned ${planned.out.queries.length}   naive ${naive.out.queries.length}   ratio ${(naive.out.queries.length / planned.out.queries.length).toFixed(0)}x fewer`,
);
console.log(
  `plan time (ms)         planned ${fmt(planned.ms)}   unchanged policies (PlanCache) ${fmt(cached.ms)}   naive ${fmt(naive.ms)}`,
);
console.log(
  `parse+split time (ms)  planned ${fmt(plannedTick.ms)}   naive ${fmt(naiveTick.ms)}   ratio ${fmt(naiveTick.ms / plannedTick.ms)}`,
);
const total = cached.ms + plannedTick.ms;
const naiveTotal = naive.ms + naiveTick.ms;
console.log(
  `client CPU per tick    planned (cached plan) ${fmt(total)}   naive ${fmt(naiveTotal)}   planned/naive ${fmt(total / naiveTotal)}`,
);
console.log(
  `largest merged query   ${Math.max(...planned.out.queries.map((q) => q.query.length))} characters`,
);
if (planned.out.queries.length !== TEMPLATES) {
  throw new Error(`expected ${TEMPLATES} requests, planned ${planned.out.queries.length}`);
}
