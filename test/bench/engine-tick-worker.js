'use strict';
// Child of engine-tick.bench.ts: runs engine ticks on the compiled adapter against the Prometheus the
// parent started, and prints the figures. Not meant to be run by hand.
const { join } = require('node:path');

const dist = join(__dirname, '..', '..', 'adapter', 'dist');
const { configSchema } = require(join(dist, 'config', 'schema.js'));
const { createEvaluator } = require(join(dist, 'engine', 'evaluate.js'));
const { PrometheusClient } = require(join(dist, 'sources', 'index.js'));

const POLICIES = Number(process.env.POLICIES);
const TEMPLATES = Number(process.env.TEMPLATES);
const TICKS = Number(process.env.TICKS);
// With BUDGETS=1 every policy belongs to its namespace's budget (one budget per template), so the tick
// also reads each budget's spend and apportions its remainder over its policies.
const BUDGETS = process.env.BUDGETS === '1';

async function main() {
  const perTemplate = POLICIES / TEMPLATES;
  const policies = [];
  for (let t = 0; t < TEMPLATES; t++) {
    for (let i = 0; i < perTemplate; i++) {
      policies.push({
        name: `svc${i}`,
        namespace: `ns${t}`,
        target: { name: `svc${i}` },
        demand: { query: `sum(bench_requests_${t}{namespace="ns${t}",service="svc${i}"})` },
        capacityPerReplica: 20,
        replicas: { min: 1, max: 50 },
        resources: { cpuCores: 0.5, memoryGiB: 1 },
        ...(BUDGETS && { budget: `team${t}` }),
      });
    }
  }
  const config = configSchema.parse({
    prometheus: { default: { url: process.env.PROM_URL, timeoutSeconds: 30, cacheSeconds: 0 } },
    policies,
    budgets: BUDGETS
      ? Array.from({ length: TEMPLATES }, (_, t) => ({
          name: `team${t}`,
          period: 'monthly',
          amount: 1_000_000,
          scope: { namespaces: [`ns${t}`] },
        }))
      : [],
  });
  let requests = 0;
  const observer = {
    request: () => requests++,
    query: () => undefined,
    circuitStateChanged: () => undefined,
  };
  const client = new PrometheusClient({ name: 'default', backend: config.prometheus.default, observer });
  const backends = new Map([['default', client]]);
  const evaluate = createEvaluator({ backends: () => backends });

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  let previous;
  const durations = [];
  const requestCounts = [];
  let decided = 0;
  for (let k = 0; k < TICKS; k++) {
    const before = requests;
    const start = performance.now();
    const out = await evaluate(config, Date.now(), previous);
    durations.push(performance.now() - start);
    requestCounts.push(requests - before);
    previous = { generatedAt: Date.now(), tick: k + 1, policies: out.policies };
    decided = out.policies.filter((p) => p.error === undefined).length;
  }
  clearInterval(sampler);

  const baseline = [];
  for (let k = 0; k < 5; k++) {
    const start = performance.now();
    for (let t = 0; t < TEMPLATES; t++)
      await client.instant(`sum by (service) (bench_requests_${t})`, { time: Date.now() + k });
    baseline.push(performance.now() - start);
  }
  client.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const steady = durations.slice(1);
  if (decided < POLICIES) console.log(`first error: ${previous.policies.find((p) => p.error)?.error}`);
  console.log(
    `policies: ${POLICIES} over ${TEMPLATES} templates${BUDGETS ? `, each in one of ${TEMPLATES} budgets` : ''}, ticks: ${TICKS}, decided: ${decided}`,
  );
  console.log(`first tick (with warm-start range queries): ${durations[0].toFixed(0)} ms`);
  console.log(`median tick (steady state): ${median(steady).toFixed(0)} ms   (target ≤ 2000 ms)`);
  console.log(
    `baseline, the ${TEMPLATES} demand queries alone: ${median(baseline).toFixed(0)} ms → tick/baseline = ${(median(steady) / median(baseline)).toFixed(2)}`,
  );
  console.log(
    `PromQL requests per tick (steady): ${median(requestCounts.slice(1))} for ${TEMPLATES} demand templates${BUDGETS ? ` and ${TEMPLATES} budgets` : ''} (1 naive request per policy would be ${POLICIES})`,
  );
  console.log(`peak RSS: ${(peakRss / 2 ** 20).toFixed(0)} MiB   (target ≤ 300 MB)`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
