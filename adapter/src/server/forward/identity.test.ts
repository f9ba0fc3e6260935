import { escapeExtraKey, frontProxyHeaders } from './identity';

test('front-proxy headers carry user, every group and every extra value', () => {
  expect(
    frontProxyHeaders({
      name: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
      groups: ['system:serviceaccounts', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/pod-name': ['hpa-0'], scopes: ['a', 'b'], empty: [] },
    }),
  ).toEqual([
    'x-remote-user',
    'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
    'x-remote-group',
    'system:serviceaccounts',
    'x-remote-group',
    'system:authenticated',
    'x-remote-extra-authentication.kubernetes.io%2Fpod-name',
    'hpa-0',
    'x-remote-extra-scopes',
    'a',
    'x-remote-extra-scopes',
    'b',
  ]);
});

test('extra keys are percent-escaped outside header token characters, per UTF-8 byte', () => {
  expect(escapeExtraKey('a/b c%d')).toBe('a%2Fb%20c%25d');
  expect(escapeExtraKey('ü')).toBe('%C3%BC');
});
