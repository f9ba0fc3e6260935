// Forwarding overhead (issue 13: "forwarding adds less than 1 ms at p99 on loopback"): a KEDA
// ScaledObject metric read through costscale's External Metrics server, which forwards it to KEDA's
// metrics server (a stand-in), against the same request sent to that server directly — the path the
// HPA takes when KEDA owns the APIService. A third path is the floor of any Node.js hop: a bare relay
// (node:https server, undici pool, no authentication, routing or metrics) in costscale's place, so
// the figures separate what costscale's own work adds from what a second HTTPS hop in Node costs.
// All over TLS with keep-alive, the caller presenting kube-aggregator's front-proxy certificate
// (costscale's authorization cache warm). The paths take turns request by request (the order
// rotated every round), one request in flight, one kept-alive connection each, so all see the same
// machine load at the same moments. costscale, the relay and the stand-in each run in their own
// process (this script, started with --serve), as in a cluster, so no one's garbage collection lands
// in another's latency; costscale is wired as `serve` wires it (forward metrics, a logger).
// Reports p50/p99/p99.9 of each path and their differences, the load average, and what load does not
// distort: each server's CPU time (user and system), bytes allocated and GC pauses per request, and
// costscale answering its own metric over the same TLS and authentication.
// Run it at a quiet moment: on a shared machine the tail measures the scheduler.
// Usage: node -r ./test/bench/swc-register.cjs test/bench/forwarding.bench.ts
//   SAMPLES=20000 (per path), WARMUP=3000 (per path),
//   BENCH_PROFILE_DIR=DIR writes a CPU profile and a sampling heap profile (allocation sites) of each
//   server over the interleaved run (keda.cpuprofile, keda.heapprofile, costscale.*), for Chrome
//   DevTools; BENCH_SERVER_NODE_ARGS passes node flags to both servers.

import { fork } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getPriority, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import pino from 'pino';
import { Registry } from 'prom-client';
import { Client, Pool } from 'undici';
import { forwardSettingsSchema } from '../../adapter/src/config/forwardSettings';
import { loadKubeConnection } from '../../adapter/src/k8s/connection';
import { createKubernetesAuthApi } from '../../adapter/src/server/auth';
import { createApiServer } from '../../adapter/src/server/external-metrics';
import { createForwarder } from '../../adapter/src/server/forward';
import { SnapshotHolder } from '../../adapter/src/snapshot/snapshot';
import { registerForwardMetrics } from '../../adapter/src/telemetry/forwardMetrics';
import { createCA, localServerCertificate, type Issued } from '../support/certs';
import { startKedaMetricsStandin } from '../support/keda-metrics-standin';
import { startKubernetesStandin } from '../support/k8s-standin';

const SAMPLES = Number(process.env.SAMPLES ?? 20_000);
const WARMUP = Number(process.env.WARMUP ?? 3_000);
const FORWARDED_PATH =
  '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/s0-prometheus?labelSelector=scaledobject.keda.sh%2Fname%3Dcheckout';
const OWN_PATH =
  '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/costscale_replicas?labelSelector=policy%3Dcheckout';
// What kube-aggregator sends on behalf of the HPA controller.
const CALLER_HEADERS = {
  'x-remote-user': 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
  'x-remote-group': ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
  accept: 'application/vnd.kubernetes.protobuf, */*',
  'user-agent': 'kube-controller-manager/v1.33.0 (linux/amd64) kubernetes/horizontal-pod-autoscaler',
};

interface Pki {
  readonly workDir: string;
  readonly frontProxyCA: string;
  readonly kedaCA: string;
  /** The stand-in's and the relay's serving certificate (from kedaCA). */
  readonly keda: Issued;
  /** What costscale and the relay present to the stand-in. */
  readonly costscaleClient: Issued;
}

type Role = 'keda' | 'costscale' | 'relay';

/** A server's resource use since it started. */
interface ServerStats {
  readonly userMicros: number;
  readonly systemMicros: number;
  /** Bytes allocated on the V8 heap (from the heap sizes around each GC). */
  readonly allocatedBytes: number;
  readonly gcCount: number;
  readonly gcMs: number;
  /** Pauses of 0.5 ms or more: what can reach a p99 of about that size. */
  readonly gcLong: number;
}

