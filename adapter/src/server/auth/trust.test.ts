import { createCA } from '../../../../test/support/certs';
import { parseAuthenticationConfigMap } from './trust';

describe('parseAuthenticationConfigMap (§2.1)', () => {
  const frontProxy = createCA('front-proxy-ca');
  const client = createCA('client-ca');

  test('the kube-apiserver layout: CA bundles and JSON lists, header names lower-cased for lookup', () => {
    const trust = parseAuthenticationConfigMap({
      'client-ca-file': client.cert,
      'requestheader-client-ca-file': frontProxy.cert + client.cert,
      'requestheader-allowed-names': '["front-proxy-client"]',
      'requestheader-username-headers': '["X-Remote-User"]',
      'requestheader-uid-headers': 'null',
      'requestheader-group-headers': '["X-Remote-Group"]',
      'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    });
    expect(trust.clientCA?.map((c) => c.subject)).toEqual(['CN=client-ca']);
    expect(trust.requestHeader?.ca.map((c) => c.subject)).toEqual(['CN=front-proxy-ca', 'CN=client-ca']);
    expect(trust.requestHeader).toMatchObject({
      allowedNames: ['front-proxy-client'],
      usernameHeaders: ['x-remote-user'],
      uidHeaders: [],
      groupHeaders: ['x-remote-group'],
      extraHeaderPrefixes: ['x-remote-extra-'],
    });
  });

  test('without a request-header CA there is no front-proxy trust', () => {
    expect(
      parseAuthenticationConfigMap({ 'client-ca-file': client.cert, 'requestheader-uid-headers': 'null' }),
    ).toMatchObject({
      requestHeader: undefined,
    });
  });

  test('malformed values are errors naming the key', () => {
    expect(() =>
      parseAuthenticationConfigMap({
        'requestheader-client-ca-file': frontProxy.cert,
        'requestheader-allowed-names': '{"a":1}',
      }),
    ).toThrow('requestheader-allowed-names is not a JSON list of strings');
    expect(() => parseAuthenticationConfigMap({ 'client-ca-file': 'not a certificate' })).toThrow(
      'client-ca-file holds no PEM certificate',
    );
  });
});
