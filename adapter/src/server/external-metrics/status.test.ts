import { forbidden, internalError, statusError } from './status';

const base = {
  user: 'u',
  verb: 'list',
  path: '/apis/external.metrics.k8s.io/v1beta1/namespaces/ns/m',
  resourceRequest: true,
  apiGroup: 'external.metrics.k8s.io',
  resource: 'm',
  subresource: '',
  namespace: 'ns',
  name: '',
};

describe('metav1.Status bodies (§1.9)', () => {
  test('fields in Go struct order, omitempty respected, trailing newline', () => {
    expect(statusError(500, 'backend timeout').body).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"backend timeout","code":500}\n',
    );
  });

  test('InternalError carries the cause', () => {
    expect(JSON.parse(internalError('unable to fetch metrics').body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Internal error occurred: unable to fetch metrics',
      reason: 'InternalError',
      details: { causes: [{ message: 'unable to fetch metrics' }] },
      code: 500,
    });
  });

  test('forbidden: namespaced, cluster-scoped, named, subresource and non-resource wording', () => {
    expect(JSON.parse(forbidden(base, '').body).message).toBe(
      'm.external.metrics.k8s.io is forbidden: User "u" cannot list resource "m" in API group "external.metrics.k8s.io" in the namespace "ns"',
    );
    expect(JSON.parse(forbidden({ ...base, namespace: '' }, 'why').body).message).toBe(
      'm.external.metrics.k8s.io is forbidden: User "u" cannot list resource "m" in API group "external.metrics.k8s.io" at the cluster scope: why',
    );
    const named = JSON.parse(forbidden({ ...base, verb: 'get', name: 'x', subresource: 'status' }, '').body);
    expect(named.message).toBe(
      'm.external.metrics.k8s.io "x" is forbidden: User "u" cannot get resource "m/status" in API group "external.metrics.k8s.io" in the namespace "ns"',
    );
    expect(named.details).toEqual({ name: 'x', group: 'external.metrics.k8s.io', kind: 'm' });
    const path = JSON.parse(
      forbidden({ ...base, resourceRequest: false, verb: 'get', path: '/openapi/v2' }, '').body,
    );
    expect(path.message).toBe('forbidden: User "u" cannot get path "/openapi/v2"');
    expect(path.details).toEqual({});
  });

  test('&, < and > are HTML-escaped', () => {
    expect(JSON.parse(forbidden(base, 'a<b & c>d').body).message).toMatch(/: a&lt;b &amp; c&gt;d$/);
  });
});
