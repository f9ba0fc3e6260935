import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { apiAuthOptionsFromConfig } from './index';
import { loadKubeConnection } from './kube-api';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kube-api-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'config');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'b',
      contexts: [
        { name: 'a', context: { cluster: 'wrong', user: 'wrong' } },
        { name: 'b', context: { cluster: 'c', user: 'u' } },
      ],
      clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443', ...cluster } }],
      users: [{ name: 'u', user }],
    }),
  );
  return file;
}

describe('loadKubeConnection', () => {
  test('a kubeconfig: current context, inline data, files relative to the kubeconfig', () => {
    writeFileSync(path.join(dir, 'ca.crt'), 'CA-PEM');
    writeFileSync(path.join(dir, 'token'), ' file-token\n');
    const file = kubeconfig(
      {
        tokenFile: 'token',
        'client-certificate-data': Buffer.from('CERT').toString('base64'),
        'client-key-data': Buffer.from('KEY').toString('base64'),
      },
      { 'certificate-authority': 'ca.crt', 'tls-server-name': 'kubernetes' },
    );
    const connection = loadKubeConnection(file, {});
    expect(connection).toMatchObject({
      server: 'https://10.0.0.1:6443',
      ca: 'CA-PEM',
      clientCert: 'CERT',
      clientKey: 'KEY',
      tlsServerName: 'kubernetes',
      insecureSkipTLSVerify: false,
    });
    expect(connection?.token?.()).toBe('file-token');
  });

  test('exec credentials are refused with a clear message', () => {
    expect(() => loadKubeConnection(kubeconfig({ exec: { command: 'aws' } }), {})).toThrow(
      'exec and auth-provider credentials are not supported',
    );
  });

  test('in a cluster: the service account token and CA', () => {
    writeFileSync(path.join(dir, 'token'), 'sa-token');
    writeFileSync(path.join(dir, 'ca.crt'), 'SA-CA');
    const connection = loadKubeConnection(
      undefined,
      { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      dir,
    );
    expect(connection).toMatchObject({ server: 'https://[fd00::1]:443', ca: 'SA-CA' });
    expect(connection?.token?.()).toBe('sa-token');
  });

  test('outside a cluster without a kubeconfig there is no connection', () => {
    expect(loadKubeConnection(undefined, {}, dir)).toBeUndefined();
  });
});

describe('apiAuthOptionsFromConfig', () => {
  test('local mode', () => {
    expect(apiAuthOptionsFromConfig({ mode: 'local' }, {})).toEqual({ mode: 'local' });
  });

  test('request-header files and a kubeconfig', () => {
    const options = apiAuthOptionsFromConfig(
      {
        mode: 'delegated',
        kubeconfig: kubeconfig({ token: 't' }),
        clientCAFile: '/ca/client.crt',
        requestHeader: {
          clientCAFile: '/ca/front-proxy.crt',
          allowedNames: ['front-proxy-client'],
          usernameHeaders: ['X-Remote-User'],
          groupHeaders: ['X-Remote-Group'],
          extraHeaderPrefixes: ['X-Remote-Extra-'],
        },
      },
      {},
    );
    expect(options).toMatchObject({
      mode: 'delegated',
      clientCAFile: '/ca/client.crt',
      requestHeader: { clientCAFile: '/ca/front-proxy.crt', allowedNames: ['front-proxy-client'] },
    });
    expect(options.mode === 'delegated' && options.kubeApi !== undefined).toBe(true);
  });

  test('request-header settings need their CA file', () => {
    expect(() =>
      apiAuthOptionsFromConfig(
        {
          mode: 'delegated',
          requestHeader: { allowedNames: [], usernameHeaders: [], groupHeaders: [], extraHeaderPrefixes: [] },
        },
        {},
      ),
    ).toThrow('server.auth.requestHeader.clientCAFile is required');
  });
});
