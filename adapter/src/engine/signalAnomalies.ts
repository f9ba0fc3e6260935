import {
  createDetector,
  createExcursionRecord,
  NO_EPISODE,
  seriesAnomaly,
  watchSample,
  type DetectorState,
  type SeriesAnomaly,
} from '../anomaly';
import type { Config } from '../config/schema';
import { policyKey } from '../config/policyIdentity';
import type { PolicySnapshot, SignalAnomaly } from '../snapshot/snapshot';
import type { AnomalyEventRecord } from '../store/anomalyEvents';
import type { TickBudget } from './assemble';
import type { TickOutput } from './engine';
import { packDetector, WatchScorer, type HeldWatch, type PackedDetector } from './packedDetector';
import type { TickInputs } from './tickInputs';

// Anomalies of the signals the engine reads or computes each tick besides demand (issue 15): per policy
// its cost per hour and, with a latency SLO, its latency; per budget its spend rate. Each signal is
// averaged over buckets (the policy's forecast step; five minutes for budgets) and every closed bucket is
// scored by the streaming detector; episodes are reported as demand's are. Unlike demand, these
// detectors start cold, without history, so they score once their warm-up (a day of buckets) has passed.

export type Signal = SignalAnomaly['signal'];
/** Budgets' spend rate changes slowly; five minutes is the budget metrics' own resolution. */
const BUDGET_STEP_MS = 300_000;

/** One tick's value of a signal; budgets have no namespace ('') and their name as `owner`. */
export interface SignalSample {
  readonly namespace: string;
  readonly owner: string;
  readonly signal: Signal;
  /** Undefined or NaN when the tick could not read it: the bucket averages what it has. */
  readonly value: number | undefined;
  readonly stepMs: number;
}

export interface SignalState extends SeriesAnomaly {
  readonly namespace: string;
  readonly owner: string;
  readonly signal: Signal;
}

/** A watched signal: its detector, held packed between buckets (`HeldWatch`), and its open bucket. */
interface Watched extends HeldWatch {
  readonly namespace: string;
  readonly owner: string;
  readonly signal: Signal;
  readonly stepMs: number;
  bucketStart: number;
  sum: number;
  count: number;
  /** The `observe` it was last sampled in (a count, so no set of ids is built each tick). */
  seenIn: number;
  /**
   * The list of its one anomaly an entry publishes, made when first published after a bucket is scored
   * (the only time its score and episode move) and the same list until the next: an entry's list and
   * anomaly live until the next tick, so V8 promotes them, and a new pair a policy each tick was about
   * 20 MB a tick at 100,000 policies that only a full collection takes back (issue 16).
   */
  alone: readonly SignalAnomaly[] | undefined;
}

/**
 * A watch's state this tick, its keys those of a `SignalState` literal; its watch in a private field (no key
 * of the state, nor of its JSON), whose published list it reads. Made each tick, not kept: a state kept
 * with its watch was about 110 bytes a policy more of retained heap.
 */
class TickState implements SignalState {
  // Declared, not defined: each key is made where the constructor sets it, in a literal's order.
  declare readonly namespace: string;
  declare readonly owner: string;
  declare readonly signal: Signal;
  declare readonly score: number;
  declare readonly active: boolean;
  declare readonly since?: number;
  declare readonly peak?: number;
  declare readonly episodes: number;
  readonly #watch: Watched;

  constructor(sample: SignalSample, watch: Watched) {
    const anomaly = seriesAnomaly(watch);
    this.#watch = watch;
    this.namespace = sample.namespace;
    this.owner = sample.owner;
    this.signal = sample.signal;
    this.score = anomaly.score;
    this.active = anomaly.active;
    // Only while an episode is active, in the order seriesAnomaly() gives them (JSON keeps key order).
    if (anomaly.since !== undefined) this.since = anomaly.since;
    if (anomaly.peak !== undefined) this.peak = anomaly.peak;
    this.episodes = anomaly.episodes;
  }

