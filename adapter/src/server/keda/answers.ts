import { status } from '@grpc/grpc-js';
import { parseLabelSelector, type LabelSelector } from '../../k8s';
import { lookup, type LookupFailure, type ValueQuery } from '../../snapshot/lookup';
import type { Snapshot, ServedMetric } from '../../snapshot/snapshot';

// The KEDA external scaler's answers (KEDA spec §2), rendered from the snapshot lookup like the External
// Metrics API's. Pure: the snapshot, the request and the clock come in; gRPC status codes go out.

/** The wire shapes of externalscaler.proto (proto-loader with keepCase and longs as numbers). */
export interface ScaledObjectRef {
  readonly name: string;
  readonly namespace: string;
  readonly scalerMetadata: Readonly<Record<string, string>>;
}
export interface MetricSpec {
  readonly metricName: string;
  readonly targetSize: number;
  readonly targetSizeFloat: number;
}
export interface MetricValue {
  readonly metricName: string;
  readonly metricValue: number;
  readonly metricValueFloat: number;
}

/** A gRPC error status: KEDA logs `details` and, for GetMetrics, counts it towards `fallback`. */
export interface ScalerError {
  readonly code: status;
  readonly details: string;
}

export type Answer<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ScalerError };

/** What a trigger's metadata selects: one policy and the scaling metric KEDA reads from it. */
export interface Trigger {
  /** `namespace/name` of the policy. */
  readonly policy: string;
  readonly metric: ScalingMetric;
  /** The lookup of `metric`; `activity` is the same for costscale_replicas, whose 0 means inactive. */
  readonly query: ValueQuery;
  readonly activity: ValueQuery;
}

type ScalingMetric = Extract<ServedMetric, 'costscale_replicas' | 'costscale_load'>;
const SCALING_METRICS: readonly ScalingMetric[] = ['costscale_replicas', 'costscale_load'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

// Both metrics are in replica units: with KEDA's default AverageValue target of 1 the HPA it creates
// converges on the decided replica count (desired = ceil(value / 1)), as deploy/examples/hpa.yaml does.
const TARGET = 1;

// One parsed selector per policy name, so a call costs a map lookup (bounded: names come from callers).
const SELECTOR_CACHE_LIMIT = 4096;
const selectors = new Map<string, LabelSelector>();

function invalid(details: string): { ok: false; error: ScalerError } {
  return { ok: false, error: { code: status.INVALID_ARGUMENT, details } };
}

/**
 * Reads the trigger metadata: `policy` (required), `namespace` (the policy's; default the
 * ScaledObject's) and `metric` (default costscale_replicas). The ScaledObject's namespace reads the
 * policy under the same rule as an HPA's (the policy's namespace or one it allows).
 */
export function parseTrigger(ref: ScaledObjectRef | null | undefined): Answer<Trigger> {
  const metadata = ref?.scalerMetadata ?? {};
  const name = metadata.policy;
  if (name === undefined || name === '') {
    return invalid(
      'trigger metadata needs policy: the name of a costscale policy (and namespace: its namespace)',
    );
  }
  if (!DNS_LABEL.test(name))
    return invalid(`trigger metadata policy ${JSON.stringify(name)} is not a policy name (a DNS label)`);
  const policyNamespace = metadata.namespace || ref?.namespace || '';
  if (policyNamespace === '') {
    return invalid(`trigger metadata needs namespace: the namespace of costscale policy ${name}`);
  }
  const metric = metadata.metric || 'costscale_replicas';
  if (!(SCALING_METRICS as readonly string[]).includes(metric)) {
    return invalid(
      `trigger metadata metric ${JSON.stringify(metric)} is not a scaling metric: use costscale_replicas (default) or costscale_load`,
    );
  }
  let selector = selectors.get(name);
  if (selector === undefined) {
    selector = parseLabelSelector(`policy=${name}`);
    if (selectors.size >= SELECTOR_CACHE_LIMIT) selectors.clear();
    selectors.set(name, selector);
  }
  const base = { namespace: ref?.namespace || policyNamespace, selector, policyNamespace };
  return {
    ok: true,
    value: {
      policy: `${policyNamespace}/${name}`,
      metric: metric as ScalingMetric,
      query: { ...base, metric },
      activity: { ...base, metric: 'costscale_replicas' },
    },
  };
}

/** NOT_FOUND for a policy that is not there; UNAVAILABLE for a value that cannot be served now. */
export function scalerError(failure: LookupFailure): ScalerError {
  switch (failure.kind) {
    case 'no-policy':
      return { code: status.NOT_FOUND, details: failure.message };
    case 'unknown-metric':
    case 'ambiguous':
      return { code: status.INVALID_ARGUMENT, details: failure.message };
    default:
      // Like the External Metrics API's 503: KEDA counts the error towards the ScaledObject's fallback.
      return { code: status.UNAVAILABLE, details: failure.message };
  }
}

/** The one value a trigger selects, or why there is none. */
export function triggerValue(
  snapshot: Snapshot | undefined,
  query: ValueQuery,
  now: number,
  stalenessMs: number,
): Answer<number> {
  const result = lookup(snapshot, query, now, stalenessMs);
  if (!result.ok) return { ok: false, error: scalerError(result.failure) };
  const [value] = result.selection.values;
  // A selection without a value fails in lookup (no-value, not-finite), so this is a broken invariant.
  if (value === undefined) return { ok: false, error: { code: status.INTERNAL, details: 'empty selection' } };
  return { ok: true, value: value.value };
}

/** IsActive: a decision of 0 replicas (an idle workload whose replicas.min allows 0) is inactive. */
export function isActive(
  snapshot: Snapshot | undefined,
  trigger: Trigger,
  now: number,
  stalenessMs: number,
): Answer<boolean> {
  const replicas = triggerValue(snapshot, trigger.activity, now, stalenessMs);
  return replicas.ok ? { ok: true, value: replicas.value > 0 } : replicas;
}

/**
 * GetMetricSpec: stable for a trigger (KEDA requires StreamMetricSpec and GetMetricSpec to agree). A
 * policy missing from the current snapshot is NOT_FOUND; before the first snapshot the spec is given,
 * since it does not depend on values.
 */
export function metricSpecs(snapshot: Snapshot | undefined, trigger: Trigger): Answer<MetricSpec[]> {
  if (snapshot !== undefined) {
    const result = lookup(snapshot, trigger.query, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    if (!result.ok && (result.failure.kind === 'no-policy' || result.failure.kind === 'ambiguous')) {
      return { ok: false, error: scalerError(result.failure) };
    }
  }
  return { ok: true, value: [{ metricName: trigger.metric, targetSize: TARGET, targetSizeFloat: TARGET }] };
}

/**
 * GetMetrics: the value under the name KEDA asks for (its spec's name). The deprecated int64 field is
 * rounded up, so a KEDA older than 2.17, which reads only it, never scales below the decision.
 */
export function metricValues(
  snapshot: Snapshot | undefined,
  trigger: Trigger,
  metricName: string,
  now: number,
  stalenessMs: number,
): Answer<MetricValue[]> {
  const value = triggerValue(snapshot, trigger.query, now, stalenessMs);
  if (!value.ok) return value;
  return {
    ok: true,
    value: [
      {
        metricName: metricName || trigger.metric,
        metricValue: Math.ceil(value.value),
        metricValueFloat: value.value,
      },
    ],
  };
}
