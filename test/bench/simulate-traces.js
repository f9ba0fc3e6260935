'use strict';
// What-if benchmark (not a test): costscale against a plain CPU-70 % HPA on public demand traces, with
// the same workload (capacity per replica, readiness delay, bounds) and the same prices, both replayed
// through the HPA controller model with the 15 s sync.
//
//   npx tsc -b adapter && node test/bench/simulate-traces.js [--only nasa,azure,google,taxi]
//       [--interpolation linear|hold] [--nasa-step 300]
//
// Traces (test/fixtures/data, README there): NASA-HTTP requests per second (July–August 1995, averaged
// over 5 minutes), Azure VM CPU and Google cluster CPU (5-minute samples), NYC taxi passengers
// (30-minute buckets); demand is interpolated linearly between samples unless --interpolation hold.
// Each trace is its own workload: one replica serves 1/20 of the trace's 99th-percentile demand, so the
// busy hours need about 20 replicas; readiness delay 30 s; 1 CPU and 2 GiB per replica at the default
// price book.
//
// Rows per trace: the CPU-70 % HPA (its CPU modelled as demand / (ready replicas × capacity), capped at
// 100 % of the request); costscale with the policy defaults (balanced, SLO-miss cost v = 1 per
// replica-hour) behind an HPA with tolerance 0 (behavior.scale{Up,Down}.tolerance, Kubernetes ≥ 1.35)
// and behind an HPA without behavior (cluster tolerance 0.1); costscale with v = 25 (tolerance 0).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'adapter', 'dist');
const DATA = path.join(ROOT, 'test', 'fixtures', 'data');

for (const m of ['simulate/index.js', 'config/schema.js']) {
  if (!fs.existsSync(path.join(DIST, m))) {
    console.error(`adapter/dist/${m} is missing: build first with \`npx tsc -b adapter\`.`);
    process.exit(1);
  }
}
const sim = require(path.join(DIST, 'simulate', 'index.js'));
const { policySchema, priceBookSchema } = require(path.join(DIST, 'config', 'schema.js'));

function argument(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// ---- traces ----

function csvRows(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(','));
}

function fromColumns(times, values) {
  return { timesMs: Float64Array.from(times), demand: Float64Array.from(values) };
}

