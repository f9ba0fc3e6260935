import type { Logger } from './log';

// The service's parts as runnables, started in the order added and stopped in reverse, so each part
// stops before what it depends on (as kubernetes-sigs/controller-runtime's manager and KEDA's
// metrics service run theirs). A part that acts only while this replica leads says so; it checks the
// leadership itself at each run, because leadership changes while it runs.

export interface Runnable {
  readonly name: string;
  /** Acts only while this replica holds the Lease. */
  readonly leaderOnly?: boolean;
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}

export class Lifecycle {
  private readonly parts: Runnable[] = [];
  private started: Runnable[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Adds a part; an absent one (a feature switched off) is skipped. */
  add(part: Runnable | undefined): this {
    if (part !== undefined) this.parts.push(part);
    return this;
  }

  /** Starts every part in order; if one fails, stops those already started and rethrows. */
  async start(): Promise<void> {
    for (const part of this.parts) {
      try {
        await part.start?.();
      } catch (err) {
        this.logger.error({ part: part.name, err: (err as Error).message }, 'starting failed');
        await this.stop(`${part.name} failed to start`);
        throw err;
      }
      this.started.push(part);
      this.logger.debug({ part: part.name, leaderOnly: part.leaderOnly ?? false }, 'started');
    }
  }

  /** Stops the started parts in reverse order; a failing stop is logged and the rest still stop. Idempotent. */
  stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info({ reason }, 'shutting down');
      for (const part of this.started.reverse()) {
        try {
          await part.stop?.();
        } catch (err) {
          this.logger.warn({ part: part.name, err: (err as Error).message }, 'stopping failed');
        }
      }
      this.started = [];
      this.logger.info('stopped');
    })();
    return this.stopping;
  }
}
