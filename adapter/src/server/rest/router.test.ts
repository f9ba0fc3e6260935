import { z } from 'zod';
import { route, Router } from './router';

const noop = async () => ({ status: 204 });
const r = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string) =>
  route({
    method,
    path,
    operationId: `${method} ${path}`,
    summary: '',
    tag: 't',
    role: 'viewer',
    params: z.strictObject({}),
    query: z.strictObject({}),
    success: { status: 204, description: '' },
    handler: noop,
  });

describe('Router', () => {
  const router = new Router([
    r('GET', '/api/v1/policies'),
    r('POST', '/api/v1/policies/dry-run'),
    r('GET', '/api/v1/policies/{namespace}/{name}'),
    r('PUT', '/api/v1/policies/{namespace}/{name}'),
    r('GET', '/api/v1/openapi.json'),
  ]);

  test('templates match one segment each, decoded after splitting', () => {
    const m = router.match('GET', '/api/v1/policies/shop/a%2Fb');
    expect(m).toMatchObject({ kind: 'found', params: { namespace: 'shop', name: 'a/b' } });
    expect(router.match('GET', '/api/v1/policies/shop/a/b').kind).toBe('not-found');
    expect(router.match('GET', '/api/v1/policies/shop').kind).toBe('not-found');
  });

  test('literal routes beside templates; dots are literal', () => {
    expect(router.match('POST', '/api/v1/policies/dry-run')).toMatchObject({ kind: 'found' });
    expect(router.match('GET', '/api/v1/openapi.json').kind).toBe('found');
    expect(router.match('GET', '/api/v1/openapiXjson').kind).toBe('not-found');
  });

  test('a known path with another method lists the allowed ones', () => {
    expect(router.match('DELETE', '/api/v1/policies/shop/web')).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET', 'PUT'],
    });
  });

  test('malformed escapes are kept as sent, for the parameter schema to reject', () => {
    expect(router.match('GET', '/api/v1/policies/%zz/web')).toMatchObject({ params: { namespace: '%zz' } });
  });
});
