import type { Config } from '../config/schema';
import type { WorkloadsApi } from '../k8s/workloads';
import type { Logger } from '../log';
import type { Backends } from '../sources';
import type { Database } from '../store/db';
import { expireStale, saveRegeneration, type RegenerationResult } from '../store/recommendations';
import { generateRecommendations } from './generate';

// The service's periodic regeneration: every `recommendations.intervalHours` (read anew each time) the
// leader regenerates the recommendations of all policies and expires stale open ones. A policy whose
// inputs could not be read keeps its open recommendations until they expire.

export interface RecommendationJobDeps {
  readonly db: Database;
  /** The effective configuration (file and API-managed policies). */
  readonly config: () => Promise<Config>;
  readonly backends: () => Backends;
  readonly kube?: WorkloadsApi;
  readonly logger: Logger;
  /** Only the leader regenerates; followers serve what it stored. */
  readonly isLeader: () => boolean;
  readonly clock?: () => number;
  /** Delay before the first run (default one minute, so the service settles first). */
  readonly firstRunDelayMs?: number;
}

export interface RegenerationSummary extends RegenerationResult {
  readonly policies: number;
  readonly failed: number;
  readonly rejected: number;
  readonly staleExpired: number;
}

export class RecommendationJob {
  readonly name = 'recommendations';
  /** Runs on every replica; only the leader regenerates (see `isLeader`). */
  readonly leaderOnly = true;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly deps: RecommendationJobDeps) {}

  start(): void {
    this.schedule(this.deps.firstRunDelayMs ?? 60_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One regeneration now. */
  async runOnce(): Promise<RegenerationSummary> {
    const now = (this.deps.clock ?? Date.now)();
    const config = await this.deps.config();
    const { policies, priceWarnings } = await generateRecommendations({
      config,
      backends: this.deps.backends(),
      ...(this.deps.kube !== undefined && { kube: this.deps.kube }),
      now,
    });
    for (const w of priceWarnings) this.deps.logger.warn({ warning: w }, 'recommendation prices');
    for (const p of policies) {
      if (p.error !== undefined)
        this.deps.logger.warn(
          { namespace: p.namespace, policy: p.policy, err: p.error },
          'recommendation inputs failed',
        );
    }
    const regenerated = policies.filter((p) => p.error === undefined);
    const result = await this.deps.db.transaction(async (tx) => {
      const saved = await saveRegeneration(
        tx,
        regenerated,
        now,
        config.recommendations.expireAfterHours * 3_600_000,
      );
      return { ...saved, staleExpired: await expireStale(tx, now) };
    });
    return {
      ...result,
      policies: policies.length,
      failed: policies.length - regenerated.length,
      rejected: regenerated.reduce((n, p) => n + p.rejected.length, 0),
    };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let interval = 6 * 3_600_000;
    try {
      const config = await this.deps.config();
      interval = config.recommendations.intervalHours * 3_600_000;
      if (config.recommendations.enabled && this.deps.isLeader()) {
        const summary = await this.runOnce();
        this.deps.logger.info(summary, 'recommendations regenerated');
      }
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'regenerating recommendations failed');
    } finally {
      this.schedule(interval);
    }
  }
}
