import { acceptsJson, negotiateDiscovery } from './accept';

const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

describe('negotiateDiscovery (§1.5)', () => {
  test.each([
    [undefined, 'legacy'],
    ['', 'legacy'],
    [V2, 'v2'],
    [V2BETA1, 'v2beta1'],
    [`${V2BETA1},${V2}`, 'v2beta1'],
    [`${V2};q=0.5,application/json`, 'legacy'],
    [`application/json;q=0.9, ${V2}`, 'v2'],
    ['application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList', 'none'],
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=Other', 'none'],
    [`application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList, */*`, 'legacy'],
    ['APPLICATION/JSON', 'legacy'],
    ['text/html', 'none'],
  ])('%p → %s', (accept, choice) => {
    expect(negotiateDiscovery(accept)).toBe(choice);
  });
});

describe('acceptsJson (§1.3)', () => {
  test.each([
    [undefined, true],
    ['application/vnd.kubernetes.protobuf, */*', true],
    ['application/vnd.kubernetes.protobuf;q=1, application/json;q=0.1', true],
    ['application/vnd.kubernetes.protobuf', false],
    ['application/json;q=0', false],
    ['*/*;q=0', false],
    [V2, false],
    ['text/*', false],
  ])('%p → %p', (accept, json) => {
    expect(acceptsJson(accept)).toBe(json);
  });
});
