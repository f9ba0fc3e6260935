import type { Config, Policy } from './schema';

// How many policies one process can hold, so a heap cap (deploy/base sets --max-old-space-size=256)
// refuses a configuration at load instead of running out of memory at the first ticks and restarting
// forever (issue 16). The per-policy figures are what test/bench/engine-memory.bench.ts measures of the
// engine's retained heap and typed arrays, rounded up. Typed arrays' contents (the forecast history)
// live outside the V8 heap, but are counted against the heap limit here: the container's memory limit
// is sized with the heap cap, and they are what the process holds besides the heap.

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Every policy: its configuration, recent demand, growth histogram and snapshot entry, and what it takes
 * while a tick or a snapshot is written. With SIGNAL_DETECTOR_BYTES, 16 KiB a policy without forecasting,
 * from test/bench/engine-memory.bench.ts under deploy/base's heap cap (`RUNS=cap AGED_WATCHES=7
 * FORECAST=0`, watches a week old): 12,000 policies ran every tick, the snapshot with every explanation
 * rendered (what a replica before format 2 is sent), the compact one and a follower's read of it; 15,000
 * ran their ticks and then out of memory among those (the rendered snapshot, first, is about 4.4 KB of
 * JSON a policy, held twice while it is joined). So the usable heap there, 179 MiB, is 15.3 KiB a policy that held and
 * 12.2 one that did not: 16 KiB admits 11,400 (docs/limits-and-memory.md, session 23). Of it, retained
 * heap and typed arrays after a full collection are about 7.6 KiB (the slope between 10,000 and 100,000
 * policies), the watch's detector about 3 of them.
 */
export const POLICY_BYTES = 10 * KIB;
/**
 * The anomaly detector every policy's cost per hour is watched with (engine/signalAnomalies.ts), apart
 * from POLICY_BYTES so the estimate says what it is for (the two together are what the run under the cap
 * backs). Held packed between the buckets it scores (engine/packedDetector.ts), about 3 KiB with its
 * watch once its day and week slots have filled with a cost that varies (a week after a start;
 * test/bench/signal-detector-bytes.js; its slots, in 16 bits, are most of it), under 1 KiB where the cost
 * stays flat and in its first hours. Counted full: the limit must hold a week on, or the service would
 * run out of memory a week after each restart (the bench's watches are a week old, AGED_WATCHES=7).
 */
export const SIGNAL_DETECTOR_BYTES = 6 * KIB;
/**
 * A forecast policy besides its history: fitted model (about 2.6 KiB, its calibration in 16 bits), anomaly
 * detector (about 2.6 KiB held packed between buckets, its slots in 16 bits; 7.8 KiB while it scores one),
 * the served forecast and its view (1.3 KiB), and a day of scored outcomes (3.4 KiB once full), with room
 * for a tick's garbage: docs/limits-and-memory.md (a test keeps it above what these hold). Not lowered with
 * them (from about 18 to 10 KiB): no run under a heap cap has backed a smaller figure.
 */
export const FORECAST_STATE_BYTES = 32 * KIB;
/**
 * One bucket of forecast history, counted as a float32: forecast/quantizedWindow.ts holds it in about 1.9
 * bytes (12 bits, and its share of its block's extremes and of the filling block), the rest is margin.
 */
export const HISTORY_BUCKET_BYTES = 4;
/** The rest of the service (code, server, caches) and the garbage a tick leaves before it is collected. */
export const HEAP_RESERVE_BYTES = 64 * MIB;
/** Share of the heap limit planned for: near the limit V8 spends the tick in full collections. */
export const HEAP_USABLE_SHARE = 0.8;

/** The engine's retained heap for one policy, estimated from its forecast settings. */
export function policyHeapBytes(p: Pick<Policy, 'forecast'>): number {
  const base = POLICY_BYTES + SIGNAL_DETECTOR_BYTES;
  if (!p.forecast.enabled) return base;
  const buckets = Math.min(10_000, Math.floor((p.forecast.historyDays * 86_400) / p.forecast.stepSeconds));
  // The window keeps room for 1/64 more past the newest bucket.
  return base + FORECAST_STATE_BYTES + Math.ceil((buckets * 65) / 64) * HISTORY_BUCKET_BYTES;
}

/** Heap the policies may use under a heap limit of `heapLimitBytes`. */
export const usableHeapBytes = (heapLimitBytes: number): number =>
  Math.max(0, heapLimitBytes * HEAP_USABLE_SHARE - HEAP_RESERVE_BYTES);

/**
 * Why the configuration's policies are more than the process can hold: `limits.maxPolicies` when set,
 * else the estimated heap of every policy against the usable part of `heapLimitBytes`.
 */
export function policyLimitProblem(
  config: Pick<Config, 'policies' | 'limits'>,
  heapLimitBytes: number,
): string | undefined {
  const count = config.policies.length;
  const max = config.limits.maxPolicies;
  if (max !== undefined)
    return count > max ? `${count} policies, more than limits.maxPolicies (${max})` : undefined;
  const needed = config.policies.reduce((sum, p) => sum + policyHeapBytes(p), 0);
  const usable = usableHeapBytes(heapLimitBytes);
  if (needed <= usable) return undefined;
  const mib = (bytes: number) => `${Math.ceil(bytes / MIB)} MiB`;
  return (
    `${count} policies need about ${mib(needed)} of heap, more than the ${mib(usable)} this process can ` +
    `give them (heap limit ${mib(heapLimitBytes)}); raise --max-old-space-size in NODE_OPTIONS together ` +
    `with the container's memory limit, lower forecast.historyDays or turn forecast off for some ` +
    `policies, or set limits.maxPolicies to override the estimate`
  );
}
