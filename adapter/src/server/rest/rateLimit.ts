// Token buckets per key (API key, Kubernetes user or client address): each holds up to `burst` tokens
// and refills at `ratePerSecond`; a request takes one. Time is a parameter, so the limiter is pure
// state with no timers. The map is bounded: when full, the least recently used bucket goes.

export interface RateLimitOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Buckets kept at most (default 10 000). */
  readonly maxKeys?: number;
}

export type RateDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(readonly options: RateLimitOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Takes one token from `key`'s bucket at `nowMs`. */
  take(key: string, nowMs: number): RateDecision {
    const { ratePerSecond, burst } = this.options;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: burst, at: nowMs };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    } else {
      this.buckets.delete(key);
      bucket.tokens = Math.min(
        burst,
        bucket.tokens + (Math.max(0, nowMs - bucket.at) / 1000) * ratePerSecond,
      );
      bucket.at = nowMs;
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)) };
  }

  /** Whether `key` has a token left, without taking it. */
  peek(key: string, nowMs: number): boolean {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return true;
    const { ratePerSecond, burst } = this.options;
    return Math.min(burst, bucket.tokens + (Math.max(0, nowMs - bucket.at) / 1000) * ratePerSecond) >= 1;
  }
}
