import type { Logger } from '../log';
import type { Snapshot } from '../snapshot/snapshot';
import type { StoredSnapshot } from '../store/snapshots';
import type { Evaluate } from './engine';

// With several replicas one holds the Lease and computes; the others serve the snapshot it publishes
// through PostgreSQL (ARCHITECTURE.md §2). This decorates the evaluator: the leader evaluates and
// publishes, a follower returns the leader's last snapshot and decides nothing. Values keep the
// leader's timestamps, so a dead leader's values go stale (and become Status errors) until this
// replica takes over.

export interface Leadership {
  /** This replica's name, recorded with the snapshots it publishes. */
  readonly identity: string;
  isLeader(): boolean;
}

/** Where the leader's snapshot is published for followers (store/snapshots.ts). */
export interface SnapshotExchange {
  save(holder: string, snapshot: Snapshot): Promise<void>;
  load(): Promise<StoredSnapshot | undefined>;
}

/** The evaluator itself without leader election (`leadership` undefined); else the replicated one. */
export function replicated(
  evaluate: Evaluate,
  deps: {
    readonly leadership: Leadership | undefined;
    readonly exchange: SnapshotExchange;
    readonly logger: Logger;
  },
): Evaluate {
  const { leadership, exchange, logger } = deps;
  if (leadership === undefined) return evaluate;
  let followed: Snapshot | undefined;
  return async (config, now, previous) => {
    if (!leadership.isLeader()) {
      const loaded = await exchange.load().catch((err: Error) => {
        logger.warn({ err: err.message }, 'loading the leader snapshot failed');
        return undefined;
      });
      if (loaded !== undefined && 'invalid' in loaded)
        logger.warn({ holder: loaded.holder, problem: loaded.invalid }, 'ignoring a stored snapshot');
      else if (loaded !== undefined) followed = loaded.snapshot;
      return {
        policies: [...(followed?.policies ?? previous?.policies ?? [])],
        ...(followed?.budgets && { budgets: [...followed.budgets] }),
        decisions: [],
      };
    }
    const out = await evaluate(config, now, previous);
    // The engine publishes this tick as the one after `previous`.
    const snapshot: Snapshot = {
      generatedAt: now,
      tick: (previous?.tick ?? 0) + 1,
      policies: out.policies,
      ...(out.budgets && { budgets: out.budgets }),
    };
    exchange
      .save(leadership.identity, snapshot)
      .catch((err: Error) =>
        logger.warn({ err: err.message }, 'publishing the snapshot for followers failed'),
      );
    return out;
  };
}
