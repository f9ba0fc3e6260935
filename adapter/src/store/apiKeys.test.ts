import { apiKeyMatches, apiKeyPrefix, generateApiKey, hashApiKey } from './apiKeys';

describe('API key tokens', () => {
  test('csk_<12 hex prefix>_<43 base64url secret>; the stored hash is SHA-256 of the token', () => {
    const { token, prefix, hash } = generateApiKey();
    expect(token).toMatch(/^csk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyPrefix(token)).toBe(prefix);
    expect(hash).toBe(hashApiKey(token));
    expect(hash).not.toContain(token.slice(18));
  });

  test('from the given randomness, and different each time by default', () => {
    const fixed = generateApiKey((n) => Buffer.alloc(n, 0xab));
    expect(fixed.token).toBe(`csk_abababababab_${Buffer.alloc(32, 0xab).toString('base64url')}`);
    expect(generateApiKey().token).not.toBe(generateApiKey().token);
  });

  test('matching needs the exact token', () => {
    const { token, hash } = generateApiKey();
    expect(apiKeyMatches(token, hash)).toBe(true);
    expect(apiKeyMatches(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, hash)).toBe(false);
    expect(apiKeyMatches(token, 'abcd')).toBe(false);
  });

  test('tokens of other shapes are not ours', () => {
    for (const t of [
      '',
      'csk_',
      'csk_ABCDEFabcdef_' + 'a'.repeat(43),
      'csk_abcdefabcdef_' + 'a'.repeat(42),
      'eyJhbGciOi',
    ]) {
      expect(apiKeyPrefix(t)).toBeUndefined();
    }
  });
});
