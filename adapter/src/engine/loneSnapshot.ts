import type { Runnable } from '../lifecycle';
import type { Logger } from '../log';
import type { Snapshot } from '../snapshot/snapshot';
import type { SnapshotExchange } from './replication';

// A single replica (no leader election) has no peer whose snapshot it could serve after a restart: it
// keeps its own in the snapshots table, the channel a leader publishes to (store/snapshots.ts), every
// few ticks and at shutdown, and serves it again at start, before its first tick (which warm-starts
// every policy's history and can take a while). Values keep their own timestamps, so a snapshot older
// than the staleness bound is served as stale values and Status errors, as any other.

/** Where a lone replica's snapshots come from and go to. */
export interface LoneSnapshotDeps {
  readonly exchange: SnapshotExchange;
  /** The holder's snapshot (the engine publishes each tick there) and its feed. */
  readonly holder: {
    current(): Snapshot | undefined;
    publish(snapshot: Snapshot): void;
    subscribe(listener: (snapshot: Snapshot) => void): () => void;
  };
  /** Recorded with each saved snapshot: this replica's name. */
  readonly identity: string;
  /** Saves every this many published snapshots. */
  readonly everyTicks: number;
  readonly logger: Logger;
}

export interface LoneSnapshots extends Runnable {
  /** Restores the last snapshot into the holder and starts saving. */
  start(): Promise<void>;
  /** Saves the last snapshot. */
  stop(): Promise<void>;
  /** When the snapshot restored at start was generated (undefined when none was). */
  restoredAt(): number | undefined;
}

/** Ticks between saves: half the staleness bound, so a crash leaves a snapshot that can still serve. */
export const loneSaveEvery = (engine: { intervalSeconds: number; stalenessSeconds: number }): number =>
  Math.max(1, Math.floor(engine.stalenessSeconds / 2 / engine.intervalSeconds));

export function loneSnapshots(deps: LoneSnapshotDeps): LoneSnapshots {
  const { exchange, holder, identity, logger } = deps;
  // When the restored snapshot was generated, not the snapshot: kept for the life of the process, it
  // would hold every entry it had after the first tick replaced it (issue 16: at 100,000 policies about
  // as much heap as the engine's own snapshot).
  let restoredAt: number | undefined;
  /** Whether the holder still serves the restored snapshot: no tick has published since. */
  let servingRestored = false;
  let published = 0;
  let unsubscribe: (() => void) | undefined;
  let saving: Promise<void> = Promise.resolve();

  const save = (snapshot: Snapshot): Promise<void> => {
    // One save at a time, in order: a slow database never has two snapshots in flight.
    saving = saving.then(() =>
      exchange
        .save(identity, snapshot)
        .catch((err: Error) => logger.warn({ err: err.message }, 'saving the snapshot failed')),
    );
    return saving;
  };

  return {
    name: 'snapshot-persistence',
    restoredAt: () => restoredAt,
    async start() {
      const loaded = await exchange.load().catch((err: Error) => {
        logger.warn({ err: err.message }, 'loading the last snapshot failed; starting without it');
        return undefined;
      });
      if (loaded !== undefined && 'invalid' in loaded)
        logger.warn({ holder: loaded.holder, problem: loaded.invalid }, 'ignoring a stored snapshot');
      else if (loaded !== undefined && holder.current() === undefined) {
        restoredAt = loaded.snapshot.generatedAt;
        servingRestored = true;
        holder.publish(loaded.snapshot);
        logger.info(
          {
            generatedAt: new Date(restoredAt).toISOString(),
            policies: loaded.snapshot.policies.length,
          },
          'serving the last snapshot until the first tick',
        );
      }
      unsubscribe = holder.subscribe((snapshot) => {
        servingRestored = false;
        published++;
        if (published % deps.everyTicks === 0) void save(snapshot);
      });
    },
    async stop() {
      unsubscribe?.();
      const last = holder.current();
      if (last !== undefined && !servingRestored) await save(last);
      else await saving;
    },
  };
}
