import { Writable } from 'node:stream';
import pino from 'pino';
import { configSchema } from '../config/schema';
import { decideCompact, type DecisionInput } from '../domain';
import type { Snapshot } from '../snapshot/snapshot';
import type { PendingDecision } from '../store/decisions';
import type { StoredSnapshot } from '../store/snapshots';
import { evaluateOnce, type EvaluateTick, type TickOutput } from './engine';
import { replicaReady, replicated, type FollowSource, type SnapshotExchange } from './replication';

const config = configSchema.parse({ prometheus: { default: { url: 'http://p:9090' } } });
const T = Date.UTC(2026, 10, 1);

const policy = (name: string, valuesAt: number) => ({
  name,
  namespace: 'shop',
  labels: { policy: name },
  allowedNamespaces: [],
  valuesAt,
});

function logCapture() {
  const lines: Array<{ msg: string } & Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

/** An in-memory stand-in for the snapshots table. */
class FakeExchange implements SnapshotExchange {
  stored: StoredSnapshot | undefined;
  failLoads = false;
  saved: Snapshot[] = [];
  async save(holder: string, snapshot: Snapshot): Promise<void> {
    this.saved.push(snapshot);
    this.stored = { holder, snapshot };
  }
  async load(): Promise<StoredSnapshot | undefined> {
    if (this.failLoads) throw new Error('connection refused');
    return this.stored;
  }
}

/** A decision of 'mine' as the engine hands it to the store. */
function pendingDecision(now: number): PendingDecision {
  const input: DecisionInput = {
    at: now,
    mode: 'balanced',
    demand: 20,
    capacityPerReplica: 10,
    costPerReplicaHour: 1,
    sloMissCostPerHour: 1,
    minReplicas: 1,
    maxReplicas: 5,
  };
  return {
    namespace: 'shop',
    policy: 'mine',
    decidedAt: now,
    result: decideCompact(input),
    input,
    distribution: null,
  };
}

function setup() {
  const leader = { value: false };
  const exchange = new FakeExchange();
  const calls: number[] = [];
  const inner: EvaluateTick = async (_config, now) => {
    calls.push(now);
    const out: TickOutput = {
      policies: [policy('mine', now)],
      decisions: [pendingDecision(now)],
    };
    return () => out;
  };
  const { logger, lines } = logCapture();
  const leadership = { identity: 'me', isLeader: () => leader.value };
  const evaluate = evaluateOnce(replicated(inner, { leadership, exchange, logger }));
  return { leader, exchange, calls, evaluate, lines };
}

describe('replicated', () => {
  test('without leader election the evaluator runs as it is', () => {
    const inner: EvaluateTick = async () => () => ({ policies: [], decisions: [] });
    const { logger } = logCapture();
    expect(replicated(inner, { leadership: undefined, exchange: new FakeExchange(), logger })).toBe(inner);
  });

  test('the leader evaluates and publishes the tick for followers', async () => {
    const { leader, exchange, calls, evaluate } = setup();
    leader.value = true;
    const previous: Snapshot = { generatedAt: T - 15_000, tick: 4, policies: [] };
    const out = await evaluate(config, T, previous);
    expect(calls).toEqual([T]);
    expect(out.decisions).toHaveLength(1);
    expect(exchange.saved).toEqual([{ generatedAt: T, tick: 5, policies: [policy('mine', T)] }]);
    expect(exchange.stored?.holder).toBe('me');
  });

  test('a follower serves the stored snapshot, decides nothing and does not evaluate', async () => {
    const { exchange, calls, evaluate } = setup();
    exchange.stored = {
      holder: 'other',
      snapshot: {
        generatedAt: T - 5000,
        tick: 9,
        policies: [policy('theirs', T - 5000)],
        budgets: [{ name: 'b' }],
      },
    };
    const out = await evaluate(config, T, undefined);
    expect(calls).toEqual([]);
    expect(out).toEqual({ policies: [policy('theirs', T - 5000)], budgets: [{ name: 'b' }], decisions: [] });
    expect(exchange.saved).toEqual([]);
  });

  test('before any stored snapshot a follower keeps what it serves', async () => {
    const { evaluate } = setup();
    const previous: Snapshot = { generatedAt: T, tick: 1, policies: [policy('old', T)] };
    expect(await evaluate(config, T, previous)).toEqual({ policies: [policy('old', T)], decisions: [] });
    expect(await evaluate(config, T, undefined)).toEqual({ policies: [], decisions: [] });
  });

  test('a stored snapshot the schema rejects is logged and ignored; the last good one stays', async () => {
    const { exchange, evaluate, lines } = setup();
    exchange.stored = {
      holder: 'other',
      snapshot: { generatedAt: T, tick: 1, policies: [policy('good', T)] },
    };
    await evaluate(config, T, undefined);
    exchange.stored = { holder: 'other', invalid: '✖ expected number → at generatedAt' };
    const out = await evaluate(config, T + 15_000, undefined);
    expect(out.policies).toEqual([policy('good', T)]);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'ignoring a stored snapshot',
        holder: 'other',
        problem: expect.any(String),
      }),
    ]);
  });

  test('a failed load keeps the last good snapshot', async () => {
    const { exchange, evaluate, lines } = setup();
    exchange.stored = {
      holder: 'other',
      snapshot: { generatedAt: T, tick: 1, policies: [policy('good', T)] },
    };
    await evaluate(config, T, undefined);
    exchange.failLoads = true;
    expect((await evaluate(config, T + 15_000, undefined)).policies).toEqual([policy('good', T)]);
    expect(lines.map((l) => l.msg)).toEqual(['loading the leader snapshot failed']);
  });

  test('taking over, a replica evaluates again; losing the lease, it follows again', async () => {
    const { leader, exchange, calls, evaluate } = setup();
    exchange.stored = {
      holder: 'other',
      snapshot: { generatedAt: T, tick: 3, policies: [policy('theirs', T)] },
    };
    await evaluate(config, T, undefined);
    leader.value = true;
    await evaluate(config, T + 15_000, undefined);
    leader.value = false;
    const out = await evaluate(config, T + 30_000, undefined);
    expect(calls).toEqual([T + 15_000]);
    // The follower now serves what it published itself while it led.
    expect(out.policies).toEqual([policy('mine', T + 15_000)]);
  });

  test('a failed publish is logged; the tick still counts', async () => {
    const { leader, exchange, evaluate, lines } = setup();
    leader.value = true;
    exchange.save = () => Promise.reject(new Error('database down'));
    expect((await evaluate(config, T, undefined)).decisions).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => l.msg)).toEqual(['publishing the snapshot for followers failed']);
  });

  test('a follower takes the leader snapshot over HTTP first, and PostgreSQL only when that fails', async () => {
    const exchange = new FakeExchange();
    exchange.stored = {
      holder: 'other',
      snapshot: { generatedAt: T - 60_000, tick: 1, policies: [policy('db', T)] },
    };
    const { logger, lines } = logCapture();
    const asked: string[] = [];
    let leaderUp = true;
    const followed: Array<[number, FollowSource]> = [];
    const evaluate = evaluateOnce(
      replicated(async () => () => ({ policies: [], decisions: [] }), {
        leadership: { identity: 'me', isLeader: () => false, leaderAddress: () => 'https://10.0.0.7:6443' },
        exchange,
        fetchLeader: async (address) => {
          asked.push(address);
          if (!leaderUp) throw new Error('connect ECONNREFUSED');
          return { generatedAt: T, tick: 7, policies: [policy('direct', T)] };
        },
        onFollow: (snapshot, source) => followed.push([snapshot.generatedAt, source]),
        logger,
      }),
    );
    exchange.failLoads = true; // PostgreSQL down: the leader still answers
    expect((await evaluate(config, T, undefined)).policies).toEqual([policy('direct', T)]);
    leaderUp = false;
    exchange.failLoads = false;
    expect((await evaluate(config, T + 1000, undefined)).policies).toEqual([policy('db', T)]);
    expect(asked).toEqual(['https://10.0.0.7:6443', 'https://10.0.0.7:6443']);
    expect(followed).toEqual([
      [T, 'leader'],
      [T - 60_000, 'database'],
    ]);
    expect(lines.map((l) => l.msg)).toEqual(['fetching the leader snapshot failed; reading PostgreSQL']);
  });
});

describe('replicaReady', () => {
  const base = { leader: false, ticks: 3, followedAt: T - 1000, now: T, stalenessMs: 120_000 };
  test('a leader is ready once it has ticked', () => {
    expect(replicaReady({ ...base, leader: true, ticks: 0 })).toBe(false);
    expect(replicaReady({ ...base, leader: true, followedAt: undefined })).toBe(true);
  });
  test('a lone replica is ready before its first tick while the snapshot it restored is fresh', () => {
    const lone = { ...base, leader: true, ticks: 0, followedAt: undefined };
    expect(replicaReady({ ...lone, restoredAt: T - 120_000 })).toBe(true);
    expect(replicaReady({ ...lone, restoredAt: T - 120_001 })).toBe(false);
    expect(replicaReady({ ...lone, restoredAt: undefined })).toBe(false);
  });
  test('a follower is ready only while it follows a snapshot younger than the staleness bound', () => {
    expect(replicaReady({ ...base, followedAt: undefined })).toBe(false);
    expect(replicaReady(base)).toBe(true);
    expect(replicaReady({ ...base, followedAt: T - 120_000 })).toBe(true);
    expect(replicaReady({ ...base, followedAt: T - 120_001 })).toBe(false);
  });
});
