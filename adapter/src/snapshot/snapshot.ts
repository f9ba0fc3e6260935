import type { BudgetStatus } from '../domain/budget';
import type { Explanation } from '../domain/decide';
import { heldExplanation, type DecisionFacts, type HeldDecision } from '../domain/explainDecision';
import { explainedHeld } from './decisionColumns';
import type { ServedMetric } from './servedMetrics';
import type { SeriesAnomaly } from '../anomaly';
import type { AccuracySummary } from '../forecast/accuracy';
import { policyKey } from '../config/policyIdentity';

// The snapshot is the seam between the engine (which computes) and everything that serves
// (External Metrics API, KEDA, REST, /metrics). The engine publishes a new immutable snapshot each
// tick; servers only read the current one, so no request ever waits on Prometheus.

export { SERVED_METRICS, type ServedMetric } from './servedMetrics';

export interface PolicySnapshot {
  readonly name: string;
  readonly namespace: string;
  /** Labels an HPA selector matches; always includes policy=<name>. */
  readonly labels: Readonly<Record<string, string>>;
  /** Extra namespaces whose HPAs may read this policy. */
  readonly allowedNamespaces: readonly string[];
  /** The workload the policy scales. */
  readonly target?: { readonly kind: string; readonly name: string };
  /** Last good values; absent until the first successful decision. */
  readonly values?: Readonly<Record<ServedMetric, number>>;
  /** Epoch ms when `values` were computed from fresh inputs. */
  readonly valuesAt?: number;
  /** Why the latest tick could not refresh `values` (inputs failed), if it could not. */
  readonly error?: string;
  /**
   * The decision behind `values`: the engine keeps it compact, its explanation rendered on request
   * (`explainedHeld`), its numbers in its tick's columns (decisionColumns.ts); read back from JSON it
   * carries its explanation.
   */
  readonly decision?: HeldDecision;
  /**
   * The latest tick's explanation: why there was no decision, or the decision's (its facts, from which
   * `heldExplanation` renders it).
   */
  readonly explanation?: Explanation | DecisionFacts;
  /** Forecasting state: which distribution decided, why, and the online accuracy. */
  readonly forecast?: PolicyForecast;
  /** The anomaly state of the policy's signals besides demand (demand's is in `forecast`). */
  readonly anomalies?: readonly SignalAnomaly[];
}

/** The anomaly state of one signal of a policy or budget. */
export interface SignalAnomaly extends SeriesAnomaly {
  readonly signal: 'cost-per-hour' | 'latency' | 'budget-spend';
}

export interface PolicyForecast {
  readonly mode: 'forecast' | 'reactive';
  readonly reason: string;
  readonly model?: string;
  readonly fittedAt?: number;
  readonly accuracy?: AccuracySummary;
  /** Demand's anomaly score and episode. */
  readonly anomaly?: SeriesAnomaly;
}

export interface BudgetSnapshot {
  readonly name: string;
  readonly status?: BudgetStatus;
  /** Why the status could not be computed this tick. */
  readonly error?: string;
  /** The anomaly state of the budget's spend rate. */
  readonly anomaly?: SignalAnomaly;
}

export interface Snapshot {
  /** Epoch ms of the tick that produced it. */
  readonly generatedAt: number;
  readonly tick: number;
  readonly policies: readonly PolicySnapshot[];
  readonly budgets?: readonly BudgetSnapshot[];
}

export interface SnapshotSource {
  current(): Snapshot | undefined;
}

/** A source that also tells when a new snapshot is published (for servers that push, like KEDA streams). */
export interface SnapshotFeed extends SnapshotSource {
  /** Calls `listener` after every publish; returns the unsubscribe function. Listeners must not throw. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
}

/** A holder the engine publishes into; servers receive it as a SnapshotSource or SnapshotFeed. */
export class SnapshotHolder implements SnapshotFeed {
  private snapshot: Snapshot | undefined;
  private readonly listeners = new Set<(snapshot: Snapshot) => void>();

  constructor(initial?: Snapshot) {
    this.snapshot = initial === undefined ? undefined : deepFreeze(initial);
  }

  current(): Snapshot | undefined {
    return this.snapshot;
  }

  publish(next: Snapshot): void {
    const snapshot = deepFreeze(next);
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener(snapshot);
  }

  /**
   * Publishes what `next` makes from the served snapshot, in one synchronous step: the holder lets go of
   * the served snapshot and hands it to `next` as a `PreviousSnapshot`, whose entries `next` replaces one
   * at a time as it makes their successors, so the two snapshots are not both alive while it works (issue
   * 16: at 100,000 policies about 120 MiB more live heap through a tick's busiest part). No request is
   * served during a synchronous step, so none finds the holder empty. If `next` throws, the holder
   * publishes the snapshot as `next` left it: each policy's new entry where it was made, its served one
   * elsewhere, every entry whole.
   */
  replace(next: (previous: PreviousSnapshot | undefined) => Snapshot): void {
    const previous = this.handOver();
    let made: Snapshot;
    try {
      made = next(previous);
    } catch (err) {
      if (previous !== undefined) this.publish(previous.asItStands());
      throw err;
    }
    this.publish(made);
  }

  /** The served snapshot as a `PreviousSnapshot`, no longer held here (see `replace`). */
  private handOver(): PreviousSnapshot | undefined {
    const served = this.snapshot;
    this.snapshot = undefined;
    return served && new PreviousSnapshot(served);
  }

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    // A wrapper per subscription, so subscribing the same function twice needs two unsubscribes.
    const entry = (snapshot: Snapshot): void => listener(snapshot);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }
}

