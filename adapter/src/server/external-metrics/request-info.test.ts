import { ownsPath, requestInfo } from './request-info';

const GV = '/apis/external.metrics.k8s.io/v1beta1';

describe('ownsPath', () => {
  test.each([
    ['/apis', true],
    ['/apis/', true],
    ['/apis?x=1', true],
    [`${GV}/namespaces/a/b`, true],
    ['/healthz', true],
    ['/readyz/shutdown', true],
    ['/livez?verbose', true],
    ['/openapi/v2', true],
    ['/api/v1/policies', false],
    ['/apisx', false],
    ['/metrics', false],
    ['/', false],
  ])('%s → %p', (url, owned) => {
    expect(ownsPath(url)).toBe(owned);
  });
});

describe('requestInfo mirrors apiserver NewRequestInfo (§1.2)', () => {
  test('the value list is a namespaced list of the metric resource', () => {
    const info = requestInfo('GET', `${GV}/namespaces/shop/costscale_load?labelSelector=a%3Db`);
    expect(info).toMatchObject({
      route: { kind: 'valueList', namespace: 'shop', metric: 'costscale_load' },
      resourceRequest: true,
      verb: 'list',
      apiGroup: 'external.metrics.k8s.io',
      apiVersion: 'v1beta1',
      namespace: 'shop',
      resource: 'costscale_load',
      name: '',
      subresource: '',
    });
    expect(info?.query.get('labelSelector')).toBe('a=b');
  });

  test.each([
    ['GET', '?watch=true', 'watch'],
    ['GET', '?watch=1', 'watch'],
    ['GET', '?watch=false', 'list'],
    ['HEAD', '', 'list'],
    ['POST', '', 'create'],
    ['PUT', '', 'update'],
    ['PATCH', '', 'patch'],
    ['DELETE', '', 'deletecollection'],
    ['OPTIONS', '', ''],
  ])('%s%s is verb %p', (method, query, verb) => {
    expect(requestInfo(method, `${GV}/namespaces/shop/m${query}`)?.verb).toBe(verb);
  });

  test('namespaces/<ns> alone is the namespace object itself, not a value list', () => {
    expect(requestInfo('GET', `${GV}/namespaces/foo`)).toMatchObject({
      route: { kind: 'notFound' },
      namespace: 'foo',
      resource: 'namespaces',
      name: 'foo',
      verb: 'get',
    });
    expect(requestInfo('GET', `${GV}/namespaces/foo/status`)).toMatchObject({
      route: { kind: 'notFound' },
      resource: 'namespaces',
      name: 'foo',
      subresource: 'status',
    });
  });

  test('a metric containing / after decoding is a name below the resource, not a value list', () => {
    expect(requestInfo('GET', `${GV}/namespaces/foo/group%2Fmetric`)).toMatchObject({
      route: { kind: 'notFound' },
      resource: 'group',
      name: 'metric',
      verb: 'get',
    });
  });

  test('cluster-scoped resources have no namespace', () => {
    expect(requestInfo('GET', `${GV}/nonexistent-metric`)).toMatchObject({
      route: { kind: 'notFound' },
      namespace: '',
      resource: 'nonexistent-metric',
      verb: 'list',
    });
  });

  test.each([
    ['/apis', 'apis'],
    ['/apis/', 'notFound'],
    ['/apis/external.metrics.k8s.io', 'group'],
    ['/apis/external.metrics.k8s.io/', 'group'],
    [GV, 'resourceList'],
    [`${GV}/`, 'resourceList'],
    ['/apis/metrics.k8s.io/v1beta1', 'notFound'],
    ['/openapi/v2', 'notFound'],
  ])('discovery path %s is non-resource route %s', (path, kind) => {
    expect(requestInfo('GET', path)).toMatchObject({
      route: { kind },
      resourceRequest: false,
      verb: 'get',
      path,
    });
  });

  test('health paths carry the check name', () => {
    expect(requestInfo('GET', '/readyz/shutdown?verbose')?.route).toEqual({
      kind: 'health',
      endpoint: 'readyz',
      subPath: 'shutdown',
    });
    expect(requestInfo('GET', '/livez')?.route).toEqual({
      kind: 'health',
      endpoint: 'livez',
      subPath: undefined,
    });
  });

  test('malformed percent-encoding is rejected', () => {
    expect(requestInfo('GET', `${GV}/namespaces/a/%zz`)).toBeUndefined();
  });
});
