import { API, fakeBackend, ok, problem } from '../testing/backend';
import { budget, decisionRecords, overview, page } from '../testing/fixtures';
import { costscale } from './client';
import { ApiError } from './errors';

const backend = fakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backend.fetch }),
}));

beforeEach(() => {
  backend.requests.length = 0;
});

describe('the costscale client', () => {
  it('reads through the plugin proxy route without Grafana alerts', async () => {
    backend.on('GET', `${API}/overview`, ok(overview));
    await expect(costscale.overview()).resolves.toEqual(overview);
    expect(backend.requests[0]).toMatchObject({
      url: '/api/plugin-proxy/costscale-autoscaling-app/api/v1/overview',
      method: 'GET',
      showErrorAlert: false,
    });
  });

  it('sends decision filters as RFC 3339 times and leaves unset ones out', async () => {
    backend.on('GET', `${API}/decisions`, ok(page(decisionRecords, 'next')));
    const result = await costscale.decisions({ policy: 'checkout', from: 0, to: 60_000, limit: 100 });
    expect(result.nextCursor).toBe('next');
    expect(backend.requests[0]!.params).toEqual({
      policy: 'checkout',
      from: '1970-01-01T00:00:00.000Z',
      to: '1970-01-01T00:01:00.000Z',
      limit: '100',
    });
  });

  it('encodes path segments', async () => {
    backend.on('GET', `${API}/policies/a%2Fb/c%20d`, ok({}));
    await costscale.policy('a/b', 'c d');
    expect(backend.requests[0]!.url).toBe(`${API}/policies/a%2Fb/c%20d`);
  });

  it('posts a budget spec as the body', async () => {
    backend.on('POST', `${API}/budgets`, ok(budget));
    await costscale.createBudget({ name: 'x', period: 'daily', amount: 5 });
    expect(backend.requests[0]).toMatchObject({
      method: 'POST',
      data: { name: 'x', period: 'daily', amount: 5 },
    });
  });

  it('turns a problem+json answer into an ApiError with its field errors', async () => {
    backend.on(
      'PUT',
      `${API}/budgets/x`,
      problem(400, 'the request is invalid', [{ location: 'body', path: '/amount', message: 'Too small' }]),
    );
    const error = await costscale
      .updateBudget('x', { name: 'x', period: 'daily', amount: -1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      message: 'the request is invalid',
      fieldErrors: [{ location: 'body', path: '/amount', message: 'Too small' }],
    });
  });

  it("keeps Grafana's own proxy message when the adapter is unreachable", async () => {
    backend.on('GET', `${API}/budgets`, { status: 502, data: { message: 'Bad Gateway' } });
    await expect(costscale.budgets()).rejects.toMatchObject({ status: 502, message: 'Bad Gateway' });
  });

  it('marks 404 answers as not found', async () => {
    const error = await costscale.recommendations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).isNotFound).toBe(true);
  });

  it('lists the API paths from the OpenAPI document', async () => {
    backend.on(
      'GET',
      `${API}/openapi.json`,
      ok({ openapi: '3.1.0', paths: { '/api/v1/budgets': {}, '/api/v1/overview': {} } }),
    );
    await expect(costscale.apiPaths()).resolves.toEqual(['/api/v1/budgets', '/api/v1/overview']);
  });
});
