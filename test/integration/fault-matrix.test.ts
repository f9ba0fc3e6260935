import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../adapter/src/log';
import { startService, type Service } from '../../adapter/src/main';
import { openPostgres } from '../../adapter/src/store/db';
import { startCostscale, waitForReady } from '../support/cli';
import { TestDatabases } from '../support/databases';
import { fakeDateOnly } from '../support/fakeDate';
import { freePort, waitFor } from '../support/ports';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus';
import type { ManagedProcess } from '../support/processes';
import { WEB_POLICY_YAML, webReplicasMetric } from '../support/web-policy';

// Issue 16, the fault matrix. Cells covered elsewhere, not repeated here:
//   Prometheus down (connection refused), last good value until stale, then back — engine.test.ts
//   PostgreSQL down, one replica: deciding goes on, nothing lost — engine.test.ts
//   PostgreSQL down, two replicas: the follower keeps serving — ha-database-outage.test.ts
//   bad, empty and valid reloads — service.test.ts, config/emptyConfig.test.ts, config/limits.test.ts
//   leader crash, lease expiry and the failover time — leader-election.test.ts, engine/leaderElection.test.ts
// The cells added here, each against a real Prometheus (behind a TCP proxy that can freeze) and a real
// PostgreSQL:
//   Prometheus frozen (accepts connections, never answers): queries time out, the last good value is
//   served until the staleness bound, then the Status error of ARCHITECTURE.md §6; Prometheus back.
//   SIGKILL mid-tick (a tick held waiting on the frozen Prometheus): restart recovers, no decision is
//   lost or duplicated in PostgreSQL.

/** A TCP proxy to `upstream` that, frozen, accepts connections and swallows requests without answering. */
class FreezingProxy {
  frozen = false;
  /** Chunks swallowed while frozen: a query is waiting on Prometheus. */
  held = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: TcpServer;

  constructor(private readonly upstream: number) {
    this.server = createTcpServer((client) => {
      this.sockets.add(client);
      const backend = connect(this.upstream, '127.0.0.1');
      this.sockets.add(backend);
      client.on('data', (chunk) => {
        if (this.frozen) this.held++;
        else backend.write(chunk);
      });
      backend.on('data', (chunk) => client.write(chunk));
      const close = () => {
        client.destroy();
        backend.destroy();
        this.sockets.delete(client);
        this.sockets.delete(backend);
      };
      client.on('close', close).on('error', close);
      backend.on('close', close).on('error', close);
    });
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', resolve));
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }
}

const dbs = new TestDatabases();
let prom: PrometheusHandle;
let dir: string;

beforeAll(async () => {
  prom = await startPrometheus();
  dir = await mkdtemp(join(tmpdir(), 'costscale-faults-'));
}, 60_000);

afterAll(async () => {
  await prom?.destroy();
  await dbs.shutdown();
});

async function configFile(
  name: string,
  promPort: number,
  databaseUrl: string,
  engine: string,
  timeoutSeconds = 1,
): Promise<{ file: string; metricsPort: number; port: number }> {
  const file = join(dir, `${name}.yaml`);
  const metricsPort = await freePort();
  const port = await freePort();
  await writeFile(
    file,
    `prometheus:
  default: { url: 'http://127.0.0.1:${promPort}', timeoutSeconds: ${timeoutSeconds}, retries: 0, cacheSeconds: 0 }
${WEB_POLICY_YAML}server: { host: 127.0.0.1, port: ${port}, metricsPort: ${metricsPort}, auth: { mode: local } }
database: { url: '${databaseUrl}', spoolFile: '${join(dir, `${name}.spool`)}' }
engine: ${engine}
log: { level: error }
`,
  );
  return { file, metricsPort, port };
}

