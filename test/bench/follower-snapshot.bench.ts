// A follower taking the leader's snapshot (issue 16): how long its event loop stalls (the longest wait
// a read it serves meanwhile could see), its CPU and wall time, at 10,000 policies (POLICIES=100000 for
// the large mode). The leader runs in a child process, serving over HTTPS, so its own serialisation is
// not counted in the follower's figures; the child reports its own longest stall while it answers; each entry holds a compact decision with its facts, a forecast and a budget, as the
// engine's do. Same run, same leader: main's way (one JSON body, JSON.parse and snapshotSchema in one
// piece, as main's leaderSnapshotFetcher does) against the NDJSON answer parsed a line at a time and
// checked a slice at a time (leaderSnapshotFetcher now); and the PostgreSQL fallback's part of it (the
// driver hands over the parsed jsonb): snapshotSchema in one piece against parseSnapshotInSlices.
// Rounds alternate the two so drift on a shared machine hits both alike.
// Usage: node -r ./test/bench/swc-register.cjs test/bench/follower-snapshot.bench.ts
//        POLICIES=100000 ROUNDS=1 node -r ./test/bench/swc-register.cjs test/bench/follower-snapshot.bench.ts
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { decideCompact } from '../../adapter/src/domain/explainDecision';
import {
  leaderSnapshotFetcher,
  SNAPSHOT_PATH,
  snapshotEndpoint,
} from '../../adapter/src/engine/replicationHttp';
import { parseSnapshotInSlices, snapshotSchema } from '../../adapter/src/snapshot/schema';
import { SERVED_METRICS, snapshotJson, type Snapshot } from '../../adapter/src/snapshot/snapshot';
import { generateServingCertificate } from '../../adapter/src/server/tls';

const POLICIES = Number(process.env.POLICIES ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const TOKEN = 'a-replication-token-of-at-least-32-chars';
const T = Date.UTC(2026, 10, 1);

function snapshotOf(n: number): Snapshot {
  const policies = Array.from({ length: n }, (_, i) => {
    const decided = decideCompact({
      policy: `p${i}`,
      at: T,
      mode: 'balanced',
      demand: 100 + (i % 97),
      capacityPerReplica: 25,
      costPerReplicaHour: 0.04,
      sloMissCostPerHour: 1,
      budget: {
        name: `b${i % 20}`,
        shadowPrice: 0.1,
        utilisation: 0.4,
        criticalThreshold: 0.9,
        remaining: 600,
        hoursLeft: 300,
      },
      currentReplicas: 5,
      minReplicas: 2,
      maxReplicas: 50,
      distribution: { quantile: (tau) => 100 + (i % 97) + 40 * tau },
    });
    if (!decided.ok) throw new Error('expected a decision');
    return {
      name: `p${i}`,
      namespace: `ns${i % 50}`,
      labels: { policy: `p${i}`, team: `t${i % 10}` },
      allowedNamespaces: [],
      target: { kind: 'Deployment', name: `p${i}` },
      values: Object.fromEntries(SERVED_METRICS.map((m, k) => [m, k + i / 7])) as Record<
        (typeof SERVED_METRICS)[number],
        number
      >,
      valuesAt: T,
      decision: decided.decision,
      explanation: decided.decision.facts,
      forecast: {
        mode: 'forecast' as const,
        reason: 'the model beats the seasonal naive forecast',
        model: 'ets',
        fittedAt: T,
        accuracy: { count: 288, mase: 0.8, smape: 0.12, coverage: 0.9, bias: 0.01, relativeMae: 0.7 },
        anomaly: { score: 0.2, active: false, episodes: 0 },
      },
    };
  });
  return { generatedAt: T, tick: 7, policies };
}

async function leader(): Promise<void> {
  const snapshot = snapshotOf(POLICIES);
  const cert = await generateServingCertificate('costscale', 'costscale', new Date(T));
  const endpoint = snapshotEndpoint({
    token: TOKEN,
    snapshot: { current: () => snapshot },
    isLeader: () => true,
  });
  // The leader's own stall while it answers: a timer probe's longest gap from the request until just
  // after the response finished, printed for the follower to pair with its take.
  let longest = 0;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    longest = 0;
    last = performance.now();
    res.on('finish', () => setTimeout(() => console.log(`leader stall ${longest.toFixed(1)}`), 5));
    endpoint(req, res);
  });
  server.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
}

/** main's leaderSnapshotFetcher: one body, its signature checked, one JSON.parse, one safeParse. */
function mainFetch(address: string): Promise<Snapshot> {
  return new Promise((resolve, reject) => {
    https
      .get(
        `${address}${SNAPSHOT_PATH}?format=2`,
        { headers: { Authorization: `Bearer ${TOKEN}` }, rejectUnauthorized: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const mac = createHmac('sha256', TOKEN).update(body).digest('base64');
            if (mac !== res.headers['x-costscale-signature']) return reject(new Error('signature'));
            const parsed = snapshotSchema.safeParse(JSON.parse(body));
            if (parsed.success) resolve(parsed.data);
            else reject(parsed.error);
          });
        },
      )
      .on('error', reject);
  });
}

