import {
  getAnomalyEvent,
  listAnomalyEvents,
  pruneAnomalyEvents,
  recordAnomalyEvent,
} from '../../adapter/src/store/anomalyEvents';
import { migrate } from '../../adapter/src/store/migrate';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

const T = Date.UTC(2026, 0, 5, 12);
const HOUR = 3600_000;
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
const withoutId = <E extends { id: number }>({ id: _id, ...e }: E) => e;

describe.each(DATABASE_KINDS)('anomaly events on %s PostgreSQL', (kind) => {
  test('an episode is written at its start and completed at its end, keeping the highest peak', async () => {
    const db = await dbs.fresh(kind);
    await migrate(db);
    await recordAnomalyEvent(db, started);
    const [first] = await listAnomalyEvents(db, { from: T - 1, limit: 10 });
    expect(withoutId(first!)).toEqual(started);
    await recordAnomalyEvent(db, { ...started, endedAt: T + 900_000, peakScore: 0.7 });
    await recordAnomalyEvent(db, { ...started, endedAt: T + 900_000, peakScore: 0.5 });
    const completed = { ...started, id: first!.id, endedAt: T + 900_000, peakScore: 0.7 };
    expect(await listAnomalyEvents(db, { from: T - 1, limit: 10 })).toEqual([completed]);
    expect(await getAnomalyEvent(db, first!.id)).toEqual(completed);
    expect(await getAnomalyEvent(db, first!.id + 1)).toBeUndefined();
  });

  test('lists newest first, filtered by namespace, policy, signal, start time and activity, in keyset pages', async () => {
    const db = await dbs.fresh(kind);
    await migrate(db);
    await recordAnomalyEvent(db, { ...started, endedAt: T + 600_000 });
    await recordAnomalyEvent(db, { ...started, startedAt: T + HOUR });
    await recordAnomalyEvent(db, { ...started, policy: 'api', startedAt: T + 2 * HOUR });
    await recordAnomalyEvent(db, {
      ...started,
      namespace: 'batch',
      signal: 'latency',
      startedAt: T + 60_000,
    });
    const starts = (events: { startedAt: number }[]) => events.map((e) => (e.startedAt - T) / 60_000);
    expect(starts(await listAnomalyEvents(db, { limit: 10 }))).toEqual([120, 60, 1, 0]);
    expect(starts(await listAnomalyEvents(db, { namespace: 'shop', policy: 'web', limit: 10 }))).toEqual([
      60, 0,
    ]);
    expect(starts(await listAnomalyEvents(db, { signal: 'latency', limit: 10 }))).toEqual([1]);
    expect(starts(await listAnomalyEvents(db, { from: T + 30 * 60_000, limit: 1 }))).toEqual([120]);
    expect(starts(await listAnomalyEvents(db, { from: T, to: T + HOUR, limit: 10 }))).toEqual([1, 0]);
    // Open episodes started within the detector's longest episode are active; older open ones are not.
    const active = (is: boolean) => ({ is, openSince: T + 30 * 60_000 });
    expect(starts(await listAnomalyEvents(db, { active: active(true), limit: 10 }))).toEqual([120, 60]);
    expect(starts(await listAnomalyEvents(db, { active: active(false), limit: 10 }))).toEqual([1, 0]);

    const firstPage = await listAnomalyEvents(db, { limit: 2 });
    const last = firstPage[1]!;
    const secondPage = await listAnomalyEvents(db, {
      before: { startedAt: last.startedAt, id: last.id },
      limit: 2,
    });
    expect(starts([...firstPage, ...secondPage])).toEqual([120, 60, 1, 0]);
  });

  test('retention deletes episodes that ended, or started without an end, before the cutoff', async () => {
    const db = await dbs.fresh(kind);
    await migrate(db);
    await recordAnomalyEvent(db, { ...started, endedAt: T + HOUR });
    await recordAnomalyEvent(db, { ...started, startedAt: T + 2 * HOUR, endedAt: T + 5 * HOUR });
    await recordAnomalyEvent(db, { ...started, startedAt: T + 3 * HOUR });
    expect(await pruneAnomalyEvents(db, T + 4 * HOUR)).toBe(2);
    expect((await listAnomalyEvents(db, { limit: 10 })).map((e) => e.endedAt)).toEqual([T + 5 * HOUR]);
  });
});
