import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadKubeConnection, requestOptions, type KubeConnection } from './connection';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kube-connection-'));
});

afterEach(() => {
  jest.restoreAllMocks();
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
      clusters: [
        { name: 'wrong', cluster: { server: 'https://10.9.9.9' } },
        { name: 'c', cluster: { server: 'https://10.0.0.1:6443', ...cluster } },
      ],
      users: [
        { name: 'wrong', user: { token: 'wrong' } },
        { name: 'u', user },
      ],
    }),
  );
  return file;
}

async function authorization(connection: KubeConnection | undefined): Promise<unknown> {
  return ((await requestOptions(connection!)).headers as Record<string, unknown>).Authorization;
}

describe('a kubeconfig file', () => {
  test('the current context: a static token, the CA file relative to the kubeconfig, the TLS server name', async () => {
    writeFileSync(path.join(dir, 'ca.crt'), 'CA-PEM');
    const connection = loadKubeConnection(
      kubeconfig({ token: 'static' }, { 'certificate-authority': 'ca.crt', 'tls-server-name': 'kubernetes' }),
      {},
    );
    expect(connection?.server).toBe('https://10.0.0.1:6443');
    const options = await requestOptions(connection!);
    expect(String(options.ca)).toBe('CA-PEM');
    expect(options.servername).toBe('kubernetes');
    expect(options.rejectUnauthorized).toBeUndefined();
    expect(options.headers).toMatchObject({ Authorization: 'Bearer static' });
  });

  test('a client certificate from inline data, and insecure-skip-tls-verify', async () => {
    const connection = loadKubeConnection(
      kubeconfig(
        {
          'client-certificate-data': Buffer.from('CERT').toString('base64'),
          'client-key-data': Buffer.from('KEY').toString('base64'),
        },
        { 'insecure-skip-tls-verify': true },
      ),
    );
    const options = await requestOptions(connection!);
    expect(String(options.cert)).toBe('CERT');
    expect(String(options.key)).toBe('KEY');
    expect(options.rejectUnauthorized).toBe(false);
    expect(options.headers).not.toHaveProperty('Authorization');
  });

  test('a token file relative to the kubeconfig, trimmed, and re-read after a minute', async () => {
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, ' first\n');
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const connection = loadKubeConnection(kubeconfig({ tokenFile: 'token' }));
    expect(await authorization(connection)).toBe('Bearer first');
    writeFileSync(tokenFile, 'second');
    now += 59_000;
    expect(await authorization(connection)).toBe('Bearer first');
    now += 1_000;
    expect(await authorization(connection)).toBe('Bearer second');
  });

  test('a static token wins over a token file, as in client-go', async () => {
    writeFileSync(path.join(dir, 'token'), 'from-file');
    expect(await authorization(loadKubeConnection(kubeconfig({ token: 'static', tokenFile: 'token' })))).toBe(
      'Bearer static',
    );
  });

  test('an exec credential plugin supplies the token', async () => {
    const credential = {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-exec' },
    };
    const connection = loadKubeConnection(
      kubeconfig({
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: process.execPath,
          args: ['-e', `process.stdout.write(${JSON.stringify(JSON.stringify(credential))})`],
        },
      }),
    );
    expect(await authorization(connection)).toBe('Bearer from-exec');
  });

  test('without a current context the first context is used', async () => {
    const file = path.join(dir, 'config');
    writeFileSync(
      file,
      stringify({
        contexts: [{ name: 'only', context: { cluster: 'c', user: 'u' } }],
        clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.2/' } }],
        users: [{ name: 'u', user: { token: 't' } }],
      }),
    );
    const connection = loadKubeConnection(file);
    expect(connection?.server).toBe('https://10.0.0.2');
    expect(await authorization(connection)).toBe('Bearer t');
  });

  test('a context naming no known cluster is refused with the file named', () => {
    const file = path.join(dir, 'config');
    writeFileSync(
      file,
      stringify({
        'current-context': 'x',
        contexts: [{ name: 'x', context: { cluster: 'missing', user: 'u' } }],
        clusters: [],
        users: [],
      }),
    );
    expect(() => loadKubeConnection(file)).toThrow(`${file}: no cluster for context "x"`);
  });
});

describe('in a cluster', () => {
  test("the service account's CA and token, https to the service host (IPv6 bracketed)", async () => {
    writeFileSync(path.join(dir, 'token'), 'sa-token\n');
    writeFileSync(path.join(dir, 'ca.crt'), 'SA-CA');
    const connection = loadKubeConnection(
      undefined,
      { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      dir,
    );
    expect(connection?.server).toBe('https://[fd00::1]:443');
    const options = await requestOptions(connection!);
    expect(String(options.ca)).toBe('SA-CA');
    expect(options.headers).toMatchObject({ Authorization: 'Bearer sa-token' });
  });

  test('outside a cluster without a kubeconfig there is no connection', () => {
    writeFileSync(path.join(dir, 'token'), 'sa-token');
    expect(loadKubeConnection(undefined, {}, dir)).toBeUndefined();
    expect(
      loadKubeConnection(
        undefined,
        { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
        '/nonexistent',
      ),
    ).toBeUndefined();
  });
});
