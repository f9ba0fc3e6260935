import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { SnapshotHolder, type Snapshot } from '../snapshot/snapshot';
import type { StoredSnapshot } from '../store/snapshots';
import { loneSaveEvery, loneSnapshots } from './loneSnapshot';
import type { SnapshotExchange } from './replication';

const T = Date.UTC(2026, 10, 1);

/** V8's full collection, without starting node with --expose-gc. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const snapshot = (tick: number): Snapshot => ({
  generatedAt: T + tick * 15_000,
  tick,
  policies: [
    { name: 'web', namespace: 'shop', labels: {}, allowedNamespaces: [], valuesAt: T + tick * 15_000 },
  ],
});

/** The snapshots table in memory: what was saved, in order. */
class MemoryExchange implements SnapshotExchange {
  saved: Array<{ holder: string; tick: number }> = [];
  stored: StoredSnapshot | undefined;
  failing = false;
  async save(holder: string, s: Snapshot): Promise<void> {
    if (this.failing) throw new Error('database down');
    this.saved.push({ holder, tick: s.tick });
    // As PostgreSQL returns it: a copy, not the object saved.
    this.stored = { holder, snapshot: JSON.parse(JSON.stringify(s)) as Snapshot };
  }
  async load(): Promise<StoredSnapshot | undefined> {
    if (this.failing) throw new Error('database down');
    return this.stored;
  }
}

function logs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

function replica(exchange: SnapshotExchange, everyTicks = 4) {
  const holder = new SnapshotHolder();
  const { logger, lines } = logs();
  const lone = loneSnapshots({ exchange, holder, identity: 'pod-a', everyTicks, logger });
  return { holder, lone, lines };
}

describe('a lone replica keeps its snapshot across restarts', () => {
  test('saves every few ticks and at stop, and serves the last one right after a restart', async () => {
    const exchange = new MemoryExchange();
    const first = replica(exchange);
    await first.lone.start();
    expect(first.holder.current()).toBeUndefined();
    for (let tick = 1; tick <= 9; tick++) first.holder.publish(snapshot(tick));
    await first.lone.stop();
    // Ticks 4 and 8 on the schedule, 9 at shutdown.
    expect(exchange.saved).toEqual([
      { holder: 'pod-a', tick: 4 },
      { holder: 'pod-a', tick: 8 },
      { holder: 'pod-a', tick: 9 },
    ]);

    const second = replica(exchange);
    await second.lone.start();
    expect(second.holder.current()).toEqual(snapshot(9));
    expect(second.lone.restoredAt()).toBe(T + 9 * 15_000);
    // The restored snapshot is not saved back; the first tick after it counts as the first.
    await second.lone.stop();
    expect(exchange.saved).toHaveLength(3);
  });

  test('a replica that crashed restarts from its last scheduled save', async () => {
    const exchange = new MemoryExchange();
    const crashed = replica(exchange, 2);
    await crashed.lone.start();
    for (let tick = 1; tick <= 5; tick++) crashed.holder.publish(snapshot(tick));
    // No stop(): SIGKILL.
    await new Promise((resolve) => setImmediate(resolve));
    const next = replica(exchange, 2);
    await next.lone.start();
    expect(next.holder.current()?.tick).toBe(4);
  });

  test('a database that is down at start or at a save is logged; the replica starts empty and ticks on', async () => {
    const exchange = new MemoryExchange();
    exchange.failing = true;
    const { holder, lone, lines } = replica(exchange, 1);
    await lone.start();
    expect(holder.current()).toBeUndefined();
    expect(lone.restoredAt()).toBeUndefined();
    holder.publish(snapshot(1));
    await lone.stop();
    expect(lines).toEqual([
      'loading the last snapshot failed; starting without it',
      'saving the snapshot failed',
      'saving the snapshot failed',
    ]);
  });

  test('a stored snapshot the schema rejects is not served', async () => {
    const exchange = new MemoryExchange();
    exchange.stored = { holder: 'pod-a', invalid: '✖ expected number → at generatedAt' };
    const { holder, lone, lines } = replica(exchange);
    await lone.start();
    expect(holder.current()).toBeUndefined();
    expect(lines).toEqual(['ignoring a stored snapshot']);
  });

  test('does not keep the restored snapshot once a tick has replaced it', async () => {
    let restored: WeakRef<Snapshot> | undefined;
    const exchange: SnapshotExchange = {
      save: async () => undefined,
      load: async () => {
        const loaded = snapshot(1);
        restored = new WeakRef(loaded);
        return { holder: 'pod-a', snapshot: loaded };
      },
    };
    const { holder, lone } = replica(exchange);
    await lone.start();
    expect(holder.current()?.tick).toBe(1);
    holder.publish(snapshot(2));
    // A WeakRef keeps its target until the current job ends: collect in a later one.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(restored?.deref()).toBeUndefined();
    expect(lone.restoredAt()).toBe(T + 15_000);
    await lone.stop();
  });

  test('saves at half the staleness bound, at least every tick', () => {
    expect(loneSaveEvery({ intervalSeconds: 15, stalenessSeconds: 120 })).toBe(4);
    expect(loneSaveEvery({ intervalSeconds: 60, stalenessSeconds: 60 })).toBe(1);
  });
});
