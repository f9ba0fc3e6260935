import { anomalyDetailResource, anomalyList, problemSchema } from '../../adapter/src/server/rest/schemas';
import { recordAnomalyEvent } from '../../adapter/src/store/anomalyEvents';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';
import { startRestHarness, type RestHarness } from '../support/rest';

// The anomaly endpoints against a real PostgreSQL and the embedded one: episodes as the engine records
// them, filters, keyset pages, one episode with its band and the signal from Prometheus around it, and
// the list from the engine's snapshot while the database is gone.

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

const NOW = Date.UTC(2026, 0, 5, 12);
const MIN = 60_000;
const episode = {
  namespace: 'shop',
  policy: 'web',
  signal: 'demand',
  peakScore: 0.6,
  expectedLow: 80,
  expectedHigh: 120,
};

async function seed(h: RestHarness): Promise<void> {
  await recordAnomalyEvent(h.db, { ...episode, startedAt: NOW - 120 * MIN, endedAt: NOW - 90 * MIN });
  await recordAnomalyEvent(h.db, { ...episode, startedAt: NOW - 20 * MIN, endedAt: null, peakScore: 0.9 });
  // Open, but older than the longest episode: its end was lost, it is not active.
  await recordAnomalyEvent(h.db, {
    ...episode,
    policy: 'api',
    signal: 'latency',
    startedAt: NOW - 600 * MIN,
    endedAt: null,
  });
}

const minutesAgo = (items: { startedAt: string }[]) =>
  items.map((e) => (NOW - Date.parse(e.startedAt)) / MIN);

describe.each(DATABASE_KINDS)('anomalies over REST on %s PostgreSQL', (kind) => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness(await dbs.fresh(kind));
    h.now = () => NOW;
    await seed(h);
  });
  afterAll(() => h.close());

  test('the list: newest first, filtered by policy, signal, time and activity, in keyset pages', async () => {
    const all = await h.call('GET', '/api/v1/anomalies', { as: 'viewer' });
    expect(all.status).toBe(200);
    const items = anomalyList.parse(all.json).items;
    expect(minutesAgo(items)).toEqual([20, 120, 600]);
    expect(items[0]).toMatchObject({
      namespace: 'shop',
      policy: 'web',
      signal: 'demand',
      endedAt: null,
      active: true,
      peakScore: 0.9,
      expected: { low: 80, high: 120 },
    });
    expect(items[1]).toMatchObject({ endedAt: new Date(NOW - 90 * MIN).toISOString(), active: false });
    expect(items[2]).toMatchObject({ endedAt: null, active: false });

    const list = async (q: string) => anomalyList.parse((await h.call('GET', `/api/v1/anomalies?${q}`)).json);
    expect(minutesAgo((await list('policy=web')).items)).toEqual([20, 120]);
    expect(minutesAgo((await list('namespace=shop&signal=latency')).items)).toEqual([600]);
    expect(minutesAgo((await list('active=true')).items)).toEqual([20]);
    expect(minutesAgo((await list('active=false')).items)).toEqual([120, 600]);
    const from = encodeURIComponent(new Date(NOW - 180 * MIN).toISOString());
    const to = encodeURIComponent(new Date(NOW - 60 * MIN).toISOString());
    expect(minutesAgo((await list(`from=${from}&to=${to}`)).items)).toEqual([120]);

    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const p = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.items.length).toBeLessThanOrEqual(2);
      seen.push(...minutesAgo(p.items));
      cursor = p.nextCursor;
    }
    expect(seen).toEqual([20, 120, 600]);
  });

  test('invalid filters are 400 problems naming the parameter', async () => {
    for (const [q, field] of [
      ['active=yes', 'active'],
      ['signal=Demand', 'signal'],
      ['from=yesterday', 'from'],
      ['limit=0', 'limit'],
      ['cursor=not-ours', 'cursor'],
    ]) {
      const r = await h.call('GET', `/api/v1/anomalies?${q}`);
      expect(r.status).toBe(400);
      expect(problemSchema.parse(r.json).errors?.map((e) => e.path)).toEqual([field]);
    }
    expect((await h.call('GET', '/api/v1/anomalies/abc')).status).toBe(400);
    expect((await h.call('GET', '/api/v1/anomalies', { as: null })).status).toBe(401);
  });

  test('one episode: its band and the signal from Prometheus around it; 404 for an unknown id', async () => {
    const { items } = anomalyList.parse((await h.call('GET', '/api/v1/anomalies?policy=web')).json);
    const ended = items.find((e) => !e.active)!;
    const r = await h.call('GET', `/api/v1/anomalies/${ended.id}`, { as: 'viewer' });
    expect(r.status).toBe(200);
    const detail = anomalyDetailResource.parse(r.json);
    expect(detail).toMatchObject({ ...ended, unit: 'requests/s' });
    const samples = detail.samples!;
    expect(samples.query).toBe('sum(rate(http_requests_total{service="web"}[2m]))');
    expect(samples.error).toBeNull();
    // 30 minutes of episode with an hour on each side, up to now.
    expect(samples.timestamps[0]).toBe(NOW - 180 * MIN);
    expect(samples.timestamps.at(-1)).toBeLessThanOrEqual(NOW - 30 * MIN);
    expect(samples.timestamps.at(-1)).toBeGreaterThan(NOW - 32 * MIN);
    expect(samples.values.every((v) => v !== null)).toBe(true);

    const stale = anomalyList.parse((await h.call('GET', '/api/v1/anomalies?signal=latency')).json).items[0]!;
    const gone = anomalyDetailResource.parse((await h.call('GET', `/api/v1/anomalies/${stale.id}`)).json);
    expect(gone).toMatchObject({ policy: 'api', unit: null, samples: null });

    const missing = await h.call('GET', '/api/v1/anomalies/999999');
    expect(missing.status).toBe(404);
    expect(problemSchema.parse(missing.json).detail).toBe('no anomaly 999999');
  });
});

