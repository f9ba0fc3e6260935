import { RateLimiter } from './rateLimit';

describe('RateLimiter', () => {
  test('a full bucket allows `burst` requests at once, then refills at the rate', () => {
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3 });
    const at0 = [0, 0, 0, 0].map(() => limiter.take('k', 0));
    expect(at0.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(at0[3]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // Half a second at 2/s refills one token.
    expect(limiter.take('k', 499).allowed).toBe(false);
    expect(limiter.take('k', 1000).allowed).toBe(true);
  });

  test('Retry-After covers the wait for one token at a slow rate', () => {
    const limiter = new RateLimiter({ ratePerSecond: 0.1, burst: 1 });
    expect(limiter.take('k', 0).allowed).toBe(true);
    expect(limiter.take('k', 0)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('k', 4000)).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect(limiter.take('k', 10_000).allowed).toBe(true);
  });

  test('keys are independent; peek does not take', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 });
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.peek('a', 0)).toBe(false);
    expect(limiter.peek('b', 0)).toBe(true);
    expect(limiter.peek('b', 0)).toBe(true);
    expect(limiter.take('b', 0).allowed).toBe(true);
  });

  test('a clock going backwards never adds tokens', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 });
    expect(limiter.take('k', 10_000).allowed).toBe(true);
    expect(limiter.take('k', 0).allowed).toBe(false);
  });

  test('bounded: the least recently used bucket goes first', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 2 });
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('a', 0); // a is now the most recently used
    limiter.take('c', 0); // evicts b
    expect(limiter.peek('b', 0)).toBe(true);
    expect(limiter.peek('a', 0)).toBe(false);
  });
});
