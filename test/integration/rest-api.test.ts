import { createEvaluator } from '../../adapter/src/engine/evaluate';
import { decide } from '../../adapter/src/domain/decide';
import { explainedHeld } from '../../adapter/src/snapshot/decisionColumns';
import {
  auditList,
  budgetEventList,
  budgetList,
  budgetResource,
  createdApiKey,
  decisionList,
  forecastResource,
  overrideResource,
  overviewResource,
  policyList,
  policyResource,
  problemSchema,
} from '../../adapter/src/server/rest/schemas';
import { insertBudgetEvents } from '../../adapter/src/store/budgetEvents';
import { insertDecisions, type DecisionRecord } from '../../adapter/src/store/decisions';
import { insertForecast } from '../../adapter/src/store/forecasts';
import { activeOverrides } from '../../adapter/src/store/overrides';
import { loadManagedBudgets } from '../../adapter/src/store/budgets';
import { loadManagedPolicies } from '../../adapter/src/store/policies';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';
import { startRestHarness, type RestHarness } from '../support/rest';

// Every REST endpoint against a real PostgreSQL and the embedded one: resources, validation with
// field paths, audit, pagination, ETags, body limits, rate limits, CORS and database failure.

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

const apiPolicy = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: 'shop',
  target: { name },
  demand: { query: `sum(rate(http_requests_total{service="${name}"}[2m]))` },
  capacityPerReplica: 20,
  replicas: { min: 1, max: 6 },
  resources: { cpuCores: 0.5 },
  ...extra,
});

/** One engine tick over the harness configuration, published as the snapshot the API reads. */
async function tick(h: RestHarness, now = h.now()): Promise<void> {
  const out = await createEvaluator({ backends: () => h.backends })(h.config, now, h.holder.current());
  h.holder.publish({
    generatedAt: now,
    tick: 1,
    policies: out.policies,
    ...(out.budgets && { budgets: out.budgets }),
  });
}