type ToServer =
  | { readonly type: 'stats' }
  | { readonly type: 'profile-start' }
  /** Writes `<file>.cpuprofile` and `<file>.heapprofile`. */
  | { readonly type: 'profile-stop'; readonly file: string };
type FromServer =
  | { readonly type: 'ready'; readonly url: string; readonly ca: string }
  | { readonly type: 'stats'; readonly stats: ServerStats }
  | { readonly type: 'profiled' };

/** This script in another process serving `role`, driven over the IPC channel. */
async function serve(role: Role, pki: Pki, extra: Record<string, string> = {}) {
  const child = fork(__filename, ['--serve', role], {
    execArgv: [
      // costscale with the heap cap deploy/base gives it.
      ...(role === 'costscale' ? ['--max-old-space-size=256'] : []),
      ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''),
      '-r',
      path.join(__dirname, 'swc-register.cjs'),
    ],
    env: { ...process.env, BENCH_PKI: JSON.stringify(pki), ...extra },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends FromServer['type']>(type: T) =>
    new Promise<Extract<FromServer, { type: T }>>((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`${role} server exited with ${code}`));
      const onMessage = (message: FromServer): void => {
        if (message.type !== type) return;
        child.off('message', onMessage).off('exit', onExit);
        resolve(message as Extract<FromServer, { type: T }>);
      };
      child.on('message', onMessage).once('exit', onExit);
    });
  const ready = await next('ready');
  const profileDir = process.env.BENCH_PROFILE_DIR;
  return {
    url: ready.url,
    ca: ready.ca,
    stats: async (): Promise<ServerStats> => {
      const answer = next('stats');
      child.send({ type: 'stats' } satisfies ToServer);
      return (await answer).stats;
    },
    profileStart: (): void => {
      if (profileDir !== undefined) child.send({ type: 'profile-start' } satisfies ToServer);
    },
    profileStop: async (): Promise<void> => {
      if (profileDir === undefined) return;
      const done = next('profiled');
      child.send({
        type: 'profile-stop',
        file: path.resolve(profileDir, role),
      } satisfies ToServer);
      await done;
    },
    stop: async (): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}

/** The --serve side: reports its stats when asked; closes and exits when the parent disconnects. */
function reportUntilDisconnected(close: () => Promise<void>): void {
  const gc = { gcCount: 0, gcMs: 0, gcLong: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.gcCount++;
      gc.gcMs += entry.duration;
      if (entry.duration >= 0.5) gc.gcLong++;
    }
  }).observe({ entryTypes: ['gc'] });
  // Allocation is what each GC found in use before it ran, less what the previous one left.
  let allocatedBytes = 0;
  let usedAfterLast = getHeapStatistics().used_heap_size;
  let profiler = new GCProfiler();
  profiler.start();
  const allocated = (): number => {
    for (const event of profiler.stop()?.statistics ?? []) {
      allocatedBytes += event.beforeGC.heapStatistics.usedHeapSize - usedAfterLast;
      usedAfterLast = event.afterGC.heapStatistics.usedHeapSize;
    }
    const used = getHeapStatistics().used_heap_size;
    allocatedBytes += used - usedAfterLast;
    usedAfterLast = used;
    profiler = new GCProfiler();
    profiler.start();
    return allocatedBytes;
  };
  const inspector = new Session();
  process.on('message', (message: ToServer) => {
    if (message.type === 'stats') {
      const { user, system } = process.cpuUsage();
      const stats: ServerStats = {
        userMicros: user,
        systemMicros: system,
        allocatedBytes: allocated(),
        ...gc,
      };
      process.send!({ type: 'stats', stats } satisfies FromServer);
    } else if (message.type === 'profile-start') {
      inspector.connect();
      inspector.post('Profiler.enable');
      inspector.post('Profiler.setSamplingInterval', { interval: 100 });
      inspector.post('Profiler.start');
      // Every allocation site, including objects already collected (the per-request garbage).
      inspector.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      } as never);
    } else {
      inspector.post('HeapProfiler.stopSampling', (heapError, heap) => {
        inspector.post('Profiler.stop', (cpuError, cpu) => {
          if (heapError === null) writeFileSync(`${message.file}.heapprofile`, JSON.stringify(heap.profile));
          if (cpuError === null) writeFileSync(`${message.file}.cpuprofile`, JSON.stringify(cpu.profile));
          inspector.disconnect();
          process.send!({ type: 'profiled' } satisfies FromServer);
        });
      });
    }
  });
  process.on('disconnect', () => void close().then(() => process.exit(0)));
}

