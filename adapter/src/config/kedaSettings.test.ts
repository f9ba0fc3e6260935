import { DEFAULT_KEDA_SETTINGS, kedaSettingsSchema, resolveKedaPaths } from './kedaSettings';
import { configSchema } from './schema';

describe('server.keda', () => {
  test('is off by default, on port 6000, plaintext', () => {
    expect(DEFAULT_KEDA_SETTINGS).toEqual({ grpc: { enabled: false, port: 6000 } });
    expect(configSchema.parse({}).server.keda).toEqual(DEFAULT_KEDA_SETTINGS);
  });

  test.each<[string, unknown]>([
    ['a cert without its key', { grpc: { tls: { certFile: 'tls.crt' } } }],
    ['an unknown field', { grpc: { enabled: true, mtls: true } }],
    ['a port out of range', { grpc: { port: 70000 } }],
  ])('rejects %s', (_, value) => {
    expect(kedaSettingsSchema.safeParse(value).success).toBe(false);
  });

  test('TLS file paths are resolved, clientCAFile only when given', () => {
    const abs = (p: string): string => `/etc/costscale/${p}`;
    const tls = kedaSettingsSchema.parse({
      grpc: { enabled: true, tls: { certFile: 'a.crt', keyFile: 'a.key' } },
    });
    expect(resolveKedaPaths(tls, abs).grpc.tls).toEqual({
      certFile: '/etc/costscale/a.crt',
      keyFile: '/etc/costscale/a.key',
    });
    const mutual = kedaSettingsSchema.parse({
      grpc: { tls: { certFile: 'a.crt', keyFile: 'a.key', clientCAFile: 'ca.crt' } },
    });
    expect(resolveKedaPaths(mutual, abs).grpc.tls?.clientCAFile).toBe('/etc/costscale/ca.crt');
    expect(resolveKedaPaths(DEFAULT_KEDA_SETTINGS, abs)).toBe(DEFAULT_KEDA_SETTINGS);
  });
});
