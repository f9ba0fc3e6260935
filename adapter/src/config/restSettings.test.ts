import { DEFAULT_REST_SETTINGS } from './restSettings';
import { serverSchema } from './schema';

describe('server.rest', () => {
  test('absent: defaults (CORS off, 256 KiB bodies, no token roles)', () => {
    const { rest } = serverSchema.parse({});
    expect(rest).toEqual(DEFAULT_REST_SETTINGS);
    expect(rest.cors.allowedOrigins).toEqual([]);
    expect(rest.maxBodyBytes).toBe(256 * 1024);
    expect(rest.tokenRoles).toEqual([]);
  });

  test('given: parsed with defaults for the rest', () => {
    const { rest } = serverSchema.parse({ rest: { tokenRoles: [{ group: 'sre', role: 'operator' }] } });
    expect(rest.tokenRoles).toEqual([{ group: 'sre', role: 'operator' }]);
    expect(rest.rateLimit.burst).toBe(100);
  });

  test('an unknown role is refused at its path', () => {
    const parsed = serverSchema.safeParse({ rest: { tokenRoles: [{ group: 'sre', role: 'root' }] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path)).toEqual([['rest', 'tokenRoles', 0]]);
  });
});