describe.each(DATABASE_KINDS)('REST API on %s PostgreSQL', (kind) => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness(await dbs.fresh(kind));
    await tick(h);
  });
  afterAll(() => h.close());

  test('policies: file policies read-only with live status; API policies created, read, updated, deleted and audited', async () => {
    const list = await h.call('GET', '/api/v1/policies', { as: 'viewer' });
    expect(list.status).toBe(200);
    const parsed = policyList.parse(list.json);
    const web = parsed.items.find((p) => p.name === 'web')!;
    expect(web).toMatchObject({
      source: 'config',
      version: null,
      spec: { backend: 'default', mode: 'balanced' },
    });
    const decided = explainedHeld(h.holder.current()!.policies.find((p) => p.name === 'web')!.decision!);
    // Demand 100 over κ 50, raised by the rising history's quantile: at least 2 replicas.
    expect(decided.replicas).toBeGreaterThanOrEqual(2);
    expect(web.status).toMatchObject({
      state: 'ok',
      replicas: decided.replicas,
      error: null,
      override: null,
    });
    expect(web.status.decision).toBeUndefined();

    const created = await h.call('POST', '/api/v1/policies', { body: apiPolicy('cart') });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/policies/shop/cart');
    const cart = policyResource.parse(created.json);
    expect(cart).toMatchObject({ source: 'api', version: 1, spec: { learnCapacity: false, spotShare: 0 } });
    expect(cart.status.state).toBe('pending');
    expect(h.changes).toContain('policies');

    const one = await h.call('GET', '/api/v1/policies/shop/web', { as: 'viewer' });
    expect(policyResource.parse(one.json).status.decision).toEqual(decided);
    expect(policyResource.parse(one.json).status.explanation?.summary).toContain('web');

    const updated = await h.call('PUT', '/api/v1/policies/shop/cart', {
      body: apiPolicy('cart', { replicas: { min: 2, max: 8 } }),
    });
    expect(updated.status).toBe(200);
    expect(policyResource.parse(updated.json)).toMatchObject({
      version: 2,
      spec: { replicas: { min: 2, max: 8 } },
    });

    const onlyApi = policyList.parse((await h.call('GET', '/api/v1/policies?source=api')).json);
    expect(onlyApi.items.map((p) => p.name)).toEqual(['cart']);
    expect((await loadManagedPolicies(h.db)).policies.map((p) => p.replicas)).toEqual([{ min: 2, max: 8 }]);

    expect((await h.call('POST', '/api/v1/policies', { body: apiPolicy('cart') })).status).toBe(409);
    const fileClash = await h.call('POST', '/api/v1/policies', { body: apiPolicy('web') });
    expect(fileClash.status).toBe(409);
    expect(fileClash.headers.get('content-type')).toBe('application/problem+json');
    const readOnly = await h.call('PUT', '/api/v1/policies/shop/web', { body: apiPolicy('web') });
    expect(readOnly.status).toBe(409);
    expect(readOnly.json.type).toBe('urn:costscale:problem:read-only');
    expect((await h.call('DELETE', '/api/v1/policies/shop/web')).status).toBe(409);

    expect((await h.call('DELETE', '/api/v1/policies/shop/cart')).status).toBe(204);
    expect((await h.call('GET', '/api/v1/policies/shop/cart')).status).toBe(404);
    expect((await h.call('DELETE', '/api/v1/policies/shop/cart')).status).toBe(404);

    const audit = auditList.parse((await h.call('GET', '/api/v1/audit?resource=policies/shop/cart')).json);
    expect(audit.items.map((e) => e.action)).toEqual(['policy.delete', 'policy.update', 'policy.create']);
    expect(audit.items[2]).toMatchObject({
      actor: expect.stringMatching(/^apikey:test-admin#/),
      role: 'admin',
      before: null,
    });
    expect(audit.items[1]!.before).toMatchObject({ replicas: { min: 1, max: 6 } });
    expect(audit.items[1]!.after).toMatchObject({ replicas: { min: 2, max: 8 } });
    expect(audit.items[0]!.after).toBeNull();
  });

  test('invalid requests: 400 problems naming each failing field, 413, 415, 404 and 405', async () => {
    const bad = await h.call('POST', '/api/v1/policies', {
      body: { ...apiPolicy('bad'), colour: 'blue', replicas: { min: 5, max: 'x' }, demand: {} },
    });
    expect(bad.status).toBe(400);
    const problem = problemSchema.parse(bad.json);
    expect(problem.type).toBe('urn:costscale:problem:validation');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { location: 'body', path: '/colour', message: 'unknown field' },
        expect.objectContaining({ location: 'body', path: '/replicas/max' }),
        expect.objectContaining({ location: 'body', path: '/demand/query' }),
      ]),
    );
    const crossField = await h.call('POST', '/api/v1/policies', {
      body: apiPolicy('bad', { replicas: { min: 5, max: 2 } }),
    });
    expect(crossField.json.errors).toEqual([
      { location: 'body', path: '/replicas/max', message: 'must be ≥ replicas.min (5)' },
    ]);
    const refs = await h.call('POST', '/api/v1/policies', {
      body: apiPolicy('bad', { backend: 'thanos', budget: 'nope' }),
    });
    expect(refs.json.errors.map((e: { path: string }) => e.path)).toEqual(['/backend', '/budget']);
    const mismatch = await h.call('PUT', '/api/v1/policies/shop/other', { body: apiPolicy('bad') });
    expect(mismatch.status).toBe(400);

    expect((await h.call('POST', '/api/v1/policies')).json.errors).toEqual([
      { location: 'body', path: '', message: 'a JSON body is required' },
    ]);
    const malformed = await h.call('POST', '/api/v1/policies', { raw: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.detail).toMatch(/not valid JSON/);
    expect(
      (await h.call('POST', '/api/v1/policies', { raw: 'name=x', headers: { 'content-type': 'text/plain' } }))
        .status,
    ).toBe(415);
    expect((await h.call('POST', '/api/v1/policies', { raw: 'x'.repeat(300 * 1024) })).status).toBe(413);
    h.settings = { ...h.settings, maxBodyBytes: 2048 };
    try {
      const big = await h.call('POST', '/api/v1/budgets', {
        body: { name: 'big', period: 'daily', amount: 1, pad: 'x'.repeat(3000) },
      });
      expect(big.status).toBe(413);
    } finally {
      h.settings = { ...h.settings, maxBodyBytes: 256 * 1024 };
    }

    expect((await h.call('GET', '/api/v1/decisions?colour=blue')).json.errors).toEqual([
      { location: 'query', path: 'colour', message: 'unknown field' },
    ]);
    expect((await h.call('GET', '/api/v1/decisions?limit=0')).json.errors[0]).toMatchObject({
      location: 'query',
      path: 'limit',
    });
    expect((await h.call('GET', '/api/v1/decisions?limit=5&limit=6')).json.errors[0]).toMatchObject({
      path: 'limit',
    });
    expect((await h.call('GET', '/api/v1/decisions?cursor=abc')).json.errors[0]).toMatchObject({
      path: 'cursor',
    });
    expect((await h.call('GET', '/api/v1/policies/Shop/web')).json.errors[0]).toMatchObject({
      location: 'path',
      path: 'namespace',
    });
    expect((await h.call('DELETE', '/api/v1/apikeys/abc')).json.errors[0]).toMatchObject({
      location: 'path',
      path: 'id',
    });
    const withBody = await h.call('DELETE', '/api/v1/policies/shop/web/override', { raw: '{}' });
    expect(withBody.json.errors[0].message).toBe('this operation takes no body');

    expect((await h.call('GET', '/api/v1/nothing')).status).toBe(404);
    expect((await h.call('GET', '/elsewhere')).status).toBe(404);
    const notAllowed = await h.call('PATCH', '/api/v1/policies/shop/web');
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.get('allow')).toBe('GET, PUT, DELETE');
  });

  test('overrides: set with expiry by operators, visible in status and to the engine, cleared, audited', async () => {
    const set = await h.call('PUT', '/api/v1/policies/shop/web/override', {
      as: 'operator',
      body: { replicas: 7, ttlSeconds: 600, reason: 'launch' },
    });
    expect(set.status).toBe(200);
    const o = overrideResource.parse(set.json);
    expect(o).toMatchObject({
      replicas: 7,
      reason: 'launch',
      active: true,
      createdBy: expect.stringMatching(/test-operator/),
    });
    expect(Date.parse(o.expiresAt) - h.now()).toBeGreaterThan(590_000);

    const engineView = await activeOverrides(h.db, h.now());
    expect(engineView.get('shop/web')).toMatchObject({ replicas: 7, reason: 'launch' });
    expect((await activeOverrides(h.db, Date.parse(o.expiresAt) + 1)).size).toBe(0);

    const status = policyResource.parse((await h.call('GET', '/api/v1/policies/shop/web')).json).status;
    expect(status.override?.replicas).toBe(7);
    expect((await h.call('GET', '/api/v1/overrides', { as: 'viewer' })).json.items).toHaveLength(1);
    expect((await h.call('GET', '/api/v1/policies/shop/web/override', { as: 'viewer' })).json.replicas).toBe(
      7,
    );

    const past = await h.call('PUT', '/api/v1/policies/shop/web/override', {
      body: { replicas: 1, expiresAt: '2000-01-01T00:00:00Z' },
    });
    expect(past.json.errors).toEqual([expect.objectContaining({ path: '/expiresAt' })]);
    const both = await h.call('PUT', '/api/v1/policies/shop/web/override', {
      body: { replicas: 1, expiresAt: new Date(h.now() + 60_000).toISOString(), ttlSeconds: 60 },
    });
    expect(both.json.errors).toEqual([
      { location: 'body', path: '/expiresAt', message: 'give exactly one of expiresAt and ttlSeconds' },
    ]);
    expect(
      (await h.call('PUT', '/api/v1/policies/shop/ghost/override', { body: { replicas: 1, ttlSeconds: 60 } }))
        .status,
    ).toBe(404);

    expect((await h.call('DELETE', '/api/v1/policies/shop/web/override', { as: 'operator' })).status).toBe(
      204,
    );
    expect((await h.call('DELETE', '/api/v1/policies/shop/web/override')).status).toBe(404);
    expect((await h.call('GET', '/api/v1/policies/shop/web/override')).status).toBe(404);
    const audit = auditList.parse(
      (await h.call('GET', '/api/v1/audit?resource=policies/shop/web/override')).json,
    );
    expect(audit.items.map((e) => [e.action, e.role])).toEqual([
      ['override.clear', 'operator'],
      ['override.set', 'operator'],
    ]);
    expect(audit.items[0]!.before).toMatchObject({ replicas: 7 });
  });

  test('decisions: history with explanations, filters, keyset pages without gaps or repeats', async () => {
    const t0 = Date.parse('2030-01-01T00:00:00Z');
    const records: DecisionRecord[] = Array.from({ length: 250 }, (_, i) => {
      const policy = i % 2 ? 'web' : 'api';
      const at = t0 + i * 15_000;
      const r = decide({
        policy,
        at,
        mode: 'balanced',
        demand: 10 + i,
        capacityPerReplica: 10,
        costPerReplicaHour: 0.1,
        sloMissCostPerHour: 1,
        minReplicas: 1,
        maxReplicas: 100,
      });
      return {
        namespace: 'shop',
        policy,
        decidedAt: at,
        replicas: r.ok ? r.decision.replicas : null,
        inputs: { demand: 10 + i },
        explanation: r.ok ? r.decision : r.failure,
      };
    });
    const failed = decide({
      policy: 'web',
      at: t0 - 1000,
      mode: 'balanced',
      demand: undefined,
      capacityPerReplica: 10,
      costPerReplicaHour: 0.1,
      sloMissCostPerHour: 1,
      minReplicas: 1,
      maxReplicas: 3,
    });
    if (failed.ok) throw new Error('expected a failure');
    records.push({
      namespace: 'shop',
      policy: 'web',
      decidedAt: t0 - 1000,
      replicas: null,
      inputs: {},
      explanation: failed.failure,
    });
    await insertDecisions(h.db, records);

    const seen: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const r = await h.call('GET', `/api/v1/decisions?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        as: 'viewer',
      });
      const p = decisionList.parse(r.json);
      seen.push(...p.items.map((d) => d.id));
      cursor = p.nextCursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(251);
    const first = decisionList.parse((await h.call('GET', '/api/v1/decisions?limit=1')).json).items[0]!;
    expect(first).toMatchObject({
      policy: 'web',
      decidedAt: new Date(t0 + 249 * 15_000).toISOString(),
      replicas: 26,
    });
    expect(first.decision?.replicas).toBe(26);
    expect(first.explanation?.summary).toMatch(/26 replicas/);

    const webOnly = decisionList.parse((await h.call('GET', '/api/v1/decisions?policy=web&limit=1000')).json);
    expect(webOnly.items).toHaveLength(126);
    expect(webOnly.items.every((d) => d.policy === 'web')).toBe(true);
    const failure = webOnly.items[webOnly.items.length - 1]!;
    expect(failure).toMatchObject({ replicas: null, decision: null });
    expect(failure.explanation?.errors[0]).toMatch(/demand is missing/);

    const from = new Date(t0 + 10 * 15_000).toISOString();
    const to = new Date(t0 + 20 * 15_000).toISOString();
    const window = decisionList.parse(
      (await h.call('GET', `/api/v1/decisions?namespace=shop&from=${from}&to=${to}`)).json,
    );
    expect(window.items.map((d) => d.decidedAt)).toEqual(
      Array.from({ length: 10 }, (_, i) => new Date(t0 + (19 - i) * 15_000).toISOString()),
    );
    expect(window.nextCursor).toBeNull();
  });

  test('budgets: file and API budgets with status from the engine, CRUD, references guarded, events paginated', async () => {
    const list = budgetList.parse((await h.call('GET', '/api/v1/budgets', { as: 'viewer' })).json);
    const team = list.items.find((b) => b.name === 'team')!;
    expect(team).toMatchObject({ source: 'config', policies: ['shop/web'], statusError: null });
    // The constant backend answers the spend query with 100 of an amount of 1000.
    expect(team.status).toMatchObject({
      spent: 100,
      amount: 1000,
      remaining: 900,
      utilisation: 0.1,
      state: 'ok',
    });
    expect(team.status!.projectedSpend).toBeGreaterThanOrEqual(100);

    const created = await h.call('POST', '/api/v1/budgets', {
      body: { name: 'lab', period: 'weekly', amount: 50 },
    });
    expect(created.status).toBe(201);
    expect(budgetResource.parse(created.json)).toMatchObject({
      source: 'api',
      spec: { timeZone: 'UTC', thresholds: { warning: 0.8, critical: 0.95 } },
      status: null,
      statusError: 'not evaluated by the engine yet',
    });
    expect(
      (await h.call('POST', '/api/v1/budgets', { body: { name: 'team', period: 'daily', amount: 5 } }))
        .status,
    ).toBe(409);
    const put = await h.call('PUT', '/api/v1/budgets/lab', {
      body: { name: 'lab', period: 'daily', amount: 60 },
    });
    expect(budgetResource.parse(put.json).spec).toMatchObject({ period: 'daily', amount: 60 });
    expect((await loadManagedBudgets(h.db)).budgets).toEqual([
      expect.objectContaining({ name: 'lab', amount: 60 }),
    ]);
    const thresholds = await h.call('PUT', '/api/v1/budgets/lab', {
      body: { name: 'lab', period: 'daily', amount: 60, thresholds: { warning: 0.9, critical: 0.5 } },
    });
    expect(thresholds.json.errors).toEqual([expect.objectContaining({ path: '/thresholds/warning' })]);

    expect(
      (await h.call('POST', '/api/v1/policies', { body: apiPolicy('lab-app', { budget: 'lab' }) })).status,
    ).toBe(201);
    const used = await h.call('DELETE', '/api/v1/budgets/lab');
    expect(used.status).toBe(409);
    expect(used.json.detail).toContain('shop/lab-app');
    expect((await h.call('DELETE', '/api/v1/policies/shop/lab-app')).status).toBe(204);
    expect((await h.call('DELETE', '/api/v1/budgets/lab')).status).toBe(204);
    expect((await h.call('GET', '/api/v1/budgets/lab')).status).toBe(404);
    expect(
      (await h.call('PUT', '/api/v1/budgets/team', { body: { name: 'team', period: 'daily', amount: 5 } }))
        .status,
    ).toBe(409);

    const at0 = Date.parse('2030-02-01T00:00:00Z');
    await insertBudgetEvents(
      h.db,
      Array.from({ length: 5 }, (_, i) => ({
        budget: 'team',
        periodLabel: '2030-02',
        at: at0 + i * 60_000,
        threshold: 'warning' as const,
        level: 0.8,
        direction: (i % 2 ? 'down' : 'up') as 'up' | 'down',
        from: i % 2 ? ('warning' as const) : ('ok' as const),
        to: i % 2 ? ('ok' as const) : ('warning' as const),
        utilisation: [0.5, 0.625, 0.75, 0.875, 1][i]!,
      })),
      at0,
    );
    const p1 = budgetEventList.parse((await h.call('GET', '/api/v1/budgets/team/events?limit=3')).json);
    expect(p1.items.map((e) => e.utilisation)).toEqual([1, 0.875, 0.75]);
    const p2 = budgetEventList.parse(
      (await h.call('GET', `/api/v1/budgets/team/events?limit=3&cursor=${p1.nextCursor}`)).json,
    );
    expect(p2.items.map((e) => e.utilisation)).toEqual([0.625, 0.5]);
    expect(p2.nextCursor).toBeNull();
    expect(p2.items[1]).toMatchObject({
      from: 'ok',
      to: 'warning',
      details: { threshold: 'warning', direction: 'up' },
    });
    expect((await h.call('GET', '/api/v1/budgets/ghost/events')).status).toBe(404);
  });

  test('forecasts: actuals from Prometheus, latest decision figures, stored forecast bands and accuracy', async () => {
    const empty = forecastResource.parse(
      (await h.call('GET', '/api/v1/policies/shop/web/forecast?window=1h&step=1m')).json,
    );
    expect(empty.actuals).toMatchObject({ stepSeconds: 60, error: null });
    expect(empty.actuals.values).toHaveLength(61);
    expect(empty.actuals.values.slice(0, 3)).toEqual([100, 101, 102]);
    // The latest decision's D(t): the query's 100 extrapolated over its rate()[2m] lag against the
    // backend's history (domain/demandLag.ts); the route reports the decision's own figure.
    const latest = h.holder.current()!.policies.find((p) => p.name === 'web')!.decision!;
    expect(empty.current.demand).toBe(latest.demand);
    expect(explainedHeld(latest).explanation.inputs).toContainEqual(
      expect.objectContaining({ name: 'measuredDemand', value: 100 }),
    );
    expect(empty.forecast).toBeNull();
    expect(empty.accuracy).toBeNull();

    const madeAt = Math.floor((h.now() - 60_000) / 300_000) * 300_000 + 12_345;
    await insertForecast(h.db, {
      namespace: 'shop',
      policy: 'web',
      madeAt,
      stepSeconds: 300,
      model: 'mstl+ets',
      point: [110, Number.NaN, 130],
      quantiles: [
        { quantile: 0.1, values: [90, 95, 100] },
        { quantile: 0.9, values: [130, 140, 150] },
      ],
      accuracy: { count: 42, mase: 0.8, smape: 12.5, coverage: 0.79, bias: -0.02, relativeMae: Number.NaN },
    });
    const f = forecastResource.parse(
      (await h.call('GET', '/api/v1/policies/shop/web/forecast', { as: 'viewer' })).json,
    );
    expect(f.actuals.stepSeconds).toBe(90); // 6 h / 240
    expect(f.forecast).toEqual({
      madeAt: new Date(madeAt).toISOString(),
      model: 'mstl+ets',
      stepSeconds: 300,
      // Buckets aligned to the step, the one open at madeAt first.
      timestamps: [madeAt - 12_345, madeAt - 12_345 + 300_000, madeAt - 12_345 + 600_000],
      point: [110, null, 130],
      quantiles: [
        { quantile: 0.1, values: [90, 95, 100] },
        { quantile: 0.9, values: [130, 140, 150] },
      ],
    });
    expect(f.accuracy).toEqual({
      count: 42,
      mase: 0.8,
      smape: 12.5,
      coverage: 0.79,
      bias: -0.02,
      relativeMae: null,
    });

    expect((await h.call('GET', '/api/v1/policies/shop/web/forecast?window=8d')).json.errors[0].path).toBe(
      'window',
    );
    expect(
      (await h.call('GET', '/api/v1/policies/shop/web/forecast?window=7d&step=15s')).json.errors[0].path,
    ).toBe('step');
    expect((await h.call('GET', '/api/v1/policies/shop/ghost/forecast')).status).toBe(404);
  });

  test('overview: spend, savings against max replicas, counts and health', async () => {
    await h.call('POST', '/api/v1/policies', { body: apiPolicy('search') });
    const o = overviewResource.parse((await h.call('GET', '/api/v1/overview', { as: 'viewer' })).json);
    const web = h.holder.current()!.policies.find((p) => p.name === 'web')!.decision!;
    expect(o.spend.costPerHour).toBeCloseTo(web.costPerHour, 12);
    expect(o.savings).toMatchObject({ baseline: 'max-replicas', policiesCounted: 1 });
    expect(o.savings.baselineCostPerHour).toBeCloseTo(10 * web.costPerReplicaHour, 12);
    expect(o.savings.savingsPerHour).toBeCloseTo((10 - web.replicas) * web.costPerReplicaHour, 12);
    expect(o.savings.savingsRatio).toBeCloseTo((10 - web.replicas) / 10, 12);
    expect(o.counts.policies).toEqual({
      total: 2,
      ok: 1,
      degraded: 0,
      failing: 0,
      pending: 1,
      config: 1,
      api: 1,
    });
    expect(o.counts.budgets).toMatchObject({ total: 1, ok: 1 });
    expect(o.spend.budgets).toEqual([
      {
        name: 'team',
        state: 'ok',
        amount: 1000,
        spent: 100,
        projectedSpend: expect.any(Number),
        utilisation: 0.1,
      },
    ]);
    expect(o.health.database.up).toBe(true);
    expect(o.health.sources).toEqual([{ backend: 'default', circuit: 'unknown', policiesFailing: 0 }]);
    expect(o.snapshot.tick).toBe(1);
    await h.call('DELETE', '/api/v1/policies/shop/search');
  });

  test('API keys over REST: token shown once, works at once, never listed, revoked at once; audit without secrets', async () => {
    const created = await h.call('POST', '/api/v1/apikeys', { body: { name: 'grafana', role: 'viewer' } });
    expect(created.status).toBe(201);
    const { key, token } = createdApiKey.parse(created.json);
    expect(token).toMatch(/^csk_[0-9a-f]{12}_/);
    expect((await h.call('GET', '/api/v1/whoami', { as: { token } })).json).toEqual({
      actor: `apikey:grafana#${key.prefix}`,
      kind: 'apikey',
      role: 'viewer',
    });
    const listed = await h.call('GET', '/api/v1/apikeys');
    expect(listed.text).not.toContain(token.slice(18));
    expect(listed.json.items.map((k: { name: string }) => k.name)).toContain('grafana');
    expect((await h.call('DELETE', `/api/v1/apikeys/${key.id}`)).status).toBe(204);
    expect((await h.call('GET', '/api/v1/whoami', { as: { token } })).status).toBe(401);
    expect(
      (await h.call('GET', '/api/v1/apikeys')).json.items.map((k: { name: string }) => k.name),
    ).not.toContain('grafana');
    const all = await h.call('GET', '/api/v1/apikeys?includeRevoked=true');
    expect(all.json.items.find((k: { id: number }) => k.id === key.id).revokedAt).not.toBeNull();
    expect((await h.call('DELETE', '/api/v1/apikeys/999999')).status).toBe(404);
    const audit = await h.call('GET', `/api/v1/audit?resource=apikeys/${key.id}`);
    expect(audit.json.items.map((e: { action: string }) => e.action)).toEqual([
      'apikey.revoke',
      'apikey.create',
    ]);
    expect(audit.text).not.toContain(token.slice(18));
  });

  test('audit: filters and keyset pages', async () => {
    for (let i = 0; i < 3; i++) {
      await h.call('PUT', '/api/v1/policies/shop/web/override', {
        body: { replicas: i + 1, ttlSeconds: 60 },
      });
    }
    const byAction = auditList.parse((await h.call('GET', '/api/v1/audit?action=override.set&limit=2')).json);
    expect(byAction.items).toHaveLength(2);
    expect(byAction.items.map((e) => (e.after as { replicas: number }).replicas)).toEqual([3, 2]);
    const next = auditList.parse(
      (await h.call('GET', `/api/v1/audit?action=override.set&limit=2&cursor=${byAction.nextCursor}`)).json,
    );
    expect(next.items.map((e) => (e.after as { replicas: number }).replicas)).toContain(1);
    const prefix = auditList.parse((await h.call('GET', '/api/v1/audit?resource=policies/&limit=1000')).json);
    expect(prefix.items.length).toBeGreaterThan(3);
    expect(prefix.items.every((e) => e.resource.startsWith('policies/'))).toBe(true);
    await h.call('DELETE', '/api/v1/policies/shop/web/override');
  });

  test('ETags: same body, same tag; If-None-Match answers 304; a change gives a new tag', async () => {
    const a = await h.call('GET', '/api/v1/budgets/team');
    const etag = a.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect((await h.call('GET', '/api/v1/budgets/team')).headers.get('etag')).toBe(etag);
    const cached = await h.call('GET', '/api/v1/budgets/team', {
      headers: { 'if-none-match': `"other", ${etag}` },
    });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    expect(
      (await h.call('GET', '/api/v1/budgets/team', { headers: { 'if-none-match': '"other"' } })).status,
    ).toBe(200);
    const head = await h.call('HEAD', '/api/v1/budgets/team');
    expect([head.status, head.headers.get('etag'), head.text]).toEqual([200, etag, '']);
    await h.call('POST', '/api/v1/policies', { body: apiPolicy('etag-app') });
    const changed = await h.call('GET', '/api/v1/policies', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    await h.call('DELETE', '/api/v1/policies/shop/etag-app');
  });

  test('rate limit per key: 429 with Retry-After, other keys unaffected; CORS off unless configured', async () => {
    const saved = h.settings;
    h.settings = { ...saved, rateLimit: { ...saved.rateLimit, requestsPerSecond: 0.5, burst: 3 } };
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await h.call('GET', '/api/v1/whoami', { as: 'viewer' })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await h.call('GET', '/api/v1/whoami', { as: 'viewer' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await h.call('GET', '/api/v1/whoami', { as: 'operator' })).status).toBe(200);
    } finally {
      h.settings = saved;
    }

    const origin = { origin: 'https://grafana.example' };
    const off = await h.call('GET', '/api/v1/whoami', { headers: origin });
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    const preflightOff = await h.call('OPTIONS', '/api/v1/policies', {
      as: null,
      headers: { ...origin, 'access-control-request-method': 'POST' },
    });
    expect(preflightOff.status).toBe(401);
    h.settings = { ...saved, cors: { allowedOrigins: ['https://grafana.example'] } };
    try {
      const preflight = await h.call('OPTIONS', '/api/v1/policies', {
        as: null,
        headers: { ...origin, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://grafana.example');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
      const on = await h.call('GET', '/api/v1/whoami', { headers: origin });
      expect(on.headers.get('access-control-allow-origin')).toBe('https://grafana.example');
      const other = await h.call('GET', '/api/v1/whoami', { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      h.settings = saved;
    }
  });
});

describe.each(DATABASE_KINDS)('REST API with its %s database gone', (kind) => {
  test('503 problem with Retry-After, no crash', async () => {
    const h = await startRestHarness(await dbs.fresh(kind));
    try {
      expect((await h.call('GET', '/api/v1/whoami')).status).toBe(200);
      await h.db.close();
      // The verified key is cached for a few seconds; listing policies needs the database.
      const r = await h.call('GET', '/api/v1/policies');
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      expect(problemSchema.parse(r.json).status).toBe(503);
      const o = await h.call('GET', '/api/v1/overview');
      expect(o.status).toBe(200);
      expect(o.json.health.database.up).toBe(false);
    } finally {
      await h.close();
    }
  });
});