describe.each(DATABASE_KINDS)('anomalies over REST with the %s database gone', (kind) => {
  test("the list answers with the engine's active episodes of every signal; one episode is a 503", async () => {
    const h = await startRestHarness(await dbs.fresh(kind));
    try {
      h.now = () => NOW;
      await seed(h);
      h.holder.publish({
        generatedAt: NOW,
        tick: 1,
        policies: [
          {
            name: 'web',
            namespace: 'shop',
            labels: { policy: 'web' },
            allowedNamespaces: [],
            forecast: {
              mode: 'reactive',
              reason: 'demand is anomalous',
              anomaly: { score: 0.5, active: true, since: NOW - 20 * MIN, peak: 0.9, episodes: 2 },
            },
          },
          {
            name: 'api',
            namespace: 'shop',
            labels: { policy: 'api' },
            allowedNamespaces: [],
            forecast: {
              mode: 'forecast',
              reason: 'accurate',
              anomaly: { score: 0.1, active: false, episodes: 0 },
            },
            anomalies: [
              {
                signal: 'cost-per-hour',
                score: 0.7,
                active: true,
                since: NOW - 5 * MIN,
                peak: 0.8,
                episodes: 1,
              },
              { signal: 'latency', score: 0.1, active: false, episodes: 0 },
            ],
          },
        ],
        budgets: [
          {
            name: 'team',
            anomaly: { signal: 'budget-spend', score: 0.6, active: true, since: NOW - 60 * MIN, episodes: 1 },
          },
        ],
      });
      const before = anomalyList.parse((await h.call('GET', '/api/v1/anomalies?active=true')).json);
      await h.db.close();
      const r = await h.call('GET', '/api/v1/anomalies?active=true');
      expect(r.status).toBe(200);
      const { items, nextCursor } = anomalyList.parse(r.json);
      expect(nextCursor).toBeNull();
      // The engine's active episodes: api's cost (not recorded yet), web's demand, the budget's spend.
      expect(items).toEqual([
        {
          id: 0,
          namespace: 'shop',
          policy: 'api',
          signal: 'cost-per-hour',
          startedAt: new Date(NOW - 5 * MIN).toISOString(),
          endedAt: null,
          active: true,
          peakScore: 0.8,
          expected: null,
        },
        { ...before.items[0]!, id: 0, expected: null },
        expect.objectContaining({ namespace: '', policy: 'team', signal: 'budget-spend', peakScore: 0.6 }),
      ]);
      expect(
        anomalyList.parse((await h.call('GET', '/api/v1/anomalies?signal=demand&namespace=shop')).json).items,
      ).toHaveLength(1);
      expect(anomalyList.parse((await h.call('GET', '/api/v1/anomalies?active=false')).json).items).toEqual(
        [],
      );
      const one = await h.call('GET', `/api/v1/anomalies/${before.items[0]!.id}`);
      expect(one.status).toBe(503);
      expect(one.headers.get('retry-after')).toBe('5');
    } finally {
      await h.close();
    }
  });
});
