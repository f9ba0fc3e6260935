import { policyKey } from '../config/policyIdentity';
import type { LabelSelector } from '../k8s';
import { SERVED_METRICS, type PolicySnapshot, type ServedMetric, type Snapshot } from './snapshot';

// The one question every serving protocol asks of the snapshot: which values does a namespace see for
// a metric under a label selector (ARCHITECTURE.md §3, §6)? The answer is the values, or the reason
// there are none; each protocol renders it (External Metrics JSON and Status errors today). Pure: the
// snapshot, the query and the clock come in. Selections are indexed once per snapshot, so a request
// costs a map lookup and a freshness check.

export interface ValueQuery {
  readonly namespace: string;
  /** The metric name as the protocol gives it (External Metrics lower-cases it first). */
  readonly metric: string;
  readonly selector: LabelSelector;
  /** Only policies of this namespace (a KEDA trigger names the policy's namespace); any when absent. */
  readonly policyNamespace?: string;
}

/** One policy's value of the asked-for metric. */
export interface ServedValue {
  readonly policy: PolicySnapshot;
  readonly metric: ServedMetric;
  /** Finite. */
  readonly value: number;
  /** Epoch ms of the decision behind the value. */
  readonly at: number;
}

/**
 * The policies a query selects in one snapshot. The same object answers the same query for as long
 * as the snapshot is current, so renderers may cache what they make of it by identity.
 */
export interface Selection {
  readonly metric: ServedMetric;
  readonly values: readonly ServedValue[];
}

export type LookupFailure =
  /** The metric is not one costscale serves. */
  | { readonly kind: 'unknown-metric'; readonly message: string }
  /** The engine has not published a snapshot yet. */
  | { readonly kind: 'no-snapshot'; readonly message: string }
  /** No policy readable from the namespace matches the selector. */
  | { readonly kind: 'no-policy'; readonly message: string }
  /** A scaling metric's selector matches several policies; `policies` are their keys. */
  | { readonly kind: 'ambiguous'; readonly policies: readonly string[]; readonly message: string }
  /** A selected policy has no servable value: none yet, not finite, or older than the staleness bound. */
  | { readonly kind: 'no-value' | 'not-finite' | 'stale'; readonly policy: string; readonly message: string };

export type LookupResult =
  | { readonly ok: true; readonly selection: Selection }
  | { readonly ok: false; readonly failure: LookupFailure };

interface Candidate {
  readonly policy: PolicySnapshot;
  readonly key: string;
}

interface CachedSelection {
  readonly candidates: readonly Candidate[];
  readonly selection: Selection;
}

interface SnapshotIndex {
  readonly byNamespace: ReadonlyMap<string, readonly Candidate[]>;
  readonly selections: Map<string, CachedSelection>;
}

const SELECTION_CACHE_LIMIT = 4096;
const indexes = new WeakMap<Snapshot, SnapshotIndex>();

const NO_SNAPSHOT: LookupResult = {
  ok: false,
  failure: {
    kind: 'no-snapshot',
    message: 'costscale has not published metrics yet: the engine has not completed its first decision',
  },
};

// A scaler sums the items it gets (the HPA adds every item, external-metrics-api.md §4.3), so these
// metrics must name exactly one policy; the informational ones may list several.
const SCALING_METRICS: ReadonlySet<ServedMetric> = new Set(['costscale_replicas', 'costscale_load']);

export function isServedMetric(metric: string): metric is ServedMetric {
  return (SERVED_METRICS as readonly string[]).includes(metric);
}

export function isScalingMetric(metric: ServedMetric): boolean {
  return SCALING_METRICS.has(metric);
}

/**
 * Values younger than `stalenessMs` are served. If any selected policy has none, the whole answer is
 * a failure, so a scaler holds its replicas instead of acting on partial data.
 */
