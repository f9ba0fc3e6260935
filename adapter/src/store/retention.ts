import type { Logger } from '../log';
import type { Queryable } from './db';
import { pruneAnomalyEvents } from './anomalyEvents';
import { pruneDecisions } from './decisions';

// Decisions and forecasts older than `database.retentionDays`, and anomaly episodes older than
// `database.anomalyRetentionDays` (both read anew each pass), are deleted hourly. Every replica prunes:
// the deletes are idempotent, and no replica depends on leading.

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Rows older than this are pruned at `now`. */
export function retentionCutoff(now: number, retentionDays: number): number {
  return now - retentionDays * DAY_MS;
}

export interface DecisionRetentionDeps {
  readonly db: Queryable;
  /** Read anew each pass; without `anomalyRetentionDays` anomaly episodes are kept. */
  readonly retention: () => { readonly retentionDays: number; readonly anomalyRetentionDays?: number };
  readonly clock: () => number;
  readonly logger: Logger;
  /** Default one hour. */
  readonly everyMs?: number;
}

export class DecisionRetention {
  readonly name = 'decision-retention';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DecisionRetentionDeps) {}

  /** One pass; failures are logged, never thrown. */
  async prune(): Promise<void> {
    const { db, logger } = this.deps;
    try {
      const now = this.deps.clock();
      const { retentionDays, anomalyRetentionDays: anomalyDays } = this.deps.retention();
      const deleted = await pruneDecisions(db, retentionCutoff(now, retentionDays));
      const anomalies =
        anomalyDays === undefined ? 0 : await pruneAnomalyEvents(db, retentionCutoff(now, anomalyDays));
      if (deleted > 0 || anomalies > 0) logger.info({ deleted, anomalies }, 'decision retention');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'decision retention failed');
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.prune(), this.deps.everyMs ?? HOUR_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
