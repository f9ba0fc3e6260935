// Soak (issue 16): a real `costscale serve` (real Prometheus scraping a small exporter, embedded
// PostgreSQL in a data folder, forecasting on, the heap cap of deploy/base) under an open-loop generator at a fixed 1,000 External
// Metrics GETs per second over TLS with keep-alive: request i is sent at start + i/rate whatever earlier
// ones did, and its latency counts from that scheduled time, so queueing is not hidden. Every minute:
// requests, errors, p50/p99/max and the service's RSS (from /proc). RSS growth after warm-up (the
// first minute) is the last minute's RSS against the warm-up's (target < 10 %); the baseline, same run,
// is the RSS the service had when ready, before any request.
// Usage: node -r ./test/bench/swc-register.cjs test/bench/soak.bench.ts   (SOAK_MINUTES=5 to shorten)
import { createServer } from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCostscale } from '../support/cli';
import { freePort, waitFor } from '../support/ports';
import { startPrometheus } from '../support/prometheus';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const RATE = Number(process.env.SOAK_RATE ?? 1000);
const POLICIES = 50;
const WARMUP_MINUTES = 1;

const exposition = (): string =>
  [
    '# TYPE soak_requests gauge',
    ...Array.from(
      { length: POLICIES },
      (_, i) => `soak_requests{service="svc${i}"} ${100 + 40 * Math.sin(Date.now() / 600_000 + i)}`,
    ),
    '',
  ].join('\n');

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

interface Minute {
  latencies: number[];
  errors: number;
}

async function main(): Promise<void> {
  const exporterPort = await freePort();
  const exporter = createServer((_q, r) => r.end(exposition())).listen(exporterPort, '127.0.0.1');
  const prom = await startPrometheus({ targets: [`127.0.0.1:${exporterPort}`], scrapeIntervalSeconds: 5 });
  const dir = await mkdtemp(join(tmpdir(), 'costscale-soak-'));
  const port = await freePort();
  const metricsPort = await freePort();
  const file = join(dir, 'config.yaml');
  const policies = Array.from(
    { length: POLICIES },
    (_, i) => `  - name: svc${i}
    namespace: shop
    target: { name: svc${i} }
    demand: { query: 'sum(soak_requests{service="svc${i}"})' }
    capacityPerReplica: 20
    replicas: { min: 1, max: 50 }
    resources: { cpuCores: 0.5, memoryGiB: 1 }
`,
  ).join('');
  await writeFile(
    file,
    `prometheus:
  default: { url: '${prom.url}' }
policies:
${policies}server: { host: 127.0.0.1, port: ${port}, metricsPort: ${metricsPort}, auth: { mode: local } }
database: { dataDir: '${join(dir, 'pg')}', spoolFile: '${join(dir, 'spool.jsonl')}' }
log: { level: warn }
`,
  );
  // With the heap cap deploy/base sets, so the RSS is the shipped pod's (SOAK_NODE_OPTIONS to change it).
  const nodeOptions = process.env.SOAK_NODE_OPTIONS ?? '--max-old-space-size=256';
  const proc = startCostscale(['serve', '--config', file], { NODE_OPTIONS: nodeOptions });
  const pid = proc.child.pid!;
  const agent = new https.Agent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false });
  const path = (i: number) =>
    `/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/costscale_replicas?labelSelector=policy%3Dsvc${i % POLICIES}`;
  const get = (i: number): Promise<number> =>
    new Promise((resolve) => {
      const req = https
        .get({ host: '127.0.0.1', port, path: path(i), agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', () => resolve(0));
      // A request unanswered for 10 s counts as an error rather than stalling the run.
      req.setTimeout(10_000, () => req.destroy());
    });
  try {
    await waitFor(
      'ready',
      async () =>
        (await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => undefined))?.status === 200,
      120_000,
    );
    await waitFor(
      'every policy served',
      async () =>
        (await Promise.all(Array.from({ length: POLICIES }, (_, i) => get(i)))).every((s) => s === 200),
      120_000,
    );
    const readyRss = rssMiB(pid);
    console.log(
      `costscale serve (NODE_OPTIONS=${nodeOptions}): ${POLICIES} policies, forecasting on, embedded PostgreSQL; RSS when ready: ${readyRss.toFixed(0)} MiB (baseline)`,
    );
    console.log(`open loop at ${RATE} req/s for ${MINUTES} min (warm-up: the first ${WARMUP_MINUTES} min)`);
    console.log('minute  requests  errors  p50 ms  p99 ms  max ms  RSS MiB');

    const minutes: Minute[] = Array.from({ length: MINUTES }, () => ({ latencies: [], errors: 0 }));
    const rss: number[] = [];
    const total = RATE * 60 * MINUTES;
    const start = performance.now();
    let issued = 0;
    let settled = 0;
    await new Promise<void>((resolve) => {
      const send = (k: number, scheduled: number): void => {
        const minute = minutes[Math.floor(k / (RATE * 60))]!;
        void get(k).then((status) => {
          if (status === 200) minute.latencies.push(performance.now() - scheduled);
          else minute.errors++;
          if (++settled === total) resolve();
        });
      };
      let reported = 0;
      const pump = (): void => {
        const elapsed = performance.now() - start;
        const due = Math.min(total, Math.floor((elapsed * RATE) / 1000));
        while (issued < due) send(issued, start + (issued++ * 1000) / RATE);
        while (reported < MINUTES && elapsed >= (reported + 1) * 60_000) {
          rss.push(rssMiB(pid));
          report(reported + 1, minutes[reported]!, rss[reported]!);
          reported++;
        }
        if (issued < total || reported < MINUTES) setTimeout(pump, 1);
      };
      pump();
    });

    const afterWarmup = rss[WARMUP_MINUTES - 1]!;
    const last = rss.at(-1)!;
    const all = minutes.flatMap((m) => m.latencies).sort((a, b) => a - b);
    const errors = minutes.reduce((n, m) => n + m.errors, 0);
    console.log(
      `\nwhole run: ${all.length + errors} requests, ${errors} errors, p99 ${quantile(all, 0.99).toFixed(1)} ms`,
    );
    console.log(
      `RSS: ready ${readyRss.toFixed(0)} MiB (baseline), after warm-up ${afterWarmup.toFixed(0)} MiB, last minute ${last.toFixed(0)} MiB, peak ${Math.max(...rss).toFixed(0)} MiB`,
    );
    console.log(
      `RSS growth after warm-up: ${((last / afterWarmup - 1) * 100).toFixed(1)} %   (target < 10 %); over the baseline: ${(last / readyRss).toFixed(2)}×`,
    );
  } finally {
    agent.destroy();
    await proc.stop('SIGTERM');
    exporter.close();
    await prom.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function report(minute: number, m: Minute, rss: number): void {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const cells = [
    String(minute).padStart(6),
    String(sorted.length + m.errors).padStart(9),
    String(m.errors).padStart(7),
    quantile(sorted, 0.5).toFixed(1).padStart(7),
    quantile(sorted, 0.99).toFixed(1).padStart(7),
    (sorted.at(-1) ?? Number.NaN).toFixed(1).padStart(7),
    rss.toFixed(0).padStart(8),
  ];
  console.log(cells.join(' '));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
