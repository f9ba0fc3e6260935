import { createEvaluator } from '../../adapter/src/engine/evaluate';
import { decisionList, overviewResource, problemSchema } from '../../adapter/src/server/rest/schemas';
import { openPostgres } from '../../adapter/src/store/db';
import { revokeApiKey } from '../../adapter/src/store/apiKeys';
import { TestDatabases } from '../support/databases';
import { startRestHarness, type RestHarness } from '../support/rest';

// Issue 16: failed-login throttling must not lock out valid keys (defect 4); the REST API keeps its
// read-only views through a PostgreSQL outage and refuses writes with a clear 503 (defect 7).

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

const T0 = Date.parse('2026-03-02T10:00:00Z');

/** A well-formed API key no database holds. */
const badKey = (i: number): string => `csk_${i.toString(16).padStart(12, '0')}_${'x'.repeat(43)}`;

describe('defect 4: throttling failed authentications', () => {
  let h: RestHarness;
  let now = T0;
  beforeAll(async () => {
    h = await startRestHarness(await dbs.fresh('embedded'), {
      settings: {
        rateLimit: { requestsPerSecond: 10_000, burst: 10_000, failedAuthPerSecond: 1, failedAuthBurst: 5 },
      },
    });
    h.now = () => now;
  });
  afterAll(() => h.close());

  test('a stream of bad tokens from one address never locks out a valid admin key from it', async () => {
    const statuses = { valid: new Map<number, number>(), bad: new Map<number, number>() };
    const count = (m: Map<number, number>, s: number) => m.set(s, (m.get(s) ?? 0) + 1);
    // 10 bad tokens a second (ten times the failure allowance) with a valid request between each.
    for (let i = 0; i < 40; i++) {
      const bad = await h.call('GET', '/api/v1/whoami', {
        as: { token: i % 2 === 0 ? badKey(i) : `not-a-key-${i}` },
      });
      count(statuses.bad, bad.status);
      const valid = await h.call('GET', '/api/v1/whoami', { as: 'admin' });
      count(statuses.valid, valid.status);
      now += 100;
    }
    expect(Object.fromEntries(statuses.valid)).toEqual({ 200: 40 });
    expect(Object.fromEntries(statuses.bad)).toEqual({ 401: 40 });
  });

  test('one bad credential retried from one address is refused after the burst, then at the refill rate', async () => {
    const token = badKey(999);
    const at = async () => (await h.call('GET', '/api/v1/whoami', { as: { token } })).status;
    const first: number[] = [];
    for (let i = 0; i < 8; i++) first.push(await at());
    expect(first).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const refused = await h.call('GET', '/api/v1/whoami', { as: { token } });
    expect(problemSchema.parse(refused.json).status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    // Meanwhile the valid key from the same address is untouched.
    expect((await h.call('GET', '/api/v1/whoami', { as: 'admin' })).status).toBe(200);
    // One failure per second comes back.
    now += 1000;
    expect([await at(), await at()]).toEqual([401, 429]);
  });
});

describe('defect 7: PostgreSQL down', () => {
  test('whoami, overview and decisions keep answering from memory; writes and unknown keys get 503; revocation holds once it returns', async () => {
    const url = await dbs.freshUrl();
    const h = await startRestHarness(openPostgres(url));
    const server = dbs.postgres!;
    let now = T0;
    h.now = () => now;
    try {
      const out = await createEvaluator({ backends: () => h.backends })(h.config, now, undefined);
      h.holder.publish({ generatedAt: now, tick: 1, policies: out.policies });
      const decided = out.policies.find((p) => p.name === 'web')!.decision!;
      for (const role of ['admin', 'viewer'] as const) {
        expect((await h.call('GET', '/api/v1/whoami', { as: role })).status).toBe(200);
      }

      await server.stop();
      // Past the 5 s key cache: every key must be verified again, and the database cannot answer.
      now += 10_000;
      const whoami = await h.call('GET', '/api/v1/whoami', { as: 'admin' });
      expect(whoami.status).toBe(200);
      expect(whoami.json).toMatchObject({ kind: 'apikey', role: 'admin' });
      const overview = await h.call('GET', '/api/v1/overview', { as: 'viewer' });
      expect(overview.status).toBe(200);
      expect(overviewResource.parse(overview.json).health.database.up).toBe(false);
      expect(overview.json.counts.policies).toMatchObject({ total: 1, ok: 1 });
      const decisions = await h.call('GET', '/api/v1/decisions?namespace=shop', { as: 'viewer' });
      expect(decisions.status).toBe(200);
      const items = decisionList.parse(decisions.json).items;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        id: 0,
        namespace: 'shop',
        policy: 'web',
        replicas: decided.replicas,
        decidedAt: new Date(decided.at).toISOString(),
        inputs: null,
      });
      expect(items[0]!.decision?.replicas).toBe(decided.replicas);
      expect(decisionList.parse(decisions.json).nextCursor).toBeNull();

      const write = await h.call('PUT', '/api/v1/policies/shop/web/override', {
        as: 'admin',
        body: { replicas: 3, reason: 'outage drill', expiresAt: new Date(now + 3_600_000).toISOString() },
      });
      expect(write.status).toBe(503);
      expect(write.headers.get('content-type')).toBe('application/problem+json');
      expect(write.headers.get('retry-after')).toBe('5');
      expect(problemSchema.parse(write.json)).toMatchObject({ status: 503 });
      expect(write.json.detail).toContain('database is unavailable');
      // A key never verified before the outage cannot be checked: 503, not 401 and not 200.
      const unknown = await h.call('GET', '/api/v1/whoami', { as: 'operator' });
      expect(unknown.status).toBe(503);
      expect(problemSchema.parse(unknown.json).status).toBe(503);
      // The outage allowance is bounded.
      now += 16 * 60_000;
      expect((await h.call('GET', '/api/v1/whoami', { as: 'admin' })).status).toBe(503);

      await server.start();
      const admin = openPostgres(url, 1);
      try {
        const viewer = h.tokens.viewer.split('_')[1]!;
        await revokeApiKey(admin, viewer, now);
      } finally {
        await admin.close();
      }
      now += 10_000;
      expect((await h.call('GET', '/api/v1/whoami', { as: 'viewer' })).status).toBe(401);
      expect((await h.call('GET', '/api/v1/whoami', { as: 'admin' })).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
