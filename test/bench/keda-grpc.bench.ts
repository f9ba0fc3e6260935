// KEDA external scaler: a gRPC GetMetrics call against the direct External Metrics API path (an HTTPS
// GET of the same policy's costscale_replicas), same run, same snapshot of 1,000 policies, one request
// in flight at a time over a kept-alive connection. gRPC is measured plaintext (KEDA's default) and
// over TLS (as HTTPS is); rounds alternate so drift on a shared machine hits all three alike.
// Usage: node -r ./test/bench/swc-register.cjs test/bench/keda-grpc.bench.ts [--requests 5000] [--rounds 4]
import https from 'node:https';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { createApiServer } from '../../adapter/src/server/external-metrics';
import { createKedaScaler, loadExternalScaler } from '../../adapter/src/server/keda';
import { SnapshotHolder, type PolicySnapshot } from '../../adapter/src/snapshot/snapshot';
import { createCA, localServerCertificate } from '../support/certs';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 5000);
const ROUNDS = arg('rounds', 4);
const WARMUP = 1000;
const POLICIES = 1000;

function snapshotOf(now: number) {
  const policies: PolicySnapshot[] = Array.from({ length: POLICIES }, (_, i) => ({
    name: `p${i}`,
    namespace: 'shop',
    labels: { policy: `p${i}`, team: `t${i % 10}` },
    allowedNamespaces: [],
    values: {
      costscale_replicas: 1 + (i % 30),
      costscale_load: 0.5 + (i % 30),
      costscale_cost_per_hour: 0.1,
      costscale_budget_pressure: 0,
      costscale_forecast_demand: 100,
    },
    valuesAt: now,
  }));
  return { generatedAt: now, tick: 1, policies };
}

type Call = () => Promise<void>;

async function latencies(call: Call, n: number): Promise<number[]> {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await call();
    out[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return out;
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function main(): Promise<void> {
  const now = Date.now();
  // Values stay fresh for the whole run.
  const holder = new SnapshotHolder(snapshotOf(now));
  const stalenessMs = 3_600_000;
  const api = await createApiServer({
    snapshot: holder,
    tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
    auth: { mode: 'local' },
    stalenessMs,
  });
  const apiPort = (await api.listen(0, '127.0.0.1')).port;

  const ca = createCA('bench-ca');
  const serving = localServerCertificate(ca);
  const dir = await mkdtemp(join(tmpdir(), 'costscale-keda-bench-'));
  const tls = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
  await writeFile(tls.certFile, serving.cert);
  await writeFile(tls.keyFile, serving.key);
  const plain = await createKedaScaler({ snapshot: holder, settings: {}, stalenessMs });
  const secure = await createKedaScaler({ snapshot: holder, settings: { tls }, stalenessMs });
  const plainPort = await plain.listen(0, '127.0.0.1');
  const securePort = await secure.listen(0, '127.0.0.1');

  const ExternalScaler = loadExternalScaler();
  const plainClient = new ExternalScaler(`127.0.0.1:${plainPort}`, credentials.createInsecure());
  const secureClient = new ExternalScaler(
    `127.0.0.1:${securePort}`,
    credentials.createSsl(Buffer.from(ca.cert)),
    {
      'grpc.ssl_target_name_override': 'localhost',
    },
  );
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const path =
    '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/costscale_replicas?labelSelector=policy%3Dp42';

  const httpsGet: Call = () =>
    new Promise((resolve, reject) => {
      https
        .get(
          {
            host: '127.0.0.1',
            port: apiPort,
            path,
            agent,
            ca: api.servingCA,
            servername: 'costscale.costscale.svc',
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () =>
              res.statusCode === 200 && body.includes('"value":"13"')
                ? resolve()
                : reject(new Error(`${res.statusCode} ${body}`)),
            );
          },
        )
        .on('error', reject);
    });
  const request = {
    scaledObjectRef: { name: 'p42', namespace: 'shop', scalerMetadata: { policy: 'p42', namespace: 'shop' } },
    metricName: 's0-costscale_replicas',
  };
  const getMetrics =
    (client: Client): Call =>
    () =>
      new Promise((resolve, reject) => {
        (
          client as unknown as Record<
            string,
            (
              r: unknown,
              cb: (e: ServiceError | null, v: { metricValues: Array<{ metricValueFloat: number }> }) => void,
            ) => void
          >
        ).GetMetrics!(request, (error, value) =>
          error === null && value.metricValues[0]?.metricValueFloat === 13
            ? resolve()
            : reject(error ?? new Error('wrong value')),
        );
      });

  const paths: Array<[string, Call]> = [
    ['External Metrics API, HTTPS GET (baseline)', httpsGet],
    ['KEDA GetMetrics, gRPC plaintext', getMetrics(plainClient)],
    ['KEDA GetMetrics, gRPC over TLS', getMetrics(secureClient)],
  ];
  try {
    for (const [, call] of paths) await latencies(call, WARMUP);
    const samples = paths.map(() => [] as number[]);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, [, call]] of paths.entries()) samples[i]!.push(...(await latencies(call, REQUESTS)));
    }
    const rows = samples.map((s) => {
      const sorted = s.slice().sort((a, b) => a - b);
      return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
    });
    const base = rows[0]!;
    console.log(
      `${ROUNDS} rounds × ${REQUESTS} sequential requests per path, ${POLICIES} policies in the snapshot\n`,
    );
    console.log('path                                          p50 ms   p99 ms   p50 ratio  p99 ratio');
    for (const [i, [name]] of paths.entries()) {
      const { p50, p99 } = rows[i]!;
      console.log(
        `${name.padEnd(44)} ${p50.toFixed(3).padStart(7)}  ${p99.toFixed(3).padStart(7)}   ${(p50 / base.p50).toFixed(2).padStart(8)}  ${(p99 / base.p99).toFixed(2).padStart(9)}`,
      );
    }
  } finally {
    plainClient.close();
    secureClient.close();
    agent.destroy();
    await Promise.all([plain.close(), secure.close(), api.close()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
