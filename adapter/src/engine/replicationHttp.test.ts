import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateServingCertificate } from '../server/tls';
import {
  decideCompact,
  explainDecision,
  explainedDecision,
  heldExplanation,
} from '../domain/explainDecision';
import { SERVED_METRICS, snapshotJson, type Snapshot } from '../snapshot/snapshot';
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
const state = { leader: true, tamper: false };

beforeAll(async () => {
  const cert = await generateServingCertificate('costscale', 'costscale', new Date(T));
  const endpoint = snapshotEndpoint({
    token: TOKEN,
    snapshot: { current: () => snapshot },
    isLeader: () => state.leader,
  });
  server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    if (state.tamper) {
      const write = res.end.bind(res);
      res.end = ((body: string) => write(body.replace('"tick":4', '"tick":5'))) as typeof res.end;
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
afterEach(() => Object.assign(state, { leader: true, tamper: false }));

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
