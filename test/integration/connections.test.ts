import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import pino from 'pino';
import { serverSchema } from '../../adapter/src/config/schema';
import { applyConnectionLimits } from '../../adapter/src/server/connections';
import { createRestApi } from '../../adapter/src/server/rest';
import { connectionLimits } from '../../adapter/src/server/serving';
import { dryRunEvaluator } from '../../adapter/src/engine/evaluate';
import { SnapshotHolder } from '../../adapter/src/snapshot/snapshot';
import { createApiKey } from '../../adapter/src/store/apiKeys';
import { openEmbedded } from '../../adapter/src/store/db';
import { migrate } from '../../adapter/src/store/migrate';
import { configSchema } from '../../adapter/src/config/schema';
import { startCostscale } from '../support/cli';
import type { ManagedProcess } from '../support/processes';
import { freePort, waitFor } from '../support/ports';

// Issue 16: connection limits on every listener (defect 5), a body on Node's own parser rejections
// (defect 6), client disconnects logged at debug without a stack (defect 10). Against `costscale serve`.

test('defect 5: the default limits, exactly, as every listener gets them', () => {
  const limits = connectionLimits(serverSchema.parse({}).connections);
  expect(limits).toEqual({
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 60_000,
    keepAliveTimeoutMs: 120_000,
    maxHeadersCount: 100,
    maxConnections: 4096,
  });
  const server = http.createServer();
  applyConnectionLimits(server, limits);
  expect({
    headersTimeout: server.headersTimeout,
    requestTimeout: server.requestTimeout,
    keepAliveTimeout: server.keepAliveTimeout,
    maxHeadersCount: server.maxHeadersCount,
    maxConnections: server.maxConnections,
    checkEvery: (server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval,
  }).toEqual({
    headersTimeout: 10_000,
    requestTimeout: 60_000,
    keepAliveTimeout: 120_000,
    maxHeadersCount: 100,
    maxConnections: 4096,
    checkEvery: 1000,
  });
});

interface Answer {
  readonly text: string;
  /** ms from the first byte sent to the connection's close. */
  readonly closedAfterMs: number;
}

/** Writes `chunks` (a number is a pause in ms) and collects everything until the server closes. */
function exchange(socket: Socket, chunks: ReadonlyArray<string | number>): Promise<Answer> {
  return new Promise((resolve) => {
    let text = '';
    const started = Date.now();
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    // A reset (a refused connection, say) ends the exchange like a close, with what arrived before it.
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
    void (async () => {
      for (const c of chunks) {
        if (typeof c === 'number') await new Promise((r) => setTimeout(r, c));
        else if (!socket.destroyed) socket.write(c);
      }
    })();
  });
}

const body = (a: Answer): unknown => JSON.parse(a.text.slice(a.text.indexOf('\r\n\r\n') + 4));
const statusLine = (a: Answer): string => a.text.split('\r\n')[0]!;
const header = (a: Answer, name: string): string | undefined =>
  new RegExp(`^${name}: (.*)$`, 'im').exec(a.text.split('\r\n\r\n')[0]!)?.[1];

describe('costscale serve with short configured limits', () => {
  let proc: ManagedProcess;
  let apiPort: number;
  let metricsPort: number;
  const https = () => tlsConnect({ port: apiPort, host: '127.0.0.1', rejectUnauthorized: false });
  const plain = () => netConnect({ port: metricsPort, host: '127.0.0.1' });

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'costscale-conn-'));
    metricsPort = await freePort();
    const file = join(dir, 'config.yaml');
    await writeFile(
      file,
      `prometheus:
  default: { url: 'http://127.0.0.1:1' }
allowEmpty: true
server:
  host: 127.0.0.1
  port: 0
  metricsPort: ${metricsPort}
  auth: { mode: local }
  connections: { headersTimeoutSeconds: 1, requestTimeoutSeconds: 2, maxConnections: 8 }
database: { inMemory: true }
log: { level: debug }
`,
    );
    proc = startCostscale(['serve', '--config', file]);
    await waitFor('listening', async () => /REST API listening/.test(proc.output()));
    const line = proc
      .output()
      .split('\n')
      .find((l) => l.includes('REST API listening'))!;
    apiPort = (JSON.parse(line) as { port: number }).port;
  }, 60_000);
  afterAll(() => proc.stop('SIGTERM'));

  test('defect 5: a trickling request is answered 408 with a Status and closed within the header timeout', async () => {
    const answers = await Promise.all([
      exchange(https(), [
        'GET /apis/external.metrics.k8s.io/v1beta1 HTTP/1.1\r\n',
        400,
        'Host: x\r\n',
        400,
        'X-A: 1\r\n',
        5000,
      ]),
      exchange(plain(), ['GET /healthz HTTP/1.1\r\nHo', 5000]),
    ]);
    for (const a of answers) {
      expect(statusLine(a)).toBe('HTTP/1.1 408 Request Timeout');
      expect(body(a)).toMatchObject({ kind: 'Status', status: 'Failure', code: 408, reason: 'Timeout' });
      // 1 s allowed; Node checks every second.
      expect(a.closedAfterMs).toBeGreaterThanOrEqual(900);
      expect(a.closedAfterMs).toBeLessThan(3500);
    }
  });

  test('defect 5: a body sent slowly is cut at the request timeout', async () => {
    const a = await exchange(https(), [
      'POST /api/v1/policies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      ...Array.from({ length: 8 }, () => [600, ' ']).flat(),
    ]);
    expect(a.closedAfterMs).toBeLessThan(4500);
    expect(proc.output()).not.toMatch(/"level":"error"/);
  });

  test('defect 5: connections past the cap are refused while the others stay open', async () => {
    const open = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          new Promise<Socket>((resolve) => {
            const s = plain();
            s.on('connect', () => resolve(s));
          }),
      ),
    );
    try {
      const extra = await exchange(plain(), ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n']);
      expect(extra.text).toBe('');
      expect(extra.closedAfterMs).toBeLessThan(1000);
    } finally {
      for (const s of open) s.destroy();
    }
    // The server frees the slots when it sees the closes: a new connection is served from then on.
    await waitFor('a freed slot', async () => {
      const ok = await exchange(plain(), ['GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
      return statusLine(ok) === 'HTTP/1.1 200 OK';
    });
  });

  test('defect 6: parser rejections carry a Status body, or problem+json under /api/v1', async () => {
    const huge = `X-Big: ${'a'.repeat(20_000)}\r\n`;
    const [metrics431, rest431, garbage, rest400] = await Promise.all([
      exchange(https(), [`GET /apis/external.metrics.k8s.io/v1beta1 HTTP/1.1\r\nHost: x\r\n${huge}\r\n`]),
      exchange(https(), [`GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\n${huge}\r\n`]),
      exchange(plain(), ['\x01\x02 nonsense\r\n\r\n']),
      exchange(https(), ['GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n']),
    ]);
    expect(statusLine(metrics431)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(header(metrics431, 'Content-Type')).toBe('application/json');
    expect(body(metrics431)).toMatchObject({ kind: 'Status', code: 431 });
    // The path decides the dialect when the rejected packet holds the request line; an overflow over
    // TLS is seen in a later record, so either body may come, but a body there is.
    expect(statusLine(rest431)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    const b431 = body(rest431) as { code?: number; status?: unknown };
    expect(b431.code ?? b431.status).toBe(431);
    expect(statusLine(garbage)).toBe('HTTP/1.1 400 Bad Request');
    expect(body(garbage)).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
    expect(statusLine(rest400)).toBe('HTTP/1.1 400 Bad Request');
    expect(header(rest400, 'Content-Type')).toBe('application/problem+json');
    expect(body(rest400)).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
    expect(proc.output()).toContain('HTTP request rejected by the parser');
    expect(proc.output()).not.toMatch(/"level":"error"/);
  });
});

test('defect 10: a REST client that disconnects mid-body is logged at debug, without a stack', async () => {
  const db = await openEmbedded(undefined);
  await migrate(db);
  const { token } = await createApiKey(db, { name: 'admin', role: 'admin' }, Date.now());
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const api = createRestApi({
    db,
    snapshot: new SnapshotHolder(),
    config: () => configSchema.parse({ allowEmpty: true }),
    backends: () => new Map(),
    evaluator: dryRunEvaluator,
    logger,
  });
  const server = http.createServer(api);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const socket = netConnect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1' });
    await new Promise((r) => socket.on('connect', r));
    socket.write(
      `POST /api/v1/policies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
    );
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
    await waitFor('disconnect logged', async () => lines.some((l) => l.msg === 'REST client disconnected'));
    const logged = lines.find((l) => l.msg === 'REST client disconnected')!;
    expect(logged.level).toBe(20);
    expect(JSON.stringify(logged)).not.toContain('stack');
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  } finally {
    await new Promise((r) => server.close(r));
    await db.close();
  }
});
