import { createHmac } from 'node:crypto';
import http, { type ServerResponse } from 'node:http';
import https from 'node:https';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { configSchema } from '../config/schema';
import { generateServingCertificate } from '../server/tls';
import { SNAPSHOT_SLICE } from '../snapshot/schema';
import {
  decideCompact,
  explainDecision,
  explainedDecision,
  heldExplanation,
} from '../domain/explainDecision';
import {
  SERVED_METRICS,
  snapshotJson,
  snapshotLines,
  SnapshotHolder,
  type Snapshot,
} from '../snapshot/snapshot';
import { evaluateOnce } from './engine';
import { replicated } from './replication';
import { leaderSnapshotFetcher, SNAPSHOT_PATH, snapshotAddress, snapshotEndpoint } from './replicationHttp';

const TOKEN = 'a-replication-token-of-at-least-32-chars';
const T = Date.UTC(2026, 10, 1);
// Every served metric, one of them NaN (JSON null on the wire).
const VALUES = Object.fromEntries(
  SERVED_METRICS.map((m, i) => [m, m === 'costscale_load' ? Number.NaN : i + 1]),
) as Record<(typeof SERVED_METRICS)[number], number>;
const decided = decideCompact({
  policy: 'api',
  at: T,
  mode: 'balanced',
  demand: 130,
  capacityPerReplica: 25,
  costPerReplicaHour: 0.04,
  sloMissCostPerHour: 1,
  minReplicas: 2,
  maxReplicas: 10,
  distribution: { quantile: (tau) => 130 + 40 * tau },
});
if (!decided.ok) throw new Error('expected a decision');
const snapshot: Snapshot = {
  generatedAt: T,
  tick: 4,
  policies: [
    {
      name: 'web',
      namespace: 'shop',
      labels: { policy: 'web' },
      allowedNamespaces: [],
      values: VALUES,
      valuesAt: T,
    },
    // As the engine holds a decision: compact, its explanation rendered on read.
    {
      name: 'api',
      namespace: 'shop',
      labels: { policy: 'api' },
      allowedNamespaces: [],
      decision: decided.decision,
      explanation: decided.decision.facts,
    },
  ],
};

let server: https.Server;
let address: string;
const state: {
  leader: boolean;
  tamper: boolean;
  serving: Snapshot;
  /** Answers as a leader before NDJSON: it ignores the Accept header. */
  earlier: boolean;
  /** Changes the body and signs what it sends, as a leader with a bug would. */
  mangle?: (body: string) => string;
  /** Sends the first bytes of the body, then closes the connection. */
  cutAt?: number;
} = { leader: true, tamper: false, serving: snapshot, earlier: false };
const initial = { ...state };

