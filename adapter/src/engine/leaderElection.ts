import { hostname } from 'node:os';
import { leaderElectionEnabled } from '../config/leaderElection';
import type { Config } from '../config/schema';
import type { KubeConnection } from '../k8s/connection';
import { createLeaseClient, type LeaseClient, type LeaseRecord } from '../k8s/lease';
import type { Logger } from '../log';

// With several adapter replicas one holds a Kubernetes Lease and computes; the others serve the
// snapshot it publishes (over HTTPS from the leader, else through PostgreSQL; ARCHITECTURE.md §2). The timing follows client-go's
// leaderelection package: renew well within the lease duration, take over only after it expired.

export type ElectionStep =
  | { readonly action: 'create' }
  | { readonly action: 'renew' }
  | { readonly action: 'takeover' }
  | { readonly action: 'follow'; readonly leader: string };

/** What `me` should do about the lease at `now` (pure). */
export function electionStep(lease: LeaseRecord | undefined, me: string, now: number): ElectionStep {
  if (lease === undefined) return { action: 'create' };
  if (lease.holder === me) return { action: 'renew' };
  const expired =
    lease.holder === undefined ||
    lease.renewTime === undefined ||
    now > lease.renewTime + lease.durationSeconds * 1000;
  return expired ? { action: 'takeover' } : { action: 'follow', leader: lease.holder! };
}

export interface LeaderElectorOptions {
  readonly identity: string;
  readonly leaseDurationSeconds: number;
  /** This replica's snapshot address, recorded on the Lease while it leads (known once it listens). */
  readonly address?: () => string | undefined;
  readonly clock?: () => number;
  readonly logger?: Logger;
}

export class LeaderElector {
  readonly name = 'leader-election';
  private leaderUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private leaderName: string | undefined;
  private leaderAt: string | undefined;

  constructor(
    private readonly lease: LeaseClient,
    private readonly options: LeaderElectorOptions,
  ) {}

  get identity(): string {
    return this.options.identity;
  }

  /** True while this replica holds an unexpired lease (renewed within 2/3 of its duration). */
  isLeader(): boolean {
    return this.clock() < this.leaderUntil;
  }

  get leader(): string | undefined {
    return this.isLeader() ? this.options.identity : this.leaderName;
  }

  /** The snapshot address the current leader recorded on the Lease (as of the last read). */
  leaderAddress(): string | undefined {
    return this.isLeader() ? undefined : this.leaderAt;
  }

  start(): Promise<void> {
    this.stopped = false;
    const period = Math.max(1000, (this.options.leaseDurationSeconds * 1000) / 3);
    const loop = async (): Promise<void> => {
      await this.attempt();
      if (!this.stopped) this.timer = setTimeout(() => void loop(), period);
    };
    return loop();
  }

  /** Stops campaigning and releases the lease when held, so a follower takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.isLeader()) return;
    this.leaderUntil = 0;
    try {
      const current = await this.lease.read();
      if (current?.holder === this.options.identity) {
        await this.lease.update(
          current,
          '',
          this.clock(),
          this.options.leaseDurationSeconds,
          current.transitions,
        );
      }
    } catch (err) {
      this.options.logger?.warn({ err: (err as Error).message }, 'releasing the lease failed');
    }
  }

  private clock(): number {
    return (this.options.clock ?? Date.now)();
  }

  private async attempt(): Promise<void> {
    const { identity, leaseDurationSeconds } = this.options;
    const wasLeader = this.isLeader();
    try {
      const current = await this.lease.read();
      const now = this.clock();
      const step = electionStep(current, identity, now);
      const address = this.options.address?.();
      let won = false;
      if (step.action === 'create')
        won = await this.lease.create(identity, now, leaseDurationSeconds, address);
      else if (step.action === 'renew')
        won = await this.lease.update(
          current!,
          identity,
          now,
          leaseDurationSeconds,
          current!.transitions,
          address,
        );
      else if (step.action === 'takeover')
        won = await this.lease.update(
          current!,
          identity,
          now,
          leaseDurationSeconds,
          current!.transitions + 1,
          address,
        );
      else {
        this.leaderName = step.leader;
        this.leaderAt = current?.address;
      }
      if (won) {
        // Lead only for 2/3 of the lease, so we stop before another replica may take over.
        this.leaderUntil = now + (leaseDurationSeconds * 1000 * 2) / 3;
        this.leaderName = identity;
      }
    } catch (err) {
      this.options.logger?.warn({ err: (err as Error).message }, 'lease update failed');
    }
    const isLeader = this.isLeader();
    if (isLeader !== wasLeader) {
      this.options.logger?.info(
        { identity, leader: isLeader },
        isLeader ? 'became leader' : 'lost leadership',
      );
    }
  }
}

/**
 * The elector when leader election is on (explicitly, or `auto` inside a cluster with a shared
 * database); throws a ConfigError naming `file` when it is on over the embedded database.
 */
export function electionFromConfig(
  config: Config,
  file: string,
  connection: KubeConnection | undefined,
  address: () => string | undefined,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): LeaderElector | undefined {
  const le = config.engine.leaderElection;
  if (!leaderElectionEnabled(config, file, env)) return undefined;
  const namespace = le.leaseNamespace ?? env.POD_NAMESPACE ?? 'default';
  const identity = env.POD_NAME ?? `${hostname()}-${process.pid}`;
  if (connection === undefined) {
    throw new Error(
      'leader election needs the Kubernetes API: set server.auth.kubeconfig or run in a cluster',
    );
  }
  const lease = createLeaseClient(connection, namespace, le.leaseName);
  logger.info({ identity, lease: `${namespace}/${le.leaseName}` }, 'leader election on');
  return new LeaderElector(lease, {
    identity,
    leaseDurationSeconds: le.leaseDurationSeconds,
    address,
    logger,
  });
}
