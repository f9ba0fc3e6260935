import { z } from 'zod';
import { fieldErrors, jsonPointer } from './problem';

describe('problem details', () => {
  test('JSON Pointer escapes ~ and / (RFC 6901)', () => {
    expect(jsonPointer([])).toBe('');
    expect(jsonPointer(['labels', 'a/b~c', 0])).toBe('/labels/a~1b~0c/0');
  });

  test('field errors name each failing field; unknown keys one by one', () => {
    const schema = z.strictObject({ a: z.strictObject({ b: z.number() }), c: z.string() });
    const error = schema.safeParse({ a: { b: 'x', extra: 1 }, c: 3, d: 0, e: 0 }).error!;
    const body = fieldErrors(error, 'body');
    expect(body.map((e) => e.path).sort()).toEqual(['/a/b', '/a/extra', '/c', '/d', '/e']);
    expect(body.find((e) => e.path === '/d')?.message).toBe('unknown field');
    const query = fieldErrors(z.strictObject({ limit: z.string() }).safeParse({ x: '1' }).error!, 'query');
    expect(query).toEqual([
      { location: 'query', path: 'limit', message: expect.any(String) },
      { location: 'query', path: 'x', message: 'unknown field' },
    ]);
  });
});
