// Retry delays: exponential backoff with "full jitter" (a uniformly random delay between zero and
// the exponential bound; AWS Architecture Blog, "Exponential Backoff And Jitter", 2015), so clients
// that failed together do not retry together.

export interface BackoffOptions {
  /** Bound of the first retry's delay. */
  readonly baseMs: number;
  /** No delay exceeds this. */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, capMs: 5_000 };

/** Delay before retry number `retry` (0 for the first retry); `random` returns values in [0, 1). */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number): number {
  const bound = Math.min(options.capMs, options.baseMs * 2 ** retry);
  return Math.floor(random() * bound);
}

/**
 * A Retry-After header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) in milliseconds from `nowMs`;
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates start with a day name; Date.parse alone would read "-3" as a year.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
