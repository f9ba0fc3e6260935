import { appendFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Database } from './db';
import { insertDecisions, storedDecision, type DecisionRecord, type PendingDecision } from './decisions';

export interface DecisionSinkOptions {
  /** JSON-lines file that keeps decisions while the database is unreachable, across restarts. */
  spoolFile: string;
  /** Most decisions held in memory between flushes. */
  maxQueue: number;
  /** Largest spool file; decisions beyond it are dropped and counted. */
  maxSpoolBytes: number;
  onError?: (err: Error) => void;
}

export interface SinkStats {
  queued: number;
  spooledBytes: number;
  dropped: number;
  flushed: number;
  healthy: boolean;
}

const MAX_QUEUE = 100_000;
/** Decisions rendered into their stored form per insert. */
const RENDER_SLICE = 500;

/** The service's sink: its spool folder created, the spool's size read, the queue bounded at 100,000. */
export async function openDecisionSink(
  db: Database,
  settings: { readonly spoolFile: string; readonly maxSpoolBytes: number },
  onError: (err: Error) => void,
): Promise<DecisionSink> {
  await mkdir(dirname(settings.spoolFile), { recursive: true });
  const sink = new DecisionSink(db, { ...settings, maxQueue: MAX_QUEUE, onError });
  await sink.init();
  return sink;
}

/**
 * Persists decisions in batches (ARCHITECTURE.md §6): when PostgreSQL is unreachable, deciding goes on;
 * decisions wait in a bounded queue and a spool file and are written when it returns. Replays are
 * idempotent (unique policy/time key), so a crash mid-flush duplicates nothing.
 */
export class DecisionSink {
  private queue: PendingDecision[] = [];
  private spooledBytes = 0;
  private dropped = 0;
  private flushed = 0;
  private healthy = true;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly opts: DecisionSinkOptions,
  ) {}

  async init(): Promise<void> {
    this.spooledBytes = await stat(this.opts.spoolFile).then(
      (s) => s.size,
      () => 0,
    );
  }

  enqueue(records: readonly PendingDecision[]): void {
    const room = this.opts.maxQueue - this.queue.length;
    if (records.length > room) {
      // The queue is full only while the database is down and the spool is unwritable: count the loss.
      this.dropped += records.length - Math.max(room, 0);
      records = records.slice(0, Math.max(room, 0));
    }
    // One push at a time: a tick's records spread as arguments overflow the stack from about 125,000.
    for (const record of records) this.queue.push(record);
  }

  /** Writes the spool (oldest first), then the queue. Concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Queues decisions and starts a flush without waiting for it. */
  write(records: readonly PendingDecision[]): void {
    this.enqueue(records);
    void this.flush();
  }

  stats(): SinkStats {
    return {
      queued: this.queue.length,
      spooledBytes: this.spooledBytes,
      dropped: this.dropped,
      flushed: this.flushed,
      healthy: this.healthy,
    };
  }

  private async doFlush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      if (this.spooledBytes > 0) await this.replaySpool();
      // Rendered (explanations included) a slice at a time, as written, so a tick's never all at once.
      for (let start = 0; start < batch.length; start += RENDER_SLICE)
        await insertDecisions(this.db, batch.slice(start, start + RENDER_SLICE).map(storedDecision));
      this.flushed += batch.length;
      this.healthy = true;
    } catch (err) {
      this.healthy = false;
      this.opts.onError?.(err as Error);
      await this.spool(batch);
    }
  }

  private async replaySpool(): Promise<void> {
    const text = await readFile(this.opts.spoolFile, 'utf8').catch(() => '');
    const records = text
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as DecisionRecord);
    if (records.length > 0) await insertDecisions(this.db, records);
    this.flushed += records.length;
    await rm(this.opts.spoolFile, { force: true });
    this.spooledBytes = 0;
  }

  private async spool(batch: PendingDecision[]): Promise<void> {
    if (batch.length === 0) return;
    let text = '';
    let kept = 0;
    for (const pending of batch) {
      const line = JSON.stringify(storedDecision(pending)) + '\n';
      if (this.spooledBytes + text.length + line.length > this.opts.maxSpoolBytes) break;
      text += line;
      kept++;
    }
    try {
      if (text) await appendFile(this.opts.spoolFile, text);
      this.spooledBytes += Buffer.byteLength(text);
      this.dropped += batch.length - kept;
    } catch (err) {
      // Spool unwritable too: keep what fits in memory for the next attempt.
      this.opts.onError?.(err as Error);
      const merged = [...batch, ...this.queue];
      const excess = Math.max(merged.length - this.opts.maxQueue, 0);
      this.dropped += excess;
      this.queue = merged.slice(0, merged.length - excess);
    }
  }
}
