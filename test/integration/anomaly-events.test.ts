import { listAnomalyEvents, recordAnomalyEvent } from '../../adapter/src/store/anomalyEvents';
import { migrate } from '../../adapter/src/store/migrate';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

const T = Date.UTC(2026, 0, 5, 12);
const started = {
  namespace: 'shop',
  policy: 'web',
  signal: 'demand',
  startedAt: T,
  endedAt: null,
  peakScore: 0.4,
  expectedLow: 80,
  expectedHigh: 120,
};

describe.each(DATABASE_KINDS)('anomaly events on %s PostgreSQL', (kind) => {
  test('an episode is written at its start and completed at its end, keeping the highest peak', async () => {
    const db = await dbs.fresh(kind);
    await migrate(db);
    await recordAnomalyEvent(db, started);
    expect(await listAnomalyEvents(db, { since: T - 1, limit: 10 })).toEqual([started]);
    await recordAnomalyEvent(db, { ...started, endedAt: T + 900_000, peakScore: 0.7 });
    await recordAnomalyEvent(db, { ...started, endedAt: T + 900_000, peakScore: 0.5 });
    expect(await listAnomalyEvents(db, { since: T - 1, limit: 10 })).toEqual([
      { ...started, endedAt: T + 900_000, peakScore: 0.7 },
    ]);
  });

  test('lists newest first, filtered by namespace, policy and start time', async () => {
    const db = await dbs.fresh(kind);
    await migrate(db);
    await recordAnomalyEvent(db, started);
    await recordAnomalyEvent(db, { ...started, startedAt: T + 3600_000 });
    await recordAnomalyEvent(db, { ...started, policy: 'api', startedAt: T + 7200_000 });
    await recordAnomalyEvent(db, { ...started, namespace: 'batch', startedAt: T + 60_000 });
    const starts = (events: { startedAt: number }[]) => events.map((e) => (e.startedAt - T) / 60_000);
    expect(starts(await listAnomalyEvents(db, { since: T, limit: 10 }))).toEqual([120, 60, 1, 0]);
    expect(
      starts(await listAnomalyEvents(db, { namespace: 'shop', policy: 'web', since: T, limit: 10 })),
    ).toEqual([60, 0]);
    expect(starts(await listAnomalyEvents(db, { since: T + 30 * 60_000, limit: 1 }))).toEqual([120]);
  });
});
