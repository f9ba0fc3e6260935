import fc from 'fast-check';
import { backoffDelayMs, parseRetryAfter } from './backoff';

describe('backoffDelayMs', () => {
  const options = { baseMs: 100, capMs: 1000 };

  it('doubles the bound per retry up to the cap, scaled by the random draw', () => {
    const almostOne = (): number => 0.999999;
    expect([0, 1, 2, 3, 4, 10].map((r) => backoffDelayMs(r, options, almostOne))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelayMs(3, options, () => 0.5)).toBe(400);
    expect(backoffDelayMs(3, options, () => 0)).toBe(0);
  });

  it('stays within [0, min(cap, base·2^retry)) for any draw (full jitter)', () => {
    fc.assert(
      fc.property(
        fc.nat(40),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, draw) => {
          const d = backoffDelayMs(retry, options, () => draw);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(Math.min(options.capMs, options.baseMs * 2 ** retry));
        },
      ),
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent and unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});
