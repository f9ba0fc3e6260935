import { DEFAULT_REST_SETTINGS, restSettingsFrom } from './settings';

describe('REST settings', () => {
  test('absent: defaults (CORS off, 256 KiB bodies, no token roles)', () => {
    const { settings, problem } = restSettingsFrom({ host: '0.0.0.0' });
    expect(problem).toBeUndefined();
    expect(settings).toEqual(DEFAULT_REST_SETTINGS);
    expect(settings.cors.allowedOrigins).toEqual([]);
    expect(settings.maxBodyBytes).toBe(256 * 1024);
    expect(settings.tokenRoles).toEqual([]);
  });

  test('given: parsed with defaults for the rest', () => {
    const { settings } = restSettingsFrom({ rest: { tokenRoles: [{ group: 'sre', role: 'operator' }] } });
    expect(settings.tokenRoles).toEqual([{ group: 'sre', role: 'operator' }]);
    expect(settings.rateLimit.burst).toBe(100);
  });

  test('invalid: defaults and the problem with its path', () => {
    const { settings, problem } = restSettingsFrom({
      rest: { tokenRoles: [{ group: 'sre', role: 'root' }] },
    });
    expect(settings).toEqual(DEFAULT_REST_SETTINGS);
    expect(problem).toMatch(/^server\.rest\.tokenRoles\[0\]/);
  });
});
