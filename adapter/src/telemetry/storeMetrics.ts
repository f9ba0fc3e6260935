import type { Registry } from 'prom-client';
import type { SinkStats } from '../store/decisionSink';
import { counterFrom, gaugeFrom } from './telemetry';

// The decision sink's queue, spool and database health, read at scrape time.

export function registerDecisionSinkMetrics(registry: Registry, stats: () => SinkStats): void {
  gaugeFrom(
    registry,
    'costscale_decisions_queued',
    'Decisions waiting in memory for the database.',
    () => stats().queued,
  );
  gaugeFrom(
    registry,
    'costscale_spool_bytes',
    'Size of the decision spool file.',
    () => stats().spooledBytes,
  );
  counterFrom(
    registry,
    'costscale_decisions_dropped_total',
    'Decisions lost because queue and spool were full (0 in normal operation).',
    () => stats().dropped,
  );
  gaugeFrom(registry, 'costscale_database_up', '1 when the last database write succeeded.', () =>
    stats().healthy ? 1 : 0,
  );
}
