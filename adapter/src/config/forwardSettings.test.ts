import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfigFile } from './load';

const dir = mkdtempSync(path.join(tmpdir(), 'costscale-forward-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(forward: string) {
  const file = path.join(dir, 'config.yaml');
  writeFileSync(
    file,
    `allowEmpty: true\nprometheus:\n  default:\n    url: http://127.0.0.1:9090\nserver:\n  forward:\n${forward}`,
  );
  return loadConfigFile(file, {});
}

test('server.forward: defaults, and TLS files relative to the config file', () => {
  const { config } = load(
    [
      '    - name: keda',
      '      url: https://keda-operator-metrics-apiserver.keda.svc:443',
      '      kedaScaledObjects: true',
      '      tls: { caFile: keda/ca.crt, certFile: /abs/client.crt, keyFile: client.key }',
    ].join('\n'),
  );
  expect(config.server.forward).toEqual([
    {
      name: 'keda',
      url: 'https://keda-operator-metrics-apiserver.keda.svc:443',
      kedaScaledObjects: true,
      timeoutSeconds: 10,
      tls: {
        caFile: path.join(dir, 'keda', 'ca.crt'),
        certFile: '/abs/client.crt',
        keyFile: path.join(dir, 'client.key'),
        insecureSkipVerify: false,
      },
    },
  ]);
  expect(load('    []').config.server.forward).toEqual([]);
});

test('server.forward problems name their path', () => {
  let error: unknown;
  try {
    load('    - { name: keda, url: https://k, pattern: "(", tls: { certFile: c.crt } }');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const paths = (error as ConfigError).problems.map((p) => p.path);
  expect(paths).toEqual(expect.arrayContaining(['server.forward[0].pattern', 'server.forward[0].tls']));
});
