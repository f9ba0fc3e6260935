import type { Logger } from '../log';
import type { Snapshot } from '../snapshot/snapshot';
import type { StoredSnapshot } from '../store/snapshots';
import type { EvaluateTick } from './engine';

// With several replicas one holds the Lease and computes; the others serve the snapshot it publishes
// (ARCHITECTURE.md §2). This decorates the evaluator: the leader evaluates and publishes, a follower
// takes the leader's last snapshot and decides nothing. A follower asks the leader itself first (over
// HTTPS, replicationHttp.ts), so it keeps serving fresh values through a PostgreSQL outage (§6), and
// reads the snapshots table when the leader cannot be reached. Values keep the leader's timestamps,
// so a dead leader's values go stale (and become Status errors) until this replica takes over.

export interface Leadership {
  /** This replica's name, recorded with the snapshots it publishes. */
  readonly identity: string;
  isLeader(): boolean;
  /** The leader's snapshot address as recorded on the Lease, when known and not this replica. */
  leaderAddress?(): string | undefined;
}

/** Where the leader's snapshot is published for followers (store/snapshots.ts). */
export interface SnapshotExchange {
  save(holder: string, snapshot: Snapshot): Promise<void>;
  load(): Promise<StoredSnapshot | undefined>;
}

/** Fetches the snapshot the leader at `address` serves (replicationHttp.ts). */
export type LeaderSnapshotFetch = (address: string) => Promise<Snapshot>;

/** Where a follower took its snapshot from. */
export type FollowSource = 'leader' | 'database';

/**
 * Whether a replica can serve: the leader (or a lone replica) once it has ticked, or a lone replica
 * before that while the snapshot it restored at start is younger than the staleness bound; a follower
 * only while the snapshot it follows is, else it would answer 404s and stale values behind a passing
 * probe (issue 16, defect 1).
 */
export function replicaReady(state: {
  readonly leader: boolean;
  readonly ticks: number;
  readonly followedAt: number | undefined;
  /** When the snapshot a lone replica restored at start was generated (loneSnapshot.ts). */
  readonly restoredAt?: number | undefined;
  readonly now: number;
  readonly stalenessMs: number;
}): boolean {
  const fresh = (at: number | undefined): boolean => at !== undefined && state.now - at <= state.stalenessMs;
  if (state.leader) return state.ticks > 0 || fresh(state.restoredAt);
  return fresh(state.followedAt);
}

/** The evaluator itself without leader election (`leadership` undefined); else the replicated one. */
export function replicated(
  evaluate: EvaluateTick,
  deps: {
    readonly leadership: Leadership | undefined;
    readonly exchange: SnapshotExchange;
    /** Without it followers read the snapshots table only. */
    readonly fetchLeader?: LeaderSnapshotFetch;
    /** Told of every snapshot a follower takes. */
    readonly onFollow?: (snapshot: Snapshot, source: FollowSource) => void;
    readonly logger: Logger;
  },
): EvaluateTick {
  const { leadership, exchange, fetchLeader, logger } = deps;
  if (leadership === undefined) return evaluate;
  let followed: Snapshot | undefined;
  const fromLeader = async (): Promise<Snapshot | undefined> => {
    const address = leadership.leaderAddress?.();
    if (fetchLeader === undefined || address === undefined) return undefined;
    return fetchLeader(address).catch((err: Error) => {
      logger.warn({ err: err.message, address }, 'fetching the leader snapshot failed; reading PostgreSQL');
      return undefined;
    });
  };
  const fromDatabase = async (): Promise<Snapshot | undefined> => {
    const loaded = await exchange.load().catch((err: Error) => {
      logger.warn({ err: err.message }, 'loading the leader snapshot failed');
      return undefined;
    });
    if (loaded !== undefined && 'invalid' in loaded) {
      logger.warn({ holder: loaded.holder, problem: loaded.invalid }, 'ignoring a stored snapshot');
      return undefined;
    }
    return loaded?.snapshot;
  };
  return async (config, now) => {
    if (!leadership.isLeader()) {
      const direct = await fromLeader();
      const taken = direct ?? (await fromDatabase());
      if (taken !== undefined) {
        followed = taken;
        deps.onFollow?.(taken, direct !== undefined ? 'leader' : 'database');
      }
      return (previous) => ({
        policies: followed !== undefined ? [...followed.policies] : (previous?.policies() ?? []),
        ...(followed?.budgets && { budgets: [...followed.budgets] }),
        decisions: [],
      });
    }
    const decide = await evaluate(config, now);
    return (previous) => {
      const out = decide(previous);
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
  };
}
