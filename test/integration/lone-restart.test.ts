import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../adapter/src/log';
import { startService, type Service } from '../../adapter/src/main';
import { TestDatabases } from '../support/databases';
import { freePort, waitFor } from '../support/ports';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus';
import { WEB_POLICY_YAML, webReplicasMetric } from '../support/web-policy';

// Issue 16: a single replica (no leader election) restarted serves its last snapshot at once, before its
// first tick, instead of 404s and a failing readiness probe until that tick ends. Real Prometheus and
// PostgreSQL; after the restart Prometheus is replaced by a listener that never answers, so the first
// tick stays in progress and whatever is served comes from the snapshot saved at shutdown.

const dbs = new TestDatabases();
let prom: PrometheusHandle;
let dir: string;
const held = new Set<Socket>();
let silent: TcpServer;

beforeAll(async () => {
  prom = await startPrometheus();
  dir = await mkdtemp(join(tmpdir(), 'costscale-lone-'));
  silent = createTcpServer((socket) => void held.add(socket));
}, 60_000);

afterAll(async () => {
  for (const s of held) s.destroy();
  silent?.close();
  await prom?.destroy();
  await dbs.shutdown();
});

async function writeConfig(
  file: string,
  promPort: number,
  databaseUrl: string,
  port: number,
  metricsPort: number,
) {
  await writeFile(
    file,
    `prometheus:
  default: { url: 'http://127.0.0.1:${promPort}', timeoutSeconds: 60, retries: 0, cacheSeconds: 0 }
${WEB_POLICY_YAML}server: { host: 127.0.0.1, port: ${port}, metricsPort: ${metricsPort}, auth: { mode: local } }
database: { url: '${databaseUrl}', spoolFile: '${join(dir, 'lone.spool')}' }
engine: { intervalSeconds: 1, stalenessSeconds: 120 }
log: { level: error }
`,
  );
}

describe('a single replica restarted', () => {
  let service: Service | undefined;
  afterAll(async () => {
    // The held query fails at once, so the tick in progress ends and stop() does not wait out its timeout.
    for (const s of held) s.destroy();
    await service?.stop('test end');
  });

  test('serves its last snapshot and is ready before its first tick', async () => {
    const file = join(dir, 'lone.yaml');
    const url = await dbs.freshUrl();
    const [port, metricsPort, silentPort] = [await freePort(), await freePort(), await freePort()];
    await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));

    await writeConfig(file, prom.port, url, port, metricsPort);
    service = await startService(file, createLogger('error'));
    const first = service;
    await waitFor('a decision', async () => first.holder.current()?.policies[0]?.values !== undefined);
    const before = first.holder.current()!.policies[0]!;
    expect(before.values?.costscale_replicas).toBe(5); // ceil(42 / 10)
    await first.stop('restart');

    await writeConfig(file, silentPort, url, port, metricsPort);
    service = await startService(file, createLogger('error'));
    const second = service;
    await waitFor('the first tick waiting on Prometheus', async () => held.size > 0);
    expect(second.engine.ticks).toBe(0);
    const restored = second.holder.current()!.policies[0]!;
    // The last snapshot, with its own timestamps: what was served before the restart, from before it.
    expect(restored.valuesAt).toBeGreaterThanOrEqual(before.valuesAt!);
    expect(restored.values?.costscale_replicas).toBe(5);
    const served = await webReplicasMetric(port);
    expect(served.status).toBe(200);
    expect(served.body.items?.[0]?.value).toBe('5');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(200);
  }, 90_000);
});
