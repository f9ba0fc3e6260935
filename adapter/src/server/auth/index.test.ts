import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadKubeConnection } from '../../k8s/connection';
import { apiAuthOptionsFromConfig } from './index';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'auth-options-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(user: Record<string, unknown>): string {
  const file = path.join(dir, 'config');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
      clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443' } }],
      users: [{ name: 'u', user }],
    }),
  );
  return file;
}

describe('apiAuthOptionsFromConfig', () => {
  test('local mode', () => {
    expect(apiAuthOptionsFromConfig({ mode: 'local' }, undefined)).toEqual({ mode: 'local' });
  });

  test('request-header files and a Kubernetes connection', () => {
    const file = kubeconfig({ token: 't' });
    const options = apiAuthOptionsFromConfig(
      {
        mode: 'delegated',
        kubeconfig: file,
        clientCAFile: '/ca/client.crt',
        requestHeader: {
          clientCAFile: '/ca/front-proxy.crt',
          allowedNames: ['front-proxy-client'],
          usernameHeaders: ['X-Remote-User'],
          groupHeaders: ['X-Remote-Group'],
          extraHeaderPrefixes: ['X-Remote-Extra-'],
        },
      },
      loadKubeConnection(file),
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
        undefined,
      ),
    ).toThrow('server.auth.requestHeader.clientCAFile is required');
  });
});
