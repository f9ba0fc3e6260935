import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Config } from '../config/schema';
import type { KubeConnection } from '../k8s/connection';
import type { Logger } from '../log';
import type { Runnable } from '../lifecycle';
import type { SnapshotHolder } from '../snapshot/snapshot';
import type { Database } from '../store/db';
import { snapshotExchange } from '../store/snapshots';
import type { EvaluateTick } from './engine';
import { electionFromConfig, type LeaderElector } from './leaderElection';
import { loneSaveEvery, loneSnapshots } from './loneSnapshot';
import { replicaReady, replicated } from './replication';
import { leaderSnapshotFetcher, snapshotAddress, snapshotEndpoint } from './replicationHttp';

// This replica's place among its peers, built from the config: the elector (none without leader
// election), the evaluator that computes when leading and follows otherwise, readiness, and the
// snapshot endpoint followers fetch from the leader; a lone replica keeps its own snapshot for restarts.

export interface ReplicaSet {
  /**
   * The part that keeps this replica's place, to start before the engine: the elector with leader
   * election; without it the lone replica's snapshot persistence, which restores the last snapshot at
   * start and saves one every few ticks and at stop (loneSnapshot.ts).
   */
  readonly part: LeaderElector | Runnable;
  isLeader(): boolean;
  readonly evaluate: EvaluateTick;
  /** Ready to serve: see replicaReady. */
  ready(ticks: number, now: number): boolean;
  /** The leader's snapshot route, when a replication token is set. */
  readonly internal: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  /** The API port, known once bound (port 0 in tests); the Lease records the address from then on. */
  bindApiPort(port: () => number): void;
}

export function replicaSet(deps: {
  readonly config: Config;
  readonly configFile: string;
  readonly connection: KubeConnection | undefined;
  readonly db: Database;
  readonly evaluate: EvaluateTick;
  readonly snapshot: SnapshotHolder;
  readonly logger: Logger;
}): ReplicaSet {
  const { config, logger } = deps;
  let apiPort = (): number => 0;
  const elector = electionFromConfig(
    config,
    deps.configFile,
    deps.connection,
    () => (apiPort() === 0 ? undefined : snapshotAddress(config.server.host, apiPort())),
    logger,
  );
  const isLeader = (): boolean => elector?.isLeader() ?? true;
  const token = config.engine.leaderElection.replicationToken;
  let followedAt: number | undefined;
  const exchange = snapshotExchange(deps.db);
  const lone =
    elector === undefined
      ? loneSnapshots({
          exchange,
          holder: deps.snapshot,
          identity: hostname(),
          everyTicks: loneSaveEvery(config.engine),
          logger,
        })
      : undefined;
  return {
    part: elector ?? lone!,
    isLeader,
    evaluate: replicated(deps.evaluate, {
      leadership: elector,
      exchange,
      ...(token !== undefined && { fetchLeader: leaderSnapshotFetcher(token) }),
      onFollow: (snapshot) => void (followedAt = snapshot.generatedAt),
      logger,
    }),
    ready: (ticks, now) =>
      replicaReady({
        leader: isLeader(),
        ticks,
        followedAt,
        restoredAt: lone?.restoredAt(),
        now,
        stalenessMs: config.engine.stalenessSeconds * 1000,
      }),
    internal:
      token === undefined ? undefined : snapshotEndpoint({ token, snapshot: deps.snapshot, isLeader }),
    bindApiPort: (port) => void (apiPort = port),
  };
}