/**
 * The bare relay: what any Node.js HTTPS hop costs. The caller's front-proxy headers are passed on
 * as they came and the answer relayed as it came, nothing checked, routed or counted.
 */
async function runRelay(pki: Pki): Promise<void> {
  const pool = new Pool(process.env.BENCH_KEDA_URL!, {
    connect: { ca: pki.kedaCA, ...pki.costscaleClient },
  });
  const server = https.createServer({ ...pki.keda, requestCert: true, rejectUnauthorized: false });
  server.keepAliveTimeout = 120_000;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const headers: string[] = [];
    for (const name of ['x-remote-user', 'x-remote-group', 'accept', 'user-agent']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers.push(name, value);
    }
    pool.dispatch(
      { path: req.url!, method: 'GET', headers },
      {
        onRequestStart: () => undefined,
        onResponseStart: (_controller, statusCode, responseHeaders) =>
          res.writeHead(statusCode, responseHeaders),
        onResponseData: (_controller, chunk) => void res.write(chunk),
        onResponseEnd: () => res.end(),
        onResponseError: (_controller, error) => res.destroy(error),
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.send!({ type: 'ready', url, ca: pki.kedaCA } satisfies FromServer);
  reportUntilDisconnected(async () => {
    server.closeAllConnections();
    await Promise.all([new Promise((resolve) => server.close(resolve)), pool.close()]);
  });
}

async function runServer(role: string, pki: Pki): Promise<void> {
  if (role === 'relay') {
    await runRelay(pki);
    return;
  }
  if (role === 'keda') {
    const keda = await startKedaMetricsStandin({ ...pki.keda, clientCA: pki.frontProxyCA });
    keda.values.set('shop/checkout/s0-prometheus', '2500m');
    // The stand-in records every request for tests; tens of thousands retained would make its GC,
    // which both paths wait on, grow through the run.
    const forget = setInterval(() => (keda.requests.length = 0), 200);
    process.send!({ type: 'ready', url: keda.url, ca: pki.kedaCA } satisfies FromServer);
    reportUntilDisconnected(async () => {
      clearInterval(forget);
      await keda.close();
    });
    return;
  }
  const k8s = await startKubernetesStandin();
  k8s.authenticationConfigMap = {
    'requestheader-client-ca-file': pki.frontProxyCA,
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
  };
  k8s.authorize = () => ({ allowed: true });
  const file = (name: string, text: string): string => {
    const p = path.join(pki.workDir, name);
    writeFileSync(p, text);
    return p;
  };
  // As `serve` runs: info-level logs (to nowhere here) and the forward metrics in a registry.
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const forwarder = createForwarder(
    forwardSettingsSchema.parse([
      {
        name: 'keda',
        url: process.env.BENCH_KEDA_URL,
        kedaScaledObjects: true,
        tls: {
          caFile: file('ca.crt', pki.kedaCA),
          certFile: file('client.crt', pki.costscaleClient.cert),
          keyFile: file('client.key', pki.costscaleClient.key),
        },
      },
    ]),
    { logger, observer: registerForwardMetrics(new Registry()) },
  );
  const connection = loadKubeConnection(k8s.writeKubeconfig(pki.workDir));
  if (connection === undefined) throw new Error('no stand-in connection');
  const api = await createApiServer({
    snapshot: new SnapshotHolder({
      generatedAt: Date.now(),
      tick: 1,
      policies: [
        {
          name: 'checkout',
          namespace: 'shop',
          labels: { policy: 'checkout' },
          allowedNamespaces: [],
          values: {
            costscale_replicas: 6,
            costscale_load: 5.25,
            costscale_cost_per_hour: 0.75,
            costscale_budget_pressure: 0.1,
            costscale_forecast_demand: 420,
          },
          valuesAt: Date.now() + 24 * 3600_000,
        },
      ],
    }),
    tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
    auth: { mode: 'delegated', kubeApi: createKubernetesAuthApi(connection) },
    forward: forwarder,
    logger,
  });
  const url = `https://127.0.0.1:${(await api.listen(0, '127.0.0.1')).port}`;
  process.send!({ type: 'ready', url, ca: api.servingCA! } satisfies FromServer);
  reportUntilDisconnected(async () => {
    await Promise.all([api.close(), k8s.close()]);
    forwarder.close();
  });
}

/** One kept-alive TLS connection presenting kube-aggregator's front-proxy certificate. */
function caller(url: string, ca: string, certificate: Issued) {
  const client = new Client(url, {
    connect: { ca, cert: certificate.cert, key: certificate.key },
    pipelining: 1,
  });
  /** The request's latency in ms, from sending it to the end of the answer's body. */
  const get = async (requestPath: string): Promise<number> => {
    const started = performance.now();
    const { statusCode, body } = await client.request({
      path: requestPath,
      method: 'GET',
      headers: CALLER_HEADERS,
    });
    const text = await body.text();
    const ms = performance.now() - started;
    if (statusCode !== 200) throw new Error(`status ${statusCode}: ${text}`);
    return ms;
  };
  return { get, close: () => client.close() };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const QUANTILES = [
  ['p50', 0.5],
  ['p99', 0.99],
  ['p99.9', 0.999],
] as const;

interface PerRequest {
  readonly cpuMicros: number;
  readonly userMicros: number;
  readonly systemMicros: number;
  readonly allocatedBytes: number;
  readonly gcMicros: number;
  readonly gcPer1000: number;
  readonly gcLongPer1000: number;
}

function perRequest(before: ServerStats, after: ServerStats, n: number): PerRequest {
  const user = (after.userMicros - before.userMicros) / n;
  const system = (after.systemMicros - before.systemMicros) / n;
  return {
    cpuMicros: user + system,
    userMicros: user,
    systemMicros: system,
    allocatedBytes: (after.allocatedBytes - before.allocatedBytes) / n,
    gcMicros: ((after.gcMs - before.gcMs) * 1000) / n,
    gcPer1000: ((after.gcCount - before.gcCount) * 1000) / n,
    gcLongPer1000: ((after.gcLong - before.gcLong) * 1000) / n,
  };
}

function describe(p: PerRequest): string {
  return (
    `CPU ${p.cpuMicros.toFixed(0)} µs (user ${p.userMicros.toFixed(0)}, system ${p.systemMicros.toFixed(0)}), ` +
    `allocated ${(p.allocatedBytes / 1024).toFixed(1)} KiB, GC ${p.gcMicros.toFixed(1)} µs; ` +
    `per 1000 requests ${p.gcPer1000.toFixed(1)} GC pauses, ${p.gcLongPer1000.toFixed(2)} of them ≥ 0.5 ms`
  );
}

const ms = (v: number): string => `${v.toFixed(3)} ms`;
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'costscale-forward-bench-'));
  const frontProxyCA = createCA('front-proxy-ca');
  const aggregator = frontProxyCA.issue({ commonName: 'front-proxy-client', usages: ['clientAuth'] });
  const kedaCA = createCA('keda-ca');
  const pki: Pki = {
    workDir,
    frontProxyCA: frontProxyCA.cert,
    kedaCA: kedaCA.cert,
    keda: localServerCertificate(kedaCA),
    costscaleClient: frontProxyCA.issue({ commonName: 'costscale-forwarder', usages: ['clientAuth'] }),
  };
  const keda = await serve('keda', pki);
  const others = await Promise.all([
    serve('costscale', pki, { BENCH_KEDA_URL: keda.url }),
    serve('relay', pki, { BENCH_KEDA_URL: keda.url }),
  ]).catch(async (e: unknown) => {
    await keda.stop();
    throw e;
  });
  const [costscale, relay] = others;
  const servers = [keda, costscale, relay];
  const paths = {
    direct: caller(keda.url, keda.ca, aggregator),
    relay: caller(relay.url, relay.ca, aggregator),
    forwarded: caller(costscale.url, costscale.ca, aggregator),
  };
  const names = ['direct', 'relay', 'forwarded'] as const;

  try {
    console.log(`load average before: ${load()} (1/5/15 min); niceness ${getPriority()}`);
    const times = { direct: [] as number[], relay: [] as number[], forwarded: [] as number[] };
    /** One request on each path, the order rotated every round so no path always follows another. */
    const round = async (i: number, record: boolean): Promise<void> => {
      for (let k = 0; k < names.length; k++) {
        const name = names[(i + k) % names.length]!;
        const latency = await paths[name].get(FORWARDED_PATH);
        if (record) times[name].push(latency);
      }
    };
    for (let i = 0; i < WARMUP; i++) await round(i, false);
    const before = await Promise.all(servers.map((s) => s.stats()));
    for (const s of servers) s.profileStart();
    for (let i = 0; i < SAMPLES; i++) await round(i, true);
    const after = await Promise.all(servers.map((s) => s.stats()));
    await Promise.all(servers.map((s) => s.profileStop()));
    const loadDuring = load();

    const sorted = (a: readonly number[]): number[] => [...a].sort((x, y) => x - y);
    const d = sorted(times.direct);
    const r = sorted(times.relay);
    const f = sorted(times.forwarded);
    const row = (name: string, s: readonly number[]): string =>
      `${name.padEnd(36)} ${QUANTILES.map(([label, q]) => `${label} ${ms(quantile(s, q))}`).join('   ')}   (${s.length} requests)`;
    const difference = (a: readonly number[], b: readonly number[]): string =>
      QUANTILES.map(([label, q]) => `${label} ${ms(quantile(a, q) - quantile(b, q))}`).join(', ');
    console.log(row('direct to KEDA (baseline)', d));
    console.log(row('through a bare Node.js relay', r));
    console.log(row('through costscale (forwarded)', f));
    const added = quantile(f, 0.99) - quantile(d, 0.99);
    console.log(
      `added by forwarding through costscale: ${difference(f, d)} (target < 1 ms at p99: ${added < 1 ? 'met' : 'NOT met'})`,
    );
    console.log(`added by the bare relay:               ${difference(r, d)}`);
    console.log(`costscale over the bare relay:         ${difference(f, r)}`);
    const paired = sorted(times.forwarded.map((x, i) => x - times.direct[i]!));
    console.log(
      `per round (forwarded − direct, the same round): ${QUANTILES.map(([label, q]) => `${label} ${ms(quantile(paired, q))}`).join(', ')}`,
    );
    console.log(`load average at the end of the interleaved run: ${loadDuring}`);
    // The stand-in served all three paths; costscale and the relay one each.
    const [standin, forwarding, relaying] = [
      perRequest(before[0]!, after[0]!, 3 * SAMPLES),
      perRequest(before[1]!, after[1]!, SAMPLES),
      perRequest(before[2]!, after[2]!, SAMPLES),
    ];
    console.log(`KEDA stand-in, per request:           ${describe(standin)}`);
    console.log(`bare relay, per request:              ${describe(relaying)}`);
    console.log(`costscale forwarding, per request:    ${describe(forwarding)}`);

    // costscale answering its own metric over the same TLS and authentication: what forwarding
    // itself costs on top of terminating and authorizing the request.
    const through = paths.forwarded;
    for (let i = 0; i < WARMUP; i++) await through.get(OWN_PATH);
    const ownBefore = await costscale.stats();
    const own = new Array<number>(SAMPLES / 2);
    for (let i = 0; i < own.length; i++) own[i] = await through.get(OWN_PATH);
    const ownCost = perRequest(ownBefore, await costscale.stats(), own.length);
    console.log(row("costscale's own metric (alone)", sorted(own)));
    console.log(`costscale's own metric, per request:  ${describe(ownCost)}`);
    console.log(
      `forwarding adds ${(forwarding.cpuMicros - ownCost.cpuMicros).toFixed(0)} µs of CPU and ` +
        `${((forwarding.allocatedBytes - ownCost.allocatedBytes) / 1024).toFixed(1)} KiB of allocation to answering a request`,
    );
    console.log(`load average after: ${load()}`);
  } finally {
    await Promise.all(Object.values(paths).map((p) => p.close()));
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(workDir, { recursive: true, force: true });
  }
}

const serveAt = process.argv.indexOf('--serve');
(serveAt > 0
  ? runServer(process.argv[serveAt + 1]!, JSON.parse(process.env.BENCH_PKI!) as Pki)
  : main()
).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