  /** The list an owner with this one signal publishes: its watch's, made once after each scored bucket. */
  alone(): readonly SignalAnomaly[] {
    return (this.#watch.alone ??= [anomalyOf(this)]);
  }
}

const idOf = (s: { namespace: string; owner: string; signal: string }) =>
  `${s.namespace}/${s.owner}/${s.signal}`;

export class SignalAnomalies {
  private readonly watched = new Map<string, Watched>();
  /**
   * The watches in the order the last `observe` was given its samples: a sample finds its watch here when
   * the samples come in the same order (each tick's do, signalSamples), without its id (a new string a
   * signal a tick, issue 16), and by its id in `watched` otherwise.
   */
  private readonly order: Watched[] = [];
  private readonly scorer = new WatchScorer();
  /**
   * A new detector at each step, packed once: every new watch holds the same string until it first
   * scores. Held by the watcher, not the module, so it goes with the watcher (a dry run's, a test's).
   */
  private readonly newDetectors = new Map<number, PackedDetector>();
  private observed = 0;

  constructor(private readonly onAnomaly?: (event: AnomalyEventRecord) => void) {}

  private newDetector(stepMs: number): PackedDetector | DetectorState {
    let packed = this.newDetectors.get(stepMs);
    if (packed === undefined) {
      const detector = createDetector({ stepMs });
      packed = packDetector(detector);
      if (packed === undefined) return detector;
      this.newDetectors.set(stepMs, packed);
    }
    return packed;
  }

  /**
   * Adds this tick's samples, scores the buckets that closed and returns each signal's state. Signals
   * not sampled this tick (their policy or budget is gone) are forgotten.
   */
  observe(samples: readonly SignalSample[], now: number): SignalState[] {
    const tick = ++this.observed;
    const states: SignalState[] = [];
    samples.forEach((sample, i) => {
      let w: Watched | undefined = this.order[i];
      if (
        w === undefined ||
        w.namespace !== sample.namespace ||
        w.owner !== sample.owner ||
        w.signal !== sample.signal ||
        w.stepMs !== sample.stepMs
      )
        w = this.watched.get(idOf(sample));
      if (w === undefined || w.stepMs !== sample.stepMs) {
        if (w !== undefined) this.scorer.release(w);
        w = {
          namespace: sample.namespace,
          owner: sample.owner,
          signal: sample.signal,
          stepMs: sample.stepMs,
          detector: this.newDetector(sample.stepMs),
          episode: NO_EPISODE,
          score: 0,
          episodes: 0,
          excursions: createExcursionRecord(),
          bucketStart: Math.floor(now / sample.stepMs) * sample.stepMs,
          sum: 0,
          count: 0,
          seenIn: tick,
          alone: undefined,
        };
        this.watched.set(idOf(sample), w);
      }
      this.order[i] = w;
      w.seenIn = tick;
      if (now >= w.bucketStart + w.stepMs) this.closeBucket(sample, w, now);
      if (sample.value !== undefined && Number.isFinite(sample.value)) {
        w.sum += sample.value;
        w.count += 1;
      }
      states.push(new TickState(sample, w));
    });
    this.order.length = samples.length;
    for (const [id, w] of this.watched)
      if (w.seenIn !== tick) {
        this.scorer.release(w);
        this.watched.delete(id);
      }
    return states;
  }

