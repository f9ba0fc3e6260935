'use strict';
// What a policy's cost-per-hour watch holds as its detector ages (issue 16), as the engine holds it
// (engine/signalAnomalies.ts): N policies' cost fed one bucket mean per observe (each observe closes the
// bucket before), the heap after a full collection and the typed arrays' contents, divided by N, after an
// hour, a day and eight days of 5-minute buckets; and the CPU time of the observes. The engine bench runs
// minutes of simulated time, all of it inside a detector's first day; this is what a long-running service
// holds. COST=flat: each policy's cost stays at its own value (replicas at their floor); COST=varying:
// it follows a daily cycle of replicas with noise, so every bucket mean differs. Run with --expose-gc:
//   node --expose-gc test/bench/signal-detector-bytes.js            (ADAPTER_DIST=<dist> for another build)
const { join } = require('node:path');
const v8 = require('node:v8');

const dist = process.env.ADAPTER_DIST ?? join(__dirname, '..', '..', 'adapter', 'dist');
const { SignalAnomalies } = require(join(dist, 'engine', 'signalAnomalies.js'));

const N = Number(process.env.N ?? 2000);
const COST = process.env.COST ?? 'flat';
const STEP_MS = 300_000;
const DAY_BUCKETS = 288;
const CHECKPOINTS = [
  ['an hour', 12],
  ['a day', DAY_BUCKETS],
  ['eight days', 8 * DAY_BUCKETS],
];
const PRICE = 0.0789;
const T0 = Date.UTC(2026, 10, 2);

/** Deterministic noise in [-0.5, 0.5). */
const noise = (i, k) => {
  const x = Math.sin(i * 12.9898 + k * 78.233) * 43758.5453;
  return x - Math.floor(x) - 0.5;
};
/** Policy i's mean cost per hour over bucket k. */
const cost =
  COST === 'flat'
    ? (i) => (1 + (i % 5)) * PRICE
    : (i, k) => Math.max(1, 4 + 2 * Math.sin((2 * Math.PI * k) / DAY_BUCKETS + i) + 2 * noise(i, k)) * PRICE;

function measure() {
  globalThis.gc();
  globalThis.gc();
  return v8.getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers;
}

const samples = Array.from({ length: N }, (_, i) => ({
  namespace: `ns${i % 20}`,
  owner: `svc${i}`,
  signal: 'cost-per-hour',
  value: 0,
  stepMs: STEP_MS,
}));
const before = measure();
const watcher = new SignalAnomalies(() => undefined);
let cpuMs = 0;
let k = 0;
console.log(`${N} cost-per-hour watches, ${COST} cost, 5-minute buckets (${dist})`);
for (const [label, buckets] of CHECKPOINTS) {
  const cpu = process.cpuUsage();
  for (; k <= buckets; k++) {
    for (let i = 0; i < N; i++) samples[i] = { ...samples[i], value: cost(i, k) };
    watcher.observe(samples, T0 + k * STEP_MS);
  }
  const used = process.cpuUsage(cpu);
  cpuMs += (used.user + used.system) / 1000;
  const bytes = (measure() - before) / N;
  console.log(
    `after ${label} (${buckets} buckets): ${(bytes / 1024).toFixed(2)} KiB a watch; CPU ${((cpuMs * 1000) / (k * N)).toFixed(2)} µs a watch a bucket`,
  );
}