beforeAll(async () => {
  const cert = await generateServingCertificate('costscale', 'costscale', new Date(T));
  const endpoint = snapshotEndpoint({
    token: TOKEN,
    snapshot: { current: () => state.serving },
    isLeader: () => state.leader,
  });
  server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    if (state.earlier) delete req.headers.accept;
    if (state.mangle !== undefined || state.cutAt !== undefined) return answerBadly(res);
    if (state.tamper) {
      // The body is written in one piece (JSON) or a slice at a time (NDJSON).
      const change = (body: unknown) =>
        typeof body === 'string' ? body.replace('"tick":4', '"tick":5') : body;
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      res.write = ((body: string) => write(change(body) as string)) as typeof res.write;
      res.end = ((body?: string) => end(change(body) as string)) as typeof res.end;
    }
    if (!endpoint(req, res)) {
      res.writeHead(418);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  address = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  for (const key of Object.keys(state)) delete (state as Record<string, unknown>)[key];
  Object.assign(state, initial);
});

describe('the leader snapshot endpoint', () => {
  test('a follower with the token gets the snapshot, NaN values included', async () => {
    const got = await leaderSnapshotFetcher(TOKEN)(address);
    expect(got.tick).toBe(4);
    expect(got.policies[0]!.values).toEqual(VALUES);
    expect(got.policies[0]!.values?.costscale_load).toBeNaN();
  });

  test('a follower gets decisions compact, and renders the explanations the leader would', async () => {
    const got = await leaderSnapshotFetcher(TOKEN)(address);
    const api = got.policies[1]!;
    expect(api.decision && 'facts' in api.decision).toBe(true);
    expect(explainedDecision(api.decision!)).toEqual(explainedDecision(decided.decision));
    expect(heldExplanation(api.explanation!)).toEqual(explainDecision(decided.decision.facts));
  });

  test('a follower of format 1 (no format asked) gets every explanation rendered', async () => {
    const body = await fetchBody(`${address}${SNAPSHOT_PATH}`, TOKEN);
    expect(body).toBe(snapshotJson(snapshot, 'rendered'));
    expect(body).not.toContain('"facts"');
  });

  test('a wrong token is refused with 401', async () => {
    await expect(leaderSnapshotFetcher(`${TOKEN}-wrong`)(address)).rejects.toThrow(/HTTP 401/);
    const anonymous = await fetchStatus(`${address}${SNAPSHOT_PATH}`);
    expect(anonymous).toBe(401);
  });

  test('a replica that does not lead answers 503', async () => {
    state.leader = false;
    await expect(leaderSnapshotFetcher(TOKEN)(address)).rejects.toThrow(/HTTP 503/);
  });

  test('an answer changed on the way fails the signature check', async () => {
    state.tamper = true;
    await expect(leaderSnapshotFetcher(TOKEN)(address)).rejects.toThrow(/signature/);
  });

  test('other paths pass through', async () => {
    expect(await fetchStatus(`${address}/api/v1/whoami`)).toBe(418);
  });
});

describe('a follower taking a snapshot', () => {
  /** A snapshot of `n` entries, the two above repeated under new names. */
  const large = (n: number, tick: number): Snapshot => ({
    ...snapshot,
    tick,
    policies: Array.from({ length: n }, (_, i) => ({
      ...snapshot.policies[i % 2]!,
      name: `p${i}`,
      labels: { policy: `p${i}` },
    })),
  });

  /** A `between` that holds the take at its first slice boundary until `open()`. */
  function boundary() {
    let arrived!: () => void;
    let open!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const opened = new Promise<void>((r) => (open = r));
    const counted = { count: 0 };
    const between = (): Promise<void> => {
      counted.count += 1;
      arrived();
      return opened;
    };
    return { reached, open, between, counted };
  }

  test('answers a read while it checks the snapshot, then serves the new one, byte for byte', async () => {
    state.serving = large(3 * SNAPSHOT_SLICE, 9);
    const served = new SnapshotHolder(large(5, 4));
    // A read this replica serves, on its event loop, from the snapshot it holds.
    const reads = http.createServer((_req, res) => res.end(snapshotJson(served.current()!, 'rendered')));
    await new Promise<void>((r) => reads.listen(0, '127.0.0.1', () => r()));
    const readUrl = `http://127.0.0.1:${(reads.address() as AddressInfo).port}/`;
    try {
      const gate = boundary();
      let taken = false;
      const take = leaderSnapshotFetcher(
        TOKEN,
        undefined,
        gate.between,
      )(address).finally(() => (taken = true));
      await gate.reached;
      expect(await httpGet(readUrl)).toBe(snapshotJson(large(5, 4), 'rendered'));
      expect(taken).toBe(false);
      expect(gate.counted.count).toBe(1);
      gate.open();
      served.publish(await take);
      expect(gate.counted.count).toBe(3);
      expect(await httpGet(readUrl)).toBe(snapshotJson(state.serving, 'rendered'));
      expect(snapshotJson(served.current()!)).toBe(snapshotJson(state.serving));
    } finally {
      await new Promise((r) => reads.close(r));
    }
  });

  test('the leader answers other reads while it writes the snapshot a slice at a time, signed in a trailer', async () => {
    const written = large(3 * SNAPSHOT_SLICE, 9);
    const gate = boundary();
    const endpoint = snapshotEndpoint({
      token: TOKEN,
      snapshot: { current: () => written },
      isLeader: () => true,
      between: gate.between,
    });
    const cert = await generateServingCertificate('costscale', 'costscale', new Date(T));
    const leader = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      if (!endpoint(req, res)) res.end('a read');
    });
    await new Promise<void>((r) => leader.listen(0, '127.0.0.1', () => r()));
    const leaderAddress = `https://127.0.0.1:${(leader.address() as AddressInfo).port}`;
    try {
      let taken = false;
      const take = leaderSnapshotFetcher(TOKEN)(leaderAddress).finally(() => (taken = true));
      await gate.reached;
      expect(await fetchBody(`${leaderAddress}/api/v1/whoami`, TOKEN)).toBe('a read');
      expect(taken).toBe(false);
      expect(gate.counted.count).toBe(1);
      gate.open();
      const got = await take;
      expect(gate.counted.count).toBe(3);
      expect(snapshotJson(got)).toBe(snapshotJson(written));
    } finally {
      await new Promise((r) => leader.close(r));
    }
  });

  /**
   * The leader on a Unix socket, whose kernel buffers are small (loopback TCP's grow to tens of MiB), so a
   * follower that does not read fills them within a few slices; `response` is the answer being written.
   */
  async function leaderOnSocket(written: Snapshot, stallMs?: number) {
    const counted = { count: 0 };
    const endpoint = snapshotEndpoint({
      token: TOKEN,
      snapshot: { current: () => written },
      isLeader: () => true,
      between: () => new Promise<void>((r) => setImmediate(() => r(void (counted.count += 1)))),
      ...(stallMs !== undefined && { stallMs }),
    });
    const socketPath = join(await mkdtemp(join(tmpdir(), 'costscale-leader-')), 'snapshot.sock');
    const at: { response?: ServerResponse } = {};
    const leader = http.createServer((req, res) => {
      at.response = res;
      endpoint(req, res);
    });
    await new Promise<void>((r) => leader.listen(socketPath, () => r()));
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(
          {
            socketPath,
            path: `${SNAPSHOT_PATH}?format=2`,
            headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/x-ndjson' },
          },
          resolve,
        )
        .on('error', reject),
    );
    // Not read: the client stops reading its socket once its own small buffer is full.
    answer.pause();
    const response = at.response!;
    const slices = Math.ceil(written.policies.length / SNAPSHOT_SLICE);
    // Until the leader waits for the connection to take more, or has written every slice.
    while (response.listenerCount('drain') === 0 && !response.destroyed && counted.count < slices)
      await new Promise((r) => setImmediate(r));
    const close = () => new Promise((r) => leader.close(r));
    return { answer, response, counted, slices, close };
  }

  test('the leader writes to a follower that does not read only what its connection takes, and all of it once it reads', async () => {
    const written = large(40 * SNAPSHOT_SLICE, 9);
    const whole = snapshotLines(written);
    const { answer, response, counted, slices, close } = await leaderOnSocket(written);
    try {
      expect(counted.count).toBeLessThan(slices);
      expect(response.writableLength).toBeLessThan(whole.length / 10);
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c)).resume();
      await new Promise((r) => answer.on('end', r));
      expect(counted.count).toBe(slices);
      expect(Buffer.concat(chunks).toString('utf8')).toBe(whole);
      expect(answer.trailers['x-costscale-signature']).toBe(
        createHmac('sha256', TOKEN).update(whole).digest('base64'),
      );
    } finally {
      answer.destroy();
      await close();
    }
  });

  test('the leader cuts a follower whose connection takes nothing for stallMs, and writes it no more', async () => {
    const written = large(40 * SNAPSHOT_SLICE, 9);
    const { answer, response, counted, slices, close } = await leaderOnSocket(written, 50);
    try {
      if (!response.destroyed) await new Promise((r) => response.on('close', r));
      expect(response.destroyed).toBe(true);
      expect(counted.count).toBeLessThan(slices);
    } finally {
      answer.destroy();
      await close();
    }
  });

  test('reads a leader of an earlier version, which answers JSON in one piece', async () => {
    state.serving = large(2 * SNAPSHOT_SLICE, 9);
    state.earlier = true;
    const counted = { count: 0 };
    const got = await leaderSnapshotFetcher(TOKEN, undefined, async () => void (counted.count += 1))(address);
    expect(snapshotJson(got)).toBe(snapshotJson(state.serving));
    expect(counted.count).toBe(2);
  });

  test.each<[string, Partial<typeof state>, RegExp]>([
    ['cut short', { cutAt: 3000 }, /aborted|hang up|ECONNRESET|signature/],
    ['with a line that is not JSON', { mangle: (b) => b.replace('\n{', '\n{{') }, /JSON/],
    [
      'with an entry that breaks the schema',
      { mangle: (b) => b.replace('"name":"p150"', '"name":150') },
      /invalid snapshot[\s\S]*policies\[150\]\.name/,
    ],
  ])('given an answer %s, keeps serving the snapshot it holds, and logs why', async (_, bad, why) => {
    Object.assign(state, { serving: large(2 * SNAPSHOT_SLICE, 9) }, bad);
    const held = large(5, 4);
    const logged: Array<{ msg: string; err?: string }> = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => void logged.push(JSON.parse(line) as { msg: string }) },
    );
    const evaluate = evaluateOnce(
      replicated(async () => () => ({ policies: [], decisions: [] }), {
        leadership: { identity: 'me', isLeader: () => false, leaderAddress: () => address },
        exchange: { save: async () => undefined, load: async () => undefined },
        fetchLeader: leaderSnapshotFetcher(TOKEN),
        logger,
      }),
    );
    const out = await evaluate(
      configSchema.parse({ prometheus: { default: { url: 'http://p:9090' } } }),
      T,
      held,
    );
    expect(out.policies).toEqual(held.policies);
    expect(logged.map((l) => l.msg)).toEqual(['fetching the leader snapshot failed; reading PostgreSQL']);
    expect(logged[0]!.err).toMatch(why);
  });
});

