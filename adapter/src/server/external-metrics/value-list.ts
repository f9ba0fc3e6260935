// ExternalMetricValueList responses from the engine's snapshot (external-metrics-api.md §1.8, §5;
// ARCHITECTURE.md §3, §6). Pure: the snapshot, the request and the clock come in, status and body go out.
// Item JSON is rendered once per snapshot and response bodies are cached per (namespace, metric,
// selector) for the snapshot's lifetime, so a request costs a map lookup and a freshness check.

import type { LabelSelector } from '../../k8s';
import { formatQuantity } from '../../k8s';
import type { PolicySnapshot, ServedMetric, Snapshot } from '../../engine/snapshot';
import { SERVED_METRICS } from '../../engine/snapshot';
import { EXTERNAL_METRICS_GROUP_VERSION } from './discovery';
import type { StatusError } from './status';
import { noMatchingPolicy, serviceUnavailable } from './status';

export interface ValueListQuery {
  readonly namespace: string;
  /** One of SERVED_METRICS (the caller lower-cases the path segment). */
  readonly metric: ServedMetric;
  readonly selector: LabelSelector;
}

export interface ValueListResponse {
  readonly code: number;
  readonly body: string;
}

interface ServedPolicy {
  readonly policy: PolicySnapshot;
  /** Rendered ExternalMetricValue JSON per metric; absent when the policy has no finite value for it. */
  readonly items: ReadonlyMap<ServedMetric, string>;
}

interface Selection {
  readonly policies: readonly ServedPolicy[];
  /** The 200 body for when every selected policy is fresh. */
  readonly body: string;
}

interface SnapshotIndex {
  readonly byNamespace: ReadonlyMap<string, readonly ServedPolicy[]>;
  readonly selections: Map<string, Selection>;
}

const SELECTION_CACHE_LIMIT = 4096;
const indexes = new WeakMap<Snapshot, SnapshotIndex>();

const NO_SNAPSHOT = serviceUnavailable(
  'costscale has not published metrics yet: the engine has not completed its first decision',
);

/**
 * The value list for one request. Values younger than `stalenessMs` are served; if any selected policy
 * has none, the answer is 503 so the HPA keeps its replicas (§5 items 1 and 5) instead of acting on
 * partial data. A selector that picks no policy in the namespace is 404 NotFound naming both: the HPA
 * holds on any error, and this message reaches `kubectl describe hpa`, unlike an empty list's generic
 * "no metrics returned from external metrics API" (§5 item 2).
 */
export function valueListResponse(
  snapshot: Snapshot | undefined,
  query: ValueListQuery,
  now: number,
  stalenessMs: number,
): ValueListResponse | StatusError {
  if (snapshot === undefined) return NO_SNAPSHOT;
  const index = indexFor(snapshot);
  const selectorText = query.selector.toString();
  const key = `${query.namespace}\u0000${query.metric}\u0000${selectorText}`;
  let selection = index.selections.get(key);
  if (selection === undefined) {
    selection = select(index, query);
    if (index.selections.size >= SELECTION_CACHE_LIMIT) index.selections.clear();
    index.selections.set(key, selection);
  }
  if (selection.policies.length === 0) {
    const labels = selectorText === '' ? '' : ` with labels matching ${JSON.stringify(selectorText)}`;
    return noMatchingPolicy(
      query.metric,
      `no costscale policy serves namespace ${JSON.stringify(query.namespace)}${labels}`,
    );
  }
  for (const served of selection.policies) {
    const stale = stalenessProblem(served, query.metric, now, stalenessMs);
    if (stale !== undefined) return serviceUnavailable(stale);
  }
  return { code: 200, body: selection.body };
}

function select(index: SnapshotIndex, query: ValueListQuery): Selection {
  const policies = (index.byNamespace.get(query.namespace) ?? []).filter((p) =>
    query.selector.matches(p.policy.labels),
  );
  const items = policies.flatMap((p) => p.items.get(query.metric) ?? []);
  return {
    policies,
    body: `{"kind":"ExternalMetricValueList","apiVersion":"${EXTERNAL_METRICS_GROUP_VERSION}","metadata":{},"items":[${items.join(',')}]}\n`,
  };
}

function stalenessProblem(
  served: ServedPolicy,
  metric: ServedMetric,
  now: number,
  stalenessMs: number,
): string | undefined {
  const { policy } = served;
  const name = `${policy.namespace}/${policy.name}`;
  const cause = policy.error ?? 'no newer decision';
  if (policy.valuesAt === undefined || policy.values === undefined) {
    return `costscale policy ${name} has no value yet: ${policy.error ?? 'waiting for its first decision'}`;
  }
  if (!served.items.has(metric)) {
    return `costscale policy ${name} has no finite value for ${metric}: ${cause}`;
  }
  const ageMs = now - policy.valuesAt;
  if (ageMs >= stalenessMs) {
    const age = Math.floor(ageMs / 1000);
    const bound = Math.floor(stalenessMs / 1000);
    return `the last value of costscale policy ${name} is ${age}s old (staleness bound ${bound}s): ${cause}`;
  }
  return undefined;
}

function indexFor(snapshot: Snapshot): SnapshotIndex {
  let index = indexes.get(snapshot);
  if (index === undefined) {
    const byNamespace = new Map<string, ServedPolicy[]>();
    for (const policy of snapshot.policies) {
      const served: ServedPolicy = { policy, items: renderItems(policy) };
      // A policy is readable from its own namespace and from the ones it explicitly allows.
      for (const ns of new Set([policy.namespace, ...policy.allowedNamespaces])) {
        const list = byNamespace.get(ns) ?? [];
        list.push(served);
        byNamespace.set(ns, list);
      }
    }
    index = { byNamespace, selections: new Map() };
    indexes.set(snapshot, index);
  }
  return index;
}

function renderItems(policy: PolicySnapshot): Map<ServedMetric, string> {
  const items = new Map<ServedMetric, string>();
  if (policy.values === undefined || policy.valuesAt === undefined) return items;
  const labels = sortedLabelsJson(policy.labels);
  const timestamp = rfc3339Seconds(policy.valuesAt);
  for (const metric of SERVED_METRICS) {
    const value = policy.values[metric];
    if (!Number.isFinite(value)) continue;
    // §1.8 field order: metricName, metricLabels, timestamp, (window), value.
    items.set(
      metric,
      `{"metricName":"${metric}","metricLabels":${labels},"timestamp":"${timestamp}","value":"${formatQuantity(value)}"}`,
    );
  }
  return items;
}

/** Go marshals map keys sorted. */
function sortedLabelsJson(labels: Readonly<Record<string, string>>): string {
  const members = Object.keys(labels)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(labels[key])}`);
  return `{${members.join(',')}}`;
}

/** metav1.Time: UTC, RFC 3339, whole seconds (§1.8). */
export function rfc3339Seconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
