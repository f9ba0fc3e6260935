import { escapeExtraKey, frontProxyHeaders } from './identity';

test('front-proxy headers carry user, every group and every extra value', () => {
  expect(
    frontProxyHeaders({
      name: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
      groups: ['system:serviceaccounts', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/pod-name': ['hpa-0'], scopes: ['a', 'b'], empty: [] },
    }),
  ).toEqual({
    'X-Remote-User': 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
    'X-Remote-Group': ['system:serviceaccounts', 'system:authenticated'],
    'X-Remote-Extra-authentication.kubernetes.io%2Fpod-name': ['hpa-0'],
    'X-Remote-Extra-scopes': ['a', 'b'],
  });
});

test('extra keys are percent-escaped outside header token characters, per UTF-8 byte', () => {
  expect(escapeExtraKey('a/b c%d')).toBe('a%2Fb%20c%25d');
  expect(escapeExtraKey('ü')).toBe('%C3%BC');
});