interface Measure {
  readonly stallMs: number;
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly slices: number;
}

/** The longest event-loop delay, CPU and wall time of `take`, and how many times it yielded. */
async function measure(take: (between: () => Promise<void>) => Promise<Snapshot>): Promise<Measure> {
  let slices = 0;
  const between = () => {
    slices += 1;
    return new Promise<void>((resolve) => setImmediate(resolve));
  };
  // A timer probe: the longest gap between its firings; one more firing after the take counts a stall
  // that ran to its end.
  let longest = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const got = await take(between);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(probe);
  if (got.policies.length !== POLICIES) throw new Error(`took ${got.policies.length} entries`);
  return { stallMs: longest, cpuMs: (used.user + used.system) / 1000, wallMs, slices };
}

async function follower(): Promise<void> {
  const child = spawn(process.execPath, ['-r', './test/bench/swc-register.cjs', __filename], {
    env: { ...process.env, ROLE: 'leader' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) =>
    child.stdout.on('data', (c: Buffer) => {
      const m = /port (\d+)/.exec(c.toString());
      if (m) resolve(m[1]!);
    }),
  );
  const leaderStalls: number[] = [];
  let wake: (() => void) | undefined;
  child.stdout.on('data', (c: Buffer) => {
    for (const m of c.toString().matchAll(/leader stall ([\d.]+)/g)) leaderStalls.push(Number(m[1]));
    wake?.();
  });
  const nextLeaderStall = async (): Promise<number> => {
    while (leaderStalls.length === 0) await new Promise<void>((r) => (wake = r));
    return leaderStalls.shift()!;
  };
  const address = `https://127.0.0.1:${port}`;
  const json = snapshotJson(snapshotOf(POLICIES));
  const stored = JSON.parse(json) as unknown;
  const runs: Record<string, Measure[]> = { main: [], now: [], 'db main': [], 'db now': [] };
  const leaderRuns = { main: [] as number[], now: [] as number[] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      runs.main!.push(await measure(() => mainFetch(address)));
      leaderRuns.main.push(await nextLeaderStall());
      runs.now!.push(await measure((between) => leaderSnapshotFetcher(TOKEN, 60_000, between)(address)));
      leaderRuns.now.push(await nextLeaderStall());
      runs['db main']!.push(
        await measure(async () => {
          const parsed = snapshotSchema.safeParse(stored);
          if (!parsed.success) throw parsed.error;
          return parsed.data;
        }),
      );
      runs['db now']!.push(
        await measure(async (between) => {
          const parsed = await parseSnapshotInSlices(stored, between);
          if (!parsed.success) throw parsed.error;
          return parsed.data;
        }),
      );
    }
  } finally {
    child.kill();
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const row = (name: string) => {
    const ms = runs[name]!;
    return {
      stall: median(ms.map((m) => m.stallMs)),
      cpu: median(ms.map((m) => m.cpuMs)),
      wall: median(ms.map((m) => m.wallMs)),
      slices: ms[0]!.slices,
    };
  };
  console.log(
    `${POLICIES} policies, ${(json.length / 2 ** 20).toFixed(0)} MiB of compact JSON, ${ROUNDS} rounds (medians); longest event-loop stall, CPU, wall, yields`,
  );
  const [leaderWas, leaderNow] = [median(leaderRuns.main), median(leaderRuns.now)];
  console.log(
    `the leader answering (compact JSON in one piece → NDJSON a slice at a time): its longest stall ` +
      `${leaderWas.toFixed(0)} → ${leaderNow.toFixed(0)} ms (${(leaderNow / leaderWas).toFixed(3)}×)`,
  );
  for (const [was, now, label] of [
    ['main', 'now', 'from the leader over HTTPS'],
    ['db main', 'db now', 'PostgreSQL fallback, checking the parsed body'],
  ] as const) {
    const a = row(was);
    const b = row(now);
    console.log(
      `${label}: stall ${a.stall.toFixed(0)} → ${b.stall.toFixed(0)} ms (${(b.stall / a.stall).toFixed(3)}×), ` +
        `CPU ${a.cpu.toFixed(0)} → ${b.cpu.toFixed(0)} ms (${(b.cpu / a.cpu).toFixed(2)}×), ` +
        `wall ${a.wall.toFixed(0)} → ${b.wall.toFixed(0)} ms (${(b.wall / a.wall).toFixed(2)}×), ` +
        `yields ${a.slices} → ${b.slices}`,
    );
  }
}

(process.env.ROLE === 'leader' ? leader() : follower()).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