function fetchBody(url: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', reject);
  });
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', reject);
  });
}

/** The NDJSON answer changed and signed (`mangle`), or cut after `cutAt` characters. */
function answerBadly(res: ServerResponse): void {
  const whole = snapshotLines(state.serving);
  const body = state.mangle?.(whole) ?? whole;
  res.writeHead(200, {
    'Content-Type': 'application/x-ndjson',
    'X-Costscale-Signature': createHmac('sha256', TOKEN).update(body).digest('base64'),
  });
  if (state.cutAt === undefined) return void res.end(body);
  res.write(body.slice(0, state.cutAt), () => res.destroy());
}

function fetchStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('snapshotAddress', () => {
  test('the pod IP in a cluster, bracketed when IPv6; else the listen address, loopback for a wildcard', () => {
    expect(snapshotAddress('0.0.0.0', 6443, { POD_IP: '10.1.2.3' })).toBe('https://10.1.2.3:6443');
    expect(snapshotAddress('0.0.0.0', 6443, { POD_IP: 'fd00::7' })).toBe('https://[fd00::7]:6443');
    expect(snapshotAddress('0.0.0.0', 6443, {})).toBe('https://127.0.0.1:6443');
    expect(snapshotAddress('192.168.1.5', 443, {})).toBe('https://192.168.1.5:443');
  });
});
