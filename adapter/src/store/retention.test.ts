import { Writable } from 'node:stream';
import pino from 'pino';
import type { Queryable } from './db';
import { DecisionRetention, retentionCutoff } from './retention';

const T = Date.UTC(2026, 10, 30, 12);

function setup(fail = false) {
  const cutoffs: unknown[] = [];
  const anomalyCutoffs: unknown[] = [];
  const db: Queryable = {
    query: async <R>(sql: string, params?: unknown[]) => {
      if (fail) throw new Error('database down');
      if (sql.includes('decisions')) {
        cutoffs.push(params?.[0]);
        return [{ n: 3 }] as R[];
      }
      if (sql.includes('anomaly_events')) {
        anomalyCutoffs.push(params?.[0]);
        return [{ n: 1 }] as R[];
      }
      return [] as R[];
    },
  };
  const logs: string[] = [];
  const logger = pino(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
        done();
      },
    }),
  );
  const days = { value: 30 };
  const retention = new DecisionRetention({
    db,
    retention: () => ({ retentionDays: days.value, anomalyRetentionDays: 90 }),
    clock: () => T,
    logger,
  });
  return { retention, cutoffs, anomalyCutoffs, logs, days };
}

describe('decision retention', () => {
  test('the cutoff is the retention period before now', () => {
    expect(retentionCutoff(T, 30)).toBe(Date.UTC(2026, 9, 31, 12));
  });

  test('a pass deletes what is older than the retention period read at that pass', async () => {
    const { retention, cutoffs, anomalyCutoffs, logs, days } = setup();
    await retention.prune();
    days.value = 7;
    await retention.prune();
    expect(cutoffs).toEqual(['2026-10-31T12:00:00.000Z', '2026-11-23T12:00:00.000Z']);
    // Anomaly episodes are kept for their own period.
    expect(anomalyCutoffs).toEqual(['2026-09-01T12:00:00.000Z', '2026-09-01T12:00:00.000Z']);
    expect(logs).toEqual(['decision retention', 'decision retention']);
  });

  test('a failing pass is logged, not thrown', async () => {
    const { retention, logs } = setup(true);
    await expect(retention.prune()).resolves.toBeUndefined();
    expect(logs).toEqual(['decision retention failed']);
  });

  test('runs hourly between start and stop', async () => {
    jest.useFakeTimers();
    try {
      const { retention, cutoffs } = setup();
      retention.start();
      await jest.advanceTimersByTimeAsync(3_600_000 * 2);
      retention.stop();
      await jest.advanceTimersByTimeAsync(3_600_000 * 2);
      expect(cutoffs).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
