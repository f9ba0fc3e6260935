import { migrate, loadMigrations } from '../../adapter/src/store/migrate';
import {
  insertDecisions,
  listDecisions,
  pruneDecisions,
  type DecisionRecord,
} from '../../adapter/src/store/decisions';
import { loadSnapshot, saveSnapshot } from '../../adapter/src/store/snapshots';
import { decide, type DecisionInput } from '../../adapter/src/domain/decide';
import { decideCompact, explainedDecision, heldExplanation } from '../../adapter/src/domain/explainDecision';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

const decision = (policy: string, decidedAt: number, replicas: number | null = 3): DecisionRecord => ({
  namespace: 'shop',
  policy,
  decidedAt,
  replicas,
  inputs: { demand: 120.5, capacity: 40 },
  explanation: { summary: `n=${replicas}`, bounds: ['max'] },
});

describe.each(DATABASE_KINDS)('store on %s PostgreSQL', (kind) => {
  test('migrations apply once, in order, and a second run is a no-op', async () => {
    const db = await dbs.fresh(kind);
    const all = loadMigrations().map((m) => m.version);
    expect(await migrate(db)).toEqual(all);
    expect(await migrate(db)).toEqual([]);
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'api_keys',
        'audit_log',
        'budget_events',
        'budgets',
        'config_changes',
        'decisions',
        'forecasts',
        'policies',
        'recommendations',
        'schema_migrations',
      ]),
    );
  });

  test('a failing migration leaves nothing behind', async () => {
    const db = await dbs.fresh(kind);
    const broken = [{ version: 1, name: 'broken', sql: 'CREATE TABLE a (x int);\nCREATE TABLE a (x int);' }];
    await expect(migrate(db, broken)).rejects.toThrow(/already exists/);
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'a'`)).toHaveLength(0);
    expect(await db.query('SELECT * FROM schema_migrations')).toHaveLength(0);
  });

  test('decisions: batch insert, idempotent replay, filters, keyset pages, retention', async () => {
    const db = await dbs.fresh(kind);
    await migrate(db);
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    const records = Array.from({ length: 1200 }, (_, i) =>
      decision(i % 2 ? 'web' : 'api', t0 + i * 15000, i % 7),
    );
    await insertDecisions(db, records);
    await insertDecisions(db, records.slice(0, 10)); // a spool replay
    expect(await db.query('SELECT count(*)::int AS n FROM decisions')).toEqual([{ n: 1200 }]);

    const page1 = await listDecisions(db, { policy: 'web', limit: 5 });
    expect(page1.map((d) => d.decidedAt)).toEqual([1199, 1197, 1195, 1193, 1191].map((i) => t0 + i * 15000));
    expect(page1[0]?.explanation).toEqual({ summary: 'n=2', bounds: ['max'] });
    const last = page1[4]!;
    const page2 = await listDecisions(db, {
      policy: 'web',
      limit: 2,
      before: { decidedAt: last.decidedAt, id: last.id },
    });
    expect(page2.map((d) => d.decidedAt)).toEqual([t0 + 1189 * 15000, t0 + 1187 * 15000]);
    const ranged = await listDecisions(db, { from: t0, to: t0 + 60000, limit: 100 });
    expect(ranged).toHaveLength(4);

    expect(await pruneDecisions(db, t0 + 100 * 15000)).toBe(100);
    expect(await db.query('SELECT count(*)::int AS n FROM decisions')).toEqual([{ n: 1100 }]);
  });

  test('a transaction that throws is rolled back', async () => {
    const db = await dbs.fresh(kind);
    await migrate(db);
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    await expect(
      db.transaction(async (tx) => {
        await insertDecisions(tx, [decision('api', t0)]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await listDecisions(db, { limit: 10 })).toHaveLength(0);
  });

  test('snapshots: the stored one is parsed back; a body the schema rejects is reported, not served', async () => {
    const db = await dbs.fresh(kind);
    await migrate(db);
    expect(await loadSnapshot(db)).toBeUndefined();
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    const policy = { name: 'api', namespace: 'shop', labels: { policy: 'api' }, allowedNamespaces: [] };
    const values = {
      costscale_replicas: 3,
      costscale_load: 2.5,
      costscale_cost_per_hour: 0.3,
      costscale_budget_pressure: 0,
      costscale_forecast_demand: Number.NaN,
    };
    await saveSnapshot(db, 'pod-a', {
      generatedAt: t0,
      tick: 4,
      policies: [{ ...policy, values, valuesAt: t0 }],
    });
    expect(await loadSnapshot(db)).toEqual({
      holder: 'pod-a',
      snapshot: { generatedAt: t0, tick: 4, policies: [{ ...policy, values, valuesAt: t0 }] },
    });
    await db.query(`UPDATE snapshots SET body = '{"generatedAt": "yesterday", "policies": {}}'::jsonb`);
    const bad = await loadSnapshot(db);
    expect(bad).toMatchObject({ holder: 'pod-a', invalid: expect.stringContaining('generatedAt') });
    expect(bad).not.toHaveProperty('snapshot');
  });

  test('snapshots: a compact decision (format 2) comes back through JSONB rendering what decide() explains', async () => {
    const db = await dbs.fresh(kind);
    await migrate(db);
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    const input: DecisionInput = {
      policy: 'api',
      at: t0,
      mode: 'balanced',
      demand: 130,
      demandLag: { measured: 120, earlier: Number.NaN, lagSeconds: 60 },
      capacityPerReplica: 25,
      costPerReplicaHour: 0.04,
      sloMissCostPerHour: 1,
      minReplicas: 2,
      maxReplicas: 10,
      currentReplicas: 4,
      hpaTolerance: 0.1,
      slo: { latency: { measured: Number.NaN, target: 0.3 } },
      distribution: { quantile: (tau) => 130 + 40 * tau },
      provenance: { demand: { source: 'sum(rate(http_requests_total[2m]))', observedAt: t0 - 5_000 } },
    };
    const compact = decideCompact(input);
    const full = decide(input);
    if (!compact.ok || !full.ok) throw new Error('expected a decision');
    await saveSnapshot(db, 'pod-a', {
      generatedAt: t0,
      tick: 4,
      policies: [
        {
          name: 'api',
          namespace: 'shop',
          labels: { policy: 'api' },
          allowedNamespaces: [],
          decision: compact.decision,
          explanation: compact.decision.facts,
        },
      ],
    });
    const loaded = await loadSnapshot(db);
    if (loaded === undefined || !('snapshot' in loaded))
      throw new Error(`not served: ${JSON.stringify(loaded)}`);
    const entry = loaded.snapshot.policies[0]!;
    expect(explainedDecision(entry.decision!)).toEqual(full.decision);
    expect(heldExplanation(entry.explanation!)).toEqual(full.decision.explanation);
  });
});