export function lookup(
  snapshot: Snapshot | undefined,
  query: ValueQuery,
  now: number,
  stalenessMs: number,
): LookupResult {
  const { metric } = query;
  if (!isServedMetric(metric)) {
    return {
      ok: false,
      failure: { kind: 'unknown-metric', message: `costscale serves no metric ${metric}` },
    };
  }
  if (snapshot === undefined) return NO_SNAPSHOT;
  const index = indexFor(snapshot);
  const selectorText = query.selector.toString();
  const key = `${query.namespace}\u0000${metric}\u0000${selectorText}\u0000${query.policyNamespace ?? ''}`;
  let cached = index.selections.get(key);
  if (cached === undefined) {
    cached = select(index, query, metric);
    if (index.selections.size >= SELECTION_CACHE_LIMIT) index.selections.clear();
    index.selections.set(key, cached);
  }
  if (cached.candidates.length === 0) {
    const labels = selectorText === '' ? '' : ` with labels matching ${JSON.stringify(selectorText)}`;
    const owner =
      query.policyNamespace === undefined ? '' : ` of namespace ${JSON.stringify(query.policyNamespace)}`;
    return {
      ok: false,
      failure: {
        kind: 'no-policy',
        message: `no costscale policy${owner} serves namespace ${JSON.stringify(query.namespace)}${labels}`,
      },
    };
  }
  if (cached.candidates.length > 1 && isScalingMetric(metric)) {
    return { ok: false, failure: ambiguous(cached.candidates, query, metric, selectorText) };
  }
  for (const candidate of cached.candidates) {
    const failure = unservable(candidate, metric, now, stalenessMs);
    if (failure !== undefined) return { ok: false, failure };
  }
  return { ok: true, selection: cached.selection };
}

function ambiguous(
  candidates: readonly Candidate[],
  query: ValueQuery,
  metric: ServedMetric,
  selectorText: string,
): LookupFailure {
  const policies = candidates.map((c) => c.key);
  const selected =
    selectorText === '' ? 'no label selector' : `labels matching ${JSON.stringify(selectorText)}`;
  const message =
    `${metric} with ${selected} selects ${policies.length} costscale policies readable from namespace ` +
    `${JSON.stringify(query.namespace)} (${policies.join(', ')}); a scaler would add their values up: ` +
    `select one with policy=NAME`;
  return { kind: 'ambiguous', policies, message };
}

function select(index: SnapshotIndex, query: ValueQuery, metric: ServedMetric): CachedSelection {
  const { selector, policyNamespace } = query;
  const candidates = (index.byNamespace.get(query.namespace) ?? []).filter(
    (c) =>
      (policyNamespace === undefined || c.policy.namespace === policyNamespace) &&
      selector.matches(c.policy.labels),
  );
  const values = candidates.flatMap(({ policy }): ServedValue[] => {
    const value = policy.values?.[metric];
    return value === undefined || policy.valuesAt === undefined || !Number.isFinite(value)
      ? []
      : [{ policy, metric, value, at: policy.valuesAt }];
  });
  return { candidates, selection: { metric, values } };
}

function unservable(
  { policy, key }: Candidate,
  metric: ServedMetric,
  now: number,
  stalenessMs: number,
): LookupFailure | undefined {
  const cause = policy.error ?? 'no newer decision';
  if (policy.valuesAt === undefined || policy.values === undefined) {
    const message = `costscale policy ${key} has no value yet: ${policy.error ?? 'waiting for its first decision'}`;
    return { kind: 'no-value', policy: key, message };
  }
  if (!Number.isFinite(policy.values[metric])) {
    return {
      kind: 'not-finite',
      policy: key,
      message: `costscale policy ${key} has no finite value for ${metric}: ${cause}`,
    };
  }
  const ageMs = now - policy.valuesAt;
  if (ageMs >= stalenessMs) {
    const age = Math.floor(ageMs / 1000);
    const bound = Math.floor(stalenessMs / 1000);
    return {
      kind: 'stale',
      policy: key,
      message: `the last value of costscale policy ${key} is ${age}s old (staleness bound ${bound}s): ${cause}`,
    };
  }
  return undefined;
}

function indexFor(snapshot: Snapshot): SnapshotIndex {
  let index = indexes.get(snapshot);
  if (index === undefined) {
    const byNamespace = new Map<string, Candidate[]>();
    for (const policy of snapshot.policies) {
      const candidate: Candidate = { policy, key: policyKey(policy) };
      // A policy is readable from its own namespace and from the ones it explicitly allows.
      for (const ns of new Set([policy.namespace, ...policy.allowedNamespaces])) {
        const list = byNamespace.get(ns) ?? [];
        list.push(candidate);
        byNamespace.set(ns, list);
      }
    }
    index = { byNamespace, selections: new Map() };
    indexes.set(snapshot, index);
  }
  return index;
}
