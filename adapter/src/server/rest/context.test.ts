import { decodeCursor, encodeCursor, page } from './context';
import { ProblemError } from './problem';

describe('keyset cursors', () => {
  test('round trip', () => {
    expect(decodeCursor(encodeCursor(1_893_456_000_000, 42))).toEqual({ at: 1_893_456_000_000, id: 42 });
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  test('anything else is a 400 naming the cursor', () => {
    for (const bad of [
      'abc',
      Buffer.from('1.x').toString('base64url'),
      Buffer.from('9'.repeat(17) + '.1').toString('base64url'),
    ]) {
      let thrown: unknown;
      try {
        decodeCursor(bad);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ProblemError);
      expect((thrown as ProblemError).problem.errors).toEqual([
        expect.objectContaining({ location: 'query', path: 'cursor' }),
      ]);
    }
  });

  test('a page of limit + 1 rows: the extra row means a next page, cursor at the last kept row', () => {
    const rows = [5, 4, 3].map((n) => ({ at: n * 1000, id: n }));
    const p = page(rows, 2, (r) => r);
    expect(p.rows).toEqual(rows.slice(0, 2));
    expect(decodeCursor(p.nextCursor!)).toEqual({ at: 4000, id: 4 });
    expect(page(rows, 3, (r) => r).nextCursor).toBeNull();
  });
});