describe('Prometheus frozen, then back', () => {
  let proxy: FreezingProxy;
  let service: Service;

  beforeAll(async () => {
    fakeDateOnly();
    const proxyPort = await freePort();
    proxy = new FreezingProxy(prom.port);
    await proxy.listen(proxyPort);
    const { file } = await configFile(
      'frozen',
      proxyPort,
      await dbs.freshUrl(),
      '{ intervalSeconds: 1, stalenessSeconds: 30, hpaSyncSeconds: 1 }',
    );
    service = await startService(file, createLogger('error'));
  }, 60_000);

  afterAll(async () => {
    await service?.stop('test end');
    proxy?.close();
    jest.useRealTimers();
  });

  const web = () => service.holder.current()?.policies.find((p) => p.name === 'web');

  test('queries time out, the last good value is served until stale, then a Status 503; fresh values once back', async () => {
    await waitFor('a decision', async () => web()?.values !== undefined);
    const replicas = web()!.values!.costscale_replicas;
    expect(replicas).toBe(5); // ceil(42 / 10)

    proxy.frozen = true;
    await waitFor('a query held by the frozen Prometheus', async () => proxy.held > 0);
    await waitFor(
      'the query timed out and the tick failed its demand',
      async () => web()?.error !== undefined,
      15_000,
    );
    const during = web()!;
    expect(during.error).toMatch(/time/i);
    expect(during.values?.costscale_replicas).toBe(replicas);
    const lastGood = during.valuesAt!;

    jest.setSystemTime(lastGood + 29_500);
    const served = await webReplicasMetric(service.apiPort);
    expect(served.status).toBe(200);
    expect(served.body.items?.[0]?.value).toBe(String(replicas));

    jest.setSystemTime(lastGood + 30_500);
    const stale = await webReplicasMetric(service.apiPort);
    expect(stale.status).toBe(503);
    expect(stale.body).toMatchObject({ kind: 'Status', code: 503 });
    expect(web()!.valuesAt).toBe(lastGood);

    proxy.frozen = false;
    const thawedAt = Date.now();
    await waitFor(
      'fresh values from Prometheus',
      async () => web()?.error === undefined && (web()?.valuesAt ?? 0) > thawedAt,
      15_000,
    );
    const back = await webReplicasMetric(service.apiPort);
    expect(back.status).toBe(200);
    expect(back.body.items?.[0]?.value).toBe(String(replicas));
  }, 60_000);
});

describe('SIGKILL mid-tick', () => {
  let proc: ManagedProcess | undefined;
  afterAll(async () => {
    await proc?.stop('SIGKILL');
  });

  test('a restart recovers; no decision is lost or duplicated in PostgreSQL', async () => {
    const proxyPort = await freePort();
    const proxy = new FreezingProxy(prom.port);
    await proxy.listen(proxyPort);
    const url = await dbs.freshUrl();
    // A long query timeout, so a tick held by the frozen Prometheus stays in progress until the kill.
    const { file, metricsPort, port } = await configFile(
      'killed',
      proxyPort,
      url,
      '{ intervalSeconds: 1, stalenessSeconds: 60 }',
      60,
    );
    const db = openPostgres(url, 1);
    const rows = async () =>
      db.query<{ decided_at: Date; replicas: number | null }>(
        `SELECT decided_at, replicas FROM decisions WHERE namespace = 'shop' AND policy = 'web' ORDER BY decided_at`,
      );
    const okTicks = async (): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return Number(
        /costscale_engine_tick_duration_seconds_count\{outcome="success"\} (\d+)/.exec(text)?.[1] ?? 0,
      );
    };
    try {
      proc = startCostscale(['serve', '--config', file]);
      await waitFor('three decisions stored', async () => (await rows().catch(() => [])).length >= 3, 60_000);

      proxy.frozen = true;
      await waitFor('a tick waiting on the frozen Prometheus', async () => proxy.held > 0);
      // Every tick that completed has been written; the one in progress has decided nothing yet.
      const completed = await okTicks();
      await waitFor('completed ticks stored', async () => (await rows()).length === completed);
      const before = await rows();
      proc.child.kill('SIGKILL');
      await new Promise((resolve) => proc!.child.once('exit', resolve));
      expect(await rows()).toEqual(before);

      proxy.frozen = false;
      proc = startCostscale(['serve', '--config', file]);
      await waitForReady(proc, metricsPort, 'ready again');
      await waitFor(
        'two decisions after the restart',
        async () => (await rows()).length >= before.length + 2,
      );
      const after = await rows();
      // The decisions made before the kill are all there, unchanged, and each tick time appears once.
      expect(after.slice(0, before.length)).toEqual(before);
      const times = after.map((r) => r.decided_at.getTime());
      expect(new Set(times).size).toBe(times.length);
      expect(times.slice(before.length).every((t) => t > times[before.length - 1]!)).toBe(true);
      expect(after.every((r) => r.replicas === 5)).toBe(true);
      const served = await webReplicasMetric(port);
      expect(served.status).toBe(200);
      expect(served.body.items?.[0]?.value).toBe('5');
    } finally {
      await db.close();
      proxy.close();
    }
  }, 120_000);
});
