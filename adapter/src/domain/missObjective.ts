import { isReachable } from './toleranceBand';

// The replica count a decision chooses (issue 12). An SLO is missed for as long as demand is above ready
// capacity, by one replica or by fifteen alike, and that is what v prices: an hour of SLO miss. So the
// count is the one with the least expected cost per hour, c·(1+λ)·n + v·P(peak over the horizon > n·κ).
// Pricing unmet demand instead (replica k worth v·P(need > k − 1), the newsvendor's τ*-quantile) buys
// part of a burst it cannot cover; a miss priced per minute either covers it or holds where it is.
//
// The counts weighed run from the lower of the current count and ⌈D(t)/κ⌉ (holding the replicas there are
// is always a choice: a scale-up whose price outweighs the misses it saves is not made) up to
// ⌈Q(τ*)/κ⌉: above it no block of replicas saves more than it costs, since P(peak > Q(τ*)) = c'/(v + c')
// makes v·P below c'. Counts inside the HPA's tolerance band are never reached, so they are not weighed
// (the nearest one above the band is, when the band holds ⌈Q(τ*)/κ⌉ out of reach).
//
// A replica started now is paid for the readiness delay R before it serves anything, and the count is
// remade every tick. Between spikes, on the falling side of one, the peak over the horizon is bimodal (the
// spike comes back or not) and the expected cost of covering it and of not covering it nearly tie: the
// count flipped up and down from tick to tick, stopping pods before they were ready and missing the spike
// they were started for (EC2 network 257a54 at 2 min readiness: 57 % of the pods costscale started at
// v = 1 were stopped before they were ready, a quarter of its replica-hours spent starting). So the caller
// may charge each count above the current one its new pods' start, spread over the horizon the decision
// covers, c·(1+λ)·R/H each (`startupFee`; decide() does while demand falls). Once paid it is sunk: holding
// and scaling down weigh only the price per hour.

export interface ReplicaChoice {
  /** Lowest count weighed: min(current, ⌈D(t)/κ⌉). */
  readonly lowest: number;
  /** Highest count weighed: ⌈max(D(t), Q(τ*))/κ⌉. */
  readonly highest: number;
  /** Replicas the workload has now (a count it can always stay at); undefined when unknown. */
  readonly current: number | undefined;
  /** Tolerance of the HPA that reads the count (0 or undefined: every count is reachable). */
  readonly tolerance: number | undefined;
  /** c·(1+λ), one replica-hour. */
  readonly replicaCost: number;
  /** v, one hour of SLO miss. */
  readonly missCost: number;
  /** P(peak demand over the horizon > k replicas' capacity). */
  readonly exceeds: (replicas: number) => number;
  /**
   * P(demand above k replicas' capacity once a replica started now is ready), for the counts above
   * `current`, whose new pods serve only then (fallingDemand.ts). Undefined: `exceeds` for every count.
   */
  readonly exceedsOnceReady?: (replicas: number) => number;
  /**
   * What starting one replica above `current` adds to a count's cost per hour: c·(1+λ) times the share
   * of the horizon a new pod spends starting. 0 or undefined: none (nor without a current count).
   */
  readonly startupFee?: number;
}

/** Counts weighed one by one at most; a wider range weighs its ends and the current count. */
export const MAX_COUNTS_WEIGHED = 10_000;

/** The count from `lowest` up (or the current one) the HPA can reach with the least expected cost. */
export function chooseReplicas(choice: ReplicaChoice): number {
  const { lowest, highest, current, tolerance, replicaCost, missCost, exceeds, exceedsOnceReady } = choice;
  const known = current !== undefined && Number.isInteger(current) && current >= 0;
  const band = known && (current as number) > 0 && (tolerance ?? 0) > 0;
  const fee = known && (choice.startupFee ?? 0) > 0 ? (choice.startupFee as number) : 0;
  let best = highest;
  let bestCost = Number.POSITIVE_INFINITY;
  const weigh = (k: number): void => {
    const started = fee > 0 ? Math.max(0, k - (current as number)) : 0;
    const late = exceedsOnceReady !== undefined && known && k > (current as number);
    const expected = replicaCost * k + missCost * (late ? exceedsOnceReady(k) : exceeds(k)) + fee * started;
    // Ascending counts and a strict comparison: the fewest replicas among equal costs.
    if (expected < bestCost) {
      bestCost = expected;
      best = k;
    }
  };
  // The band may hold the highest count out of reach: then the nearest count above it is weighed too.
  let top = highest;
  if (band) while (!isReachable(top, current as number, tolerance as number)) top++;
  if (top - lowest > MAX_COUNTS_WEIGHED) {
    // A κ orders of magnitude below what a replica serves: the ends and the current count only, so a
    // decision's cost stays bounded.
    weigh(lowest);
    if (current !== undefined && current > lowest && current < top) weigh(current);
    weigh(top);
    return best;
  }
  for (let k = lowest; k <= top; k++)
    if (!band || isReachable(k, current as number, tolerance as number)) weigh(k);
  if (band && (current as number) > top) weigh(current as number);
  return best;
}

/**
 * Quantile levels P(peak > x) is read from: 41, geometric in 1 − τ from 0.99 to 6·10⁻⁷ (below the
 * strictest τ* a decision reads, 1 − 10⁻⁶, rounded), so it costs 41 quantile reads a decision however
 * many counts are weighed.
 */
const LEVELS = Float64Array.from({ length: 41 }, (_, i) => 1 - 0.99 * Math.pow(6e-7 / 0.99, i / 40));
const LOG_TAILS = Float64Array.from(LEVELS, (tau) => Math.log(1 - tau));

/**
 * P(peak > x) from a quantile function read at {@link LEVELS}: log-linear in 1 − τ between two levels,
 * 1 below the loosest level's quantile (and below D(t), which the peak reaches), 0 above the strictest.
 */
export function exceedanceFromQuantiles(
  quantile: (tau: number) => number,
  demand: number,
): (x: number) => number {
  // A plain array filled by a loop: `Float64Array.from(LEVELS, f)` went through the iterator protocol (a
  // result object and a boxed number a level) and malloc'd its 328 bytes outside V8's heap, once a
  // decision (issue 16: about 3.6 KiB of garbage a policy a tick, and the allocator's arena churned). Its
  // doubles are held unboxed, the values the same.
  const q: number[] = [];
  for (let i = 0; i < LEVELS.length; i++) q.push(quantile(LEVELS[i] as number));
  const last = q.length - 1;
  return (x) => {
    if (x < demand || !(x >= (q[0] as number))) return 1;
    if (x >= (q[last] as number)) return 0;
    let lo = 0;
    let hi = last;
    // The last level whose quantile is ≤ x.
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((q[mid] as number) <= x) lo = mid;
      else hi = mid;
    }
    const a = q[lo] as number;
    const b = q[hi] as number;
    const f = b > a ? (x - a) / (b - a) : 1;
    return Math.exp((LOG_TAILS[lo] as number) + f * ((LOG_TAILS[hi] as number) - (LOG_TAILS[lo] as number)));
  };
}
