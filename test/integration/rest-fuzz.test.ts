import net from 'node:net';
import fc from 'fast-check';
import { createApiKey } from '../../adapter/src/store/apiKeys';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';
import { startRestHarness, type RestHarness } from '../support/rest';
import { requestArbitrary, send } from '../support/restFuzz';

// Thousands of random and malformed requests — paths, query strings, headers, JSON and non-JSON
// bodies, valid bodies with random fields replaced — must never produce a 5xx or stop the server.

const dbs = new TestDatabases();
afterAll(() => dbs.shutdown());

describe.each(DATABASE_KINDS)('REST fuzzing on %s PostgreSQL', (kind) => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness(await dbs.fresh(kind));
    // Values the engine decided, fresh for the whole run: the KEDA route answers 503 only for stale
    // or missing values (tested in keda-metrics-api.test.ts), which is not what fuzzing looks for.
    h.holder.publish({
      generatedAt: Date.now(),
      tick: 1,
      policies: [
        {
          name: 'web',
          namespace: 'shop',
          labels: { policy: 'web' },
          allowedNamespaces: [],
          values: {
            costscale_replicas: 3,
            costscale_load: 2.5,
            costscale_cost_per_hour: 0.3,
            costscale_budget_pressure: 0,
            costscale_forecast_demand: 120,
          },
          valuesAt: Date.now() + 3600_000,
        },
      ],
    });
  });
  afterAll(() => h.close());

  test('random and malformed requests never give a 5xx and never stop the server', async () => {
    const tokens = { ...h.tokens };
    const statuses = new Map<number, number>();
    const arbitrary = requestArbitrary(h.api.routes);
    await fc.assert(
      fc.asyncProperty(arbitrary, async (request) => {
        const status = await send(h.url, request, tokens);
        if (status === undefined) return true;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // A random DELETE may revoke the fuzzer's own key; take a new one and carry on.
        if (status === 401 && request.auth === 'admin') {
          tokens.admin = (await createApiKey(h.db, { name: 'fuzz-admin', role: 'admin' }, Date.now())).token;
        }
        return status < 500;
      }),
      { numRuns: 2500 },
    );
    // The run reached the handlers (successes and conflicts), not just authentication and routing.
    for (const status of [200, 400, 401, 404, 405]) expect(statuses.get(status) ?? 0).toBeGreaterThan(20);
    for (const status of [201, 204, 409]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    expect((await h.call('GET', '/api/v1/whoami', { as: { token: tokens.admin } })).status).toBe(200);
  });

  test('garbage on the socket: the server answers or closes, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a)),
          fc
            .string({ maxLength: 200 })
            .map((s) => Buffer.from(`POST /api/v1/policies HTTP/1.1\r\n${s}\r\n\r\n`)),
          fc
            .constantFrom(
              'GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
              'POST /api/v1/budgets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
              'GET /api/v1/%%% HTTP/1.1\r\nHost: x\r\n\r\n',
            )
            .map((s) => Buffer.from(s)),
        ),
        async (bytes) => {
          const port = Number(new URL(h.url).port);
          const answer = await new Promise<string>((resolve) => {
            const socket = net.connect(port, '127.0.0.1');
            let data = '';
            socket.on('data', (c) => (data += c.toString('latin1')));
            socket.on('error', () => resolve(data));
            socket.on('close', () => resolve(data));
            socket.setTimeout(300, () => socket.destroy());
            socket.write(bytes);
          });
          return !/^HTTP\/1\.1 5\d\d/.test(answer);
        },
      ),
      { numRuns: 200 },
    );
    // A fresh key: the fuzz run before may have revoked the harness's own keys.
    const fresh = (await createApiKey(h.db, { name: 'after-garbage', role: 'viewer' }, Date.now())).token;
    expect((await h.call('GET', '/api/v1/whoami', { as: { token: fresh } })).status).toBe(200);
  });
});