/**
 * The snapshot a tick follows, as the tick reads it: each policy's entry by key, and a place for its
 * successor. `succeed` puts the successor in the entry's place, so a tick that makes entries one at a time
 * holds one of each policy's two at a time, not two snapshots. Built from a served snapshot (a copy of its
 * list: the snapshot itself is frozen and unchanged), for a tick that replaces it or a dry run that does not.
 */
export class PreviousSnapshot {
  readonly generatedAt: number;
  readonly tick: number;
  private readonly budgets: Snapshot['budgets'];
  private readonly entries: PolicySnapshot[];
  private readonly slots = new Map<string, number>();

  constructor(served: Snapshot) {
    this.generatedAt = served.generatedAt;
    this.tick = served.tick;
    this.budgets = served.budgets;
    this.entries = served.policies.slice();
    // The first of a key, as a map built from the list would keep the last: a snapshot has one per key.
    for (let i = this.entries.length - 1; i >= 0; i--) this.slots.set(policyKey(this.entries[i]!), i);
  }

  /** The entry of the policy with this key (`namespace/name`): its successor once `succeed` put one. */
  get(key: string): PolicySnapshot | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.entries[slot];
  }

  /** Puts `next` in the place of the policy's entry, which is then no longer held here. */
  succeed(key: string, next: PolicySnapshot): void {
    const slot = this.slots.get(key);
    if (slot !== undefined) this.entries[slot] = next;
  }

  /** Its entries as they stand, in their order. */
  policies(): PolicySnapshot[] {
    return this.entries.slice();
  }

  /** The snapshot as it stands: what a tick that failed part-way publishes (SnapshotHolder.replace). */
  asItStands(): Snapshot {
    return {
      generatedAt: this.generatedAt,
      tick: this.tick,
      policies: this.policies(),
      ...(this.budgets && { budgets: this.budgets }),
    };
  }
}

/** The snapshot's JSON form that keeps decisions compact (snapshot/schema.ts reads both forms). */
export const SNAPSHOT_FORMAT = 2;

/**
 * How a snapshot is written as JSON: `compact` as the engine holds it, each decision's explanation as the
 * facts it is rendered from, for readers that render on read (followers and a restart, from format 2);
 * `rendered` with every explanation written out, as replicas before format 2 read it.
 */
export type SnapshotForm = 'compact' | 'rendered';

/**
 * The snapshot as JSON in `form`. Rendered, what the engine keeps compact is rendered here one entry at a
 * time, so one entry's explanation is alive at a time (a replacer would do the same at twice the time:
 * JSON.stringify calls it for every key).
 */
export function snapshotJson(snapshot: Snapshot, form: SnapshotForm = 'compact'): string {
  const entry = form === 'compact' ? compactEntry : renderedEntry;
  const entries = snapshot.policies.map((p) => JSON.stringify(entry(p)));
  // The entries go where the empty list stands: `policies` follows numbers only, so it is the first one.
  const skeleton = JSON.stringify({
    ...(form === 'compact' && { format: SNAPSHOT_FORMAT }),
    ...snapshot,
    policies: [],
  });
  const at = skeleton.indexOf('"policies":[') + '"policies":['.length;
  return skeleton.slice(0, at) + entries.join(',') + skeleton.slice(at);
}

/**
 * The compact form as NDJSON: the snapshot with no entries on the first line (`snapshotHeadLine`), then
 * one entry a line (`snapshotEntryLine`; JSON.stringify writes no line breaks), so the leader writes it
 * and a follower parses and checks it a slice at a time rather than in one piece (engine/replicationHttp.ts).
 */
export function snapshotLines(snapshot: Snapshot): string {
  return [snapshotHeadLine(snapshot), ...snapshot.policies.map(snapshotEntryLine)].join('\n');
}

export const snapshotHeadLine = (snapshot: Snapshot): string =>
  JSON.stringify({ format: SNAPSHOT_FORMAT, ...snapshot, policies: [] });

export const snapshotEntryLine = (p: PolicySnapshot): string => JSON.stringify(compactEntry(p));

/** An entry as held, without its explanation when that is its decision's facts (read back from there). */
function compactEntry(p: PolicySnapshot): PolicySnapshot {
  if (p.explanation === undefined || p.decision === undefined || !('facts' in p.decision)) return p;
  if (p.explanation !== p.decision.facts) return p;
  const { explanation: _explanation, ...entry } = p;
  return entry;
}

/** An entry with its decision and explanation rendered, each in its own place (JSON keeps key order). */
function renderedEntry(p: PolicySnapshot): PolicySnapshot {
  if (p.decision === undefined && p.explanation === undefined) return p;
  return {
    ...p,
    ...(p.decision !== undefined && { decision: explainedHeld(p.decision) }),
    ...(p.explanation !== undefined && { explanation: heldExplanation(p.explanation) }),
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // Own enumerable values, as Object.values gives them, without its array an object (issue 16: every
    // entry's objects, each tick); a list by index (for-in would make a string of each).
    if (Array.isArray(value)) for (const v of value) deepFreeze(v);
    else {
      const object = value as Record<string, unknown>;
      for (const key in object) if (Object.hasOwn(object, key)) deepFreeze(object[key]);
    }
  }
  return value;
}
