import type { Config } from '../config/schema';
import type { Logger } from '../log';
import type { PendingDecision } from '../store/decisions';
import type { BudgetSnapshot, PolicySnapshot, Snapshot, SnapshotHolder } from '../snapshot/snapshot';

/** What one tick computes for all policies: the next snapshot's entries and the decisions to persist. */
export interface TickOutput {
  policies: PolicySnapshot[];
  budgets?: BudgetSnapshot[];
  decisions: PendingDecision[];
}

/** Gathers inputs and decides for every policy (the sources and the pure core, wired in main.ts). */
export type Evaluate = (config: Config, now: number, previous: Snapshot | undefined) => Promise<TickOutput>;

export interface EngineDeps {
  evaluate: Evaluate;
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
      const out = await this.deps.evaluate(config, started, this.deps.holder.current());
      this.tickCount++;
      this.deps.holder.publish({
        generatedAt: started,
        tick: this.tickCount,
        policies: out.policies,
        ...(out.budgets && { budgets: out.budgets }),
      });
      this.deps.persist(out.decisions);
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