  private closeBucket(sample: SignalSample, w: Watched, now: number): void {
    // A bucket without a reading is skipped: the detector sees a gap, not a zero.
    if (w.count > 0) {
      const wasActive = w.episode.active;
      this.scorer.score(w, (watch) => watchSample(watch, w.bucketStart, w.sum / w.count));
      w.alone = undefined;
      const e = w.episode;
      if (e.active !== wasActive) {
        this.onAnomaly?.({
          namespace: sample.namespace,
          policy: sample.owner,
          signal: sample.signal,
          startedAt: e.since,
          endedAt: e.active ? null : w.bucketStart,
          peakScore: e.peak,
          expectedLow: e.low,
          expectedHigh: e.high,
        });
      }
    }
    w.bucketStart = Math.floor(now / w.stepMs) * w.stepMs;
    w.sum = 0;
    w.count = 0;
  }
}

/**
 * The tick's signal values: a policy's cost per hour when it decided afresh this tick, its latency when
 * it has a latency SLO, and each budget's burn rate.
 */
export function signalSamples(
  config: Config,
  inputs: TickInputs,
  out: TickOutput,
  budgets: readonly TickBudget[],
  now: number,
): SignalSample[] {
  // The published entries are in the configuration's order; a map by key (a new key string per policy, about
  // 350 bytes a policy a tick, issue 16) only when they are not.
  let published: Map<string, PolicySnapshot> | undefined;
  const entryOf = (policy: Config['policies'][number], i: number): PolicySnapshot | undefined => {
    const at = out.policies[i];
    if (published === undefined && at?.namespace === policy.namespace && at.name === policy.name) return at;
    published ??= new Map(out.policies.map((p) => [policyKey(p), p]));
    return published.get(policyKey(policy));
  };
  const samples: SignalSample[] = [];
  // One literal of one shape a sample: `{ ...base, signal, value }` cost about 600 bytes a policy a tick.
  const sample = (policy: Config['policies'][number], signal: Signal, value: number | undefined) =>
    samples.push({
      namespace: policy.namespace,
      owner: policy.name,
      signal,
      value,
      stepMs: policy.forecast.stepSeconds * 1000,
    });
  config.policies.forEach((policy, i) => {
    const entry = entryOf(policy, i);
    sample(policy, 'cost-per-hour', entry?.valuesAt === now ? entry.decision?.costPerHour : undefined);
    if (policy.slo.latencySeconds !== undefined) {
      const latency = inputs.policies[i]?.latency;
      sample(policy, 'latency', latency?.ok ? latency.value : undefined);
    }
  });
  for (const b of budgets) {
    samples.push({
      namespace: '',
      owner: b.name,
      signal: 'budget-spend',
      value: b.status?.burnRatePerHour,
      stepMs: BUDGET_STEP_MS,
    });
  }
  return samples;
}

/**
 * The tick's output with each policy's and budget's signal states. A policy's entry gets its `anomalies`
 * in place, as its last key (what `{ ...entry, anomalies }` would give): the entries are this tick's own,
 * not yet published (the holder freezes them), and a copy of each would keep two entries per policy
 * alive at the end of the tick, beside the previous snapshot (issue 16: 100,000 policies). An entry
 * already frozen is copied as before.
 */
export function withSignalStates(out: TickOutput, states: readonly SignalState[]): TickOutput {
  const groups = ownerGroups(states);
  // The states come in the entries' order (signalSamples) and are matched by walking both; a map by key
  // (a new key string an owner a tick) only for those out of that order, and the budgets'.
  let next = 0;
  let byOwner: Map<string, readonly SignalAnomaly[]> | undefined;
  const listOf = (namespace: string, owner: string): readonly SignalAnomaly[] | undefined => {
    const g = groups[next];
    if (g !== undefined && g.namespace === namespace && g.owner === owner) {
      next++;
      return g.list;
    }
    byOwner ??= byKey(groups);
    return byOwner.get(`${namespace}/${owner}`);
  };
  return {
    ...out,
    policies: out.policies.map((p) => {
      const anomalies = listOf(p.namespace, p.name);
      if (anomalies === undefined) return p;
      if (Object.isFrozen(p)) return { ...p, anomalies };
      (p as { anomalies?: readonly SignalAnomaly[] }).anomalies = anomalies;
      return p;
    }),
    ...(out.budgets && {
      budgets: out.budgets.map((b) => {
        const [anomaly] = listOf('', b.name) ?? [];
        return anomaly === undefined ? b : { ...b, anomaly };
      }),
    }),
  };
}

/** The groups' lists by owner key, an owner's lists joined in order. */
function byKey(groups: readonly OwnerGroup[]): Map<string, readonly SignalAnomaly[]> {
  const lists = new Map<string, readonly SignalAnomaly[]>();
  for (const { namespace, owner, list } of groups) {
    const key = `${namespace}/${owner}`;
    const held = lists.get(key);
    lists.set(key, held === undefined ? list : held.concat(list));
  }
  return lists;
}

interface OwnerGroup {
  readonly namespace: string;
  readonly owner: string;
  readonly list: readonly SignalAnomaly[];
}

/** The states by owner, in order: each owner's consecutive states as one list of its anomalies. */
function ownerGroups(states: readonly SignalState[]): OwnerGroup[] {
  const groups: OwnerGroup[] = [];
  for (let i = 0; i < states.length;) {
    const { namespace, owner } = states[i]!;
    let end = i + 1;
    while (end < states.length && states[end]!.namespace === namespace && states[end]!.owner === owner) end++;
    // Each list its exact length: a list grown by a push keeps spare slots for every policy.
    const one = states[i]!;
    const list =
      end > i + 1
        ? states.slice(i, end).map(anomalyOf)
        : one instanceof TickState
          ? one.alone()
          : [anomalyOf(one)];
    groups.push({ namespace, owner, list });
    i = end;
  }
  return groups;
}

/** A state as its owner's entry publishes it. */
function anomalyOf(state: SignalState): SignalAnomaly {
  const { namespace: _namespace, owner: _owner, ...anomaly } = state;
  return anomaly;
}
