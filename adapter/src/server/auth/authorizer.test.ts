import { parseLabelSelector } from '../../k8s';
import type { UserInfo } from './authenticator';
import type { RequestAttributes } from './authorizer';
import { DelegatingAuthorizer, subjectAccessReviewSpec } from './authorizer';
import type { KubernetesAuthApi, SubjectAccessReviewSpec, SubjectAccessReviewStatus } from './kube-api';

const user: UserInfo = { name: 'hpa', groups: ['system:authenticated'], extra: {} };
const valueList: RequestAttributes = {
  verb: 'list',
  path: '/apis/external.metrics.k8s.io/v1beta1/namespaces/ns/m',
  resourceRequest: true,
  apiGroup: 'external.metrics.k8s.io',
  apiVersion: 'v1beta1',
  namespace: 'ns',
  resource: 'm',
  subresource: '',
  name: '',
};

function fakeApi(
  answer: () => Promise<SubjectAccessReviewStatus>,
): KubernetesAuthApi & { specs: SubjectAccessReviewSpec[] } {
  const specs: SubjectAccessReviewSpec[] = [];
  return {
    specs,
    createTokenReview: () => Promise.reject(new Error('unused')),
    createSubjectAccessReview: (spec) => {
      specs.push(spec);
      return answer();
    },
    readConfigMap: () => Promise.reject(new Error('unused')),
  };
}

describe('subjectAccessReviewSpec (§2.3)', () => {
  test('selector requirements are mapped to In/NotIn/Exists/DoesNotExist and > < dropped', () => {
    const labelSelector = parseLabelSelector('a=1,b==2,c in (x,y),d!=3,e notin (z),f,!g,h>4,i<5');
    expect(
      subjectAccessReviewSpec(user, { ...valueList, labelSelector }).resourceAttributes?.labelSelector,
    ).toEqual({
      requirements: [
        { key: 'a', operator: 'In', values: ['1'] },
        { key: 'b', operator: 'In', values: ['2'] },
        { key: 'c', operator: 'In', values: ['x', 'y'] },
        { key: 'd', operator: 'NotIn', values: ['3'] },
        { key: 'e', operator: 'NotIn', values: ['z'] },
        { key: 'f', operator: 'Exists' },
        { key: 'g', operator: 'DoesNotExist' },
      ],
    });
  });

  test('selectors only travel with list, watch and deletecollection', () => {
    const labelSelector = parseLabelSelector('a=1');
    expect(
      subjectAccessReviewSpec(user, { ...valueList, verb: 'get', name: 'x', labelSelector })
        .resourceAttributes,
    ).toEqual({
      namespace: 'ns',
      verb: 'get',
      group: 'external.metrics.k8s.io',
      version: 'v1beta1',
      resource: 'm',
      name: 'x',
    });
    expect(
      subjectAccessReviewSpec(user, { ...valueList, labelSelector: parseLabelSelector('x>1') })
        .resourceAttributes,
    ).not.toHaveProperty('labelSelector');
  });

  test('non-resource requests carry path and verb; identity fields are omitted when empty', () => {
    expect(
      subjectAccessReviewSpec(user, { ...valueList, resourceRequest: false, verb: 'get', path: '/apis' }),
    ).toEqual({
      nonResourceAttributes: { path: '/apis', verb: 'get' },
      user: 'hpa',
      groups: ['system:authenticated'],
    });
  });
});

describe('DelegatingAuthorizer', () => {
  test('concurrent identical requests share one review', async () => {
    let release: (s: SubjectAccessReviewStatus) => void = () => undefined;
    const api = fakeApi(() => new Promise((resolve) => (release = resolve)));
    const authorizer = new DelegatingAuthorizer({ api, now: () => 0 });
    const first = authorizer.authorize(user, valueList);
    const second = authorizer.authorize(user, valueList);
    release({ allowed: true });
    expect(await first).toEqual({ allowed: true });
    expect(await second).toEqual({ allowed: true });
    expect(api.specs).toHaveLength(1);
    expect(authorizer.authorize(user, valueList)).toEqual({ allowed: true });
  });

  test('allow and deny TTLs are independent', async () => {
    let now = 0;
    let allowed = false;
    const api = fakeApi(async () => ({ allowed }));
    const authorizer = new DelegatingAuthorizer({
      api,
      now: () => now,
      allowCacheTtlMs: 1000,
      denyCacheTtlMs: 100,
    });
    expect(await authorizer.authorize(user, valueList)).toEqual({ allowed: false, reason: '' });
    allowed = true;
    now = 99;
    expect(await authorizer.authorize(user, valueList)).toEqual({ allowed: false, reason: '' });
    now = 100;
    expect(await authorizer.authorize(user, valueList)).toEqual({ allowed: true });
    allowed = false;
    now = 1099;
    expect(await authorizer.authorize(user, valueList)).toEqual({ allowed: true });
    now = 1100;
    expect(await authorizer.authorize(user, valueList)).toEqual({ allowed: false, reason: '' });
  });

  test('cached answers never cross to another user or another request', async () => {
    const api = fakeApi(async () => ({ allowed: true }));
    const authorizer = new DelegatingAuthorizer({ api, now: () => 0 });
    const requests: RequestAttributes[] = [
      valueList,
      { ...valueList, namespace: 'n', resource: 'sm' },
      { ...valueList, namespace: 'nsm', resource: '' },
      { ...valueList, verb: 'get' },
      { ...valueList, labelSelector: parseLabelSelector('a=1') },
      { ...valueList, resourceRequest: false, path: '/apis' },
    ];
    const users: UserInfo[] = [
      user,
      { ...user, groups: ['other'] },
      { ...user, name: 'hpa2' },
      { ...user, uid: 'u' },
    ];
    for (const u of users) for (const r of requests) await authorizer.authorize(u, r);
    expect(api.specs).toHaveLength(users.length * requests.length);
    for (const r of requests) await authorizer.authorize({ ...user }, { ...r });
    expect(api.specs).toHaveLength(users.length * requests.length);
  });

  test('allowed together with denied is an error and not cached', async () => {
    const api = fakeApi(async () => ({ allowed: true, denied: true }));
    const authorizer = new DelegatingAuthorizer({ api, now: () => 0 });
    expect(await authorizer.authorize(user, valueList)).toHaveProperty('error');
    await authorizer.authorize(user, valueList);
    expect(api.specs).toHaveLength(2);
  });

  test('system:masters and the health paths need no review; without a reviewer the rest is denied', () => {
    const authorizer = new DelegatingAuthorizer({ now: () => 0 });
    expect(authorizer.authorize({ ...user, groups: ['system:masters'] }, valueList)).toEqual({
      allowed: true,
    });
    expect(
      authorizer.authorize(user, { ...valueList, resourceRequest: false, verb: 'get', path: '/readyz' }),
    ).toEqual({ allowed: true });
    expect(
      authorizer.authorize(user, {
        ...valueList,
        resourceRequest: false,
        verb: 'get',
        path: '/readyz/shutdown',
      }),
    ).toEqual({
      allowed: false,
      reason: '',
    });
    expect(authorizer.authorize(user, valueList)).toEqual({ allowed: false, reason: '' });
  });
});
