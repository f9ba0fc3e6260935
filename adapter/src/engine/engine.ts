import type { Config } from '../config/schema';
import type { Logger } from '../log';
import type { PendingDecision } from '../store/decisions';
import {
  PreviousSnapshot,
  type BudgetSnapshot,
  type PolicySnapshot,
  type Snapshot,
  type SnapshotHolder,
} from '../snapshot/snapshot';

/** What one tick computes for all policies: the next snapshot's entries and the decisions to persist. */
export interface TickOutput {
  policies: PolicySnapshot[];
  budgets?: BudgetSnapshot[];
  decisions: PendingDecision[];
}

/**
 * A tick in two parts: gathering its inputs (I/O, awaited), then deciding every policy and making the next
 * snapshot from the previous one in one synchronous step (`DecideTick`), in which the engine replaces the
 * served snapshot (SnapshotHolder.replace): no request is served during it, so the previous snapshot's
 * entries can be let go as their successors are made (issue 16).
 */
export type EvaluateTick = (config: Config, now: number) => Promise<DecideTick>;

/** Decides from the previous snapshot, putting each new entry in its predecessor's place (`succeed`). */
export type DecideTick = (previous: PreviousSnapshot | undefined) => TickOutput;

/** Both parts at once, from a served snapshot left as it is: dry runs and tests. */
export type Evaluate = (config: Config, now: number, previous: Snapshot | undefined) => Promise<TickOutput>;

export const evaluateOnce =
  (evaluate: EvaluateTick): Evaluate =>
  async (config, now, previous) =>
    (await evaluate(config, now))(previous && new PreviousSnapshot(previous));

export interface EngineDeps {
  evaluate: EvaluateTick;
  holder: SnapshotHolder;
  persist: (decisions: PendingDecision[]) => void;
  clock: () => number;
  logger: Logger;
  observeTick?: (seconds: number, ok: boolean) => void;
}

/** Runs one tick per interval: gather → decide → publish an immutable snapshot → persist. */
export class Engine {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private tickCount = 0;

  constructor(private readonly deps: EngineDeps) {}

  get ticks(): number {
    return this.tickCount;
  }

  async tick(config: Config): Promise<void> {
    const started = this.deps.clock();
    let ok = true;
    try {
      const decide = await this.deps.evaluate(config, started);
      let decisions: PendingDecision[] = [];
      this.deps.holder.replace((previous) => {
        const out = decide(previous);
        decisions = out.decisions;
        return {
          generatedAt: started,
          tick: this.tickCount + 1,
          policies: out.policies,
          ...(out.budgets && { budgets: out.budgets }),
        };
      });
      this.tickCount++;
      this.deps.persist(decisions);
    } catch (err) {
      ok = false;
      this.deps.logger.error({ err }, 'engine tick failed');
    } finally {
      this.deps.observeTick?.((this.deps.clock() - started) / 1000, ok);
    }
  }

  /** Ticks now and then every `engine.intervalSeconds` of the current configuration. */
  start(currentConfig: () => Config | Promise<Config>): void {
    this.stopped = false;
    const loop = async (): Promise<void> => {
      if (this.stopped) return;
      const config = await currentConfig();
      const began = Date.now();
      this.running = this.tick(config);
      await this.running;
      if (this.stopped) return;
      const wait = Math.max(0, config.engine.intervalSeconds * 1000 - (Date.now() - began));
      this.timer = setTimeout(() => void loop(), wait);
    };
    void loop();
  }

  /** Stops scheduling and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