/** NASA-HTTP: per-second request counts in one line; averaged over STEP_SECONDS (requests/s). */
const STEP_SECONDS = Number(argument('nasa-step') ?? 300);
function nasa() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'costscale-nasa-'));
  try {
    execFileSync('tar', ['-xjf', path.join(DATA, 'traces', 'workload.tbz2'), '-C', dir]);
    const text = fs.readFileSync(path.join(dir, 'workload.txt'), 'utf8');
    const start = Date.UTC(1995, 6, 1);
    const times = [];
    const values = [];
    let sum = 0;
    let count = 0;
    let n = 0;
    for (const token of text.split(/\s+/)) {
      if (token === '') continue;
      sum += Number(token);
      count++;
      if (count === STEP_SECONDS) {
        times.push(start + n * STEP_SECONDS * 1000);
        values.push(sum / STEP_SECONDS);
        n++;
        sum = 0;
        count = 0;
      }
    }
    return fromColumns(times, values);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Azure VM CPU (seconds from the trace start, 5-minute steps). */
function azure() {
  const rows = csvRows(path.join(DATA, 'traces', 'vm_cpu_readings_month_aggregated_cpu_mem.csv'));
  const start = Date.UTC(2019, 0, 1);
  return fromColumns(
    rows.map((r) => start + Number(r[0]) * 1000),
    rows.map((r) => Number(r[1])),
  );
}

/** Google cluster CPU: one row per 5 minutes, no timestamps (clusterdata-2019 starts in May 2019). */
function google() {
  const rows = csvRows(path.join(DATA, 'traces', 'instance_usage_grouped_300_seconds_month.csv'));
  const start = Date.UTC(2019, 4, 1);
  return fromColumns(
    rows.map((_, i) => start + i * 300_000),
    rows.map((r) => Number(r[0])),
  );
}

/** NYC taxi passengers per 30 minutes. */
function taxi() {
  const rows = csvRows(path.join(DATA, 'nab', 'nyc_taxi.csv'));
  return fromColumns(
    rows.map((r) => sim.parseTimestamp(r[0])),
    rows.map((r) => Number(r[1])),
  );
}

const TRACES = { nasa, azure, google, taxi };

// ---- simulation ----

function quantile(values, p) {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function policyFor(name, capacity, sloMissCostPerHour) {
  return policySchema.parse({
    sloMissCostPerHour,
    name,
    namespace: 'bench',
    target: { name },
    demand: { query: 'demand' },
    capacityPerReplica: capacity,
    replicas: { min: 1, max: 1000 },
    readinessDelaySeconds: 30,
    resources: { cpuCores: 1, memoryGiB: 2 },
  });
}

function run(traceName) {
  const trace = TRACES[traceName]();
  const capacity = quantile(trace.demand, 0.99) / 20;
  const policy = policyFor(traceName, capacity, 1);
  const strict = policyFor(traceName, capacity, 25);
  const book = priceBookSchema.parse({});
  const workload = sim.workloadFromPolicy(policy, sim.policyCostPerReplicaHour(policy, book));
  const options = { interpolation: argument('interpolation') ?? 'linear' };
  const seen = sim.observeForCostscale(trace, 15_000, options.interpolation, sim.DEFAULT_PIPELINE, {
    shareReactive: true,
  });
  const scenarios = [
    { name: 'hpa-cpu:0.7', kind: 'hpa-cpu', targetUtilization: 0.7 },
    sim.costscaleScenario(policy, workload, seen, { name: 'costscale v=1 tol=0', hpaTolerance: 0 }),
    sim.costscaleScenario(policy, workload, seen, { name: 'costscale v=1 tol=0.1' }),
    sim.costscaleScenario(strict, workload, seen, { name: 'costscale v=25 tol=0', hpaTolerance: 0 }),
  ];
  const rows = scenarios.map((scenario) => {
    const started = process.hrtime.bigint();
    const result = sim.simulate(trace, workload, scenario, options);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { ...sim.summarize(result), seconds, steps: result.timeline.timesMs.length };
  });
  return { traceName, samples: trace.timesMs.length, capacity, rows };
}

function pad(text, width, left = false) {
  return left ? String(text).padEnd(width) : String(text).padStart(width);
}

function main() {
  const only = argument('only');
  const names = only === undefined ? Object.keys(TRACES) : only.split(',');
  const header = [
    pad('trace', 7, true),
    pad('scenario', 22, true),
    pad('days', 6),
    pad('replica-h', 10),
    pad('cost USD', 9),
    pad('cost ratio', 10),
    pad('SLO-miss min', 12),
    pad('miss ratio', 10),
    pad('unmet %', 8),
    pad('ups', 6),
    pad('downs', 6),
    pad('run s', 6),
  ].join('  ');
  console.log(header);
  const verdicts = [];
  for (const name of names) {
    const { rows, capacity, samples } = run(name);
    const base = rows[0];
    for (const r of rows) {
      const missRatio =
        base.sloMissMinutes > 0
          ? (r.sloMissMinutes / base.sloMissMinutes).toFixed(2)
          : r.sloMissMinutes > 0
            ? 'inf'
            : '-';
      console.log(
        [
          pad(name, 7, true),
          pad(r.name, 22, true),
          pad((r.hours / 24).toFixed(1), 6),
          pad(r.replicaHours.toFixed(0), 10),
          pad(r.cost.toFixed(2), 9),
          pad((r.cost / base.cost).toFixed(3), 10),
          pad(r.sloMissMinutes.toFixed(1), 12),
          pad(missRatio, 10),
          pad((r.unmetFraction * 100).toFixed(3), 8),
          pad(r.scaleUps, 6),
          pad(r.scaleDowns, 6),
          pad(r.seconds.toFixed(1), 6),
        ].join('  '),
      );
    }
    for (const costscale of [rows[1], rows[3]]) {
      const saving = 1 - costscale.cost / base.cost;
      verdicts.push(
        `${name} (${samples} samples, κ ${capacity.toPrecision(4)}/replica): ${costscale.name} costs ` +
          `${(100 * saving).toFixed(1)} % less than the CPU-70 % HPA, ${costscale.sloMissMinutes.toFixed(1)} vs ` +
          `${base.sloMissMinutes.toFixed(1)} SLO-miss minutes; target (≥ 25 % less, no more misses) ` +
          `${saving >= 0.25 && costscale.sloMissMinutes <= base.sloMissMinutes ? 'met' : 'NOT met'}`,
      );
    }
  }
  console.log(
    `\ncost ratio and miss ratio are relative to the CPU-70 % HPA of the same trace.\n${verdicts.join('\n')}`,
  );
}

main();
