// ExternalMetricValueList responses (external-metrics-api.md §1.8, §5; ARCHITECTURE.md §3, §6) rendered
// from the snapshot lookup's answer. Pure. A selection's body is rendered once and kept for as long as
// the lookup returns that selection (the snapshot's lifetime), so a request costs the lookup alone.

import { formatQuantity } from '../../k8s';
import type { LookupResult, Selection, ServedValue } from '../../snapshot/lookup';
import { EXTERNAL_METRICS_GROUP_VERSION } from './discovery';
import type { StatusError } from './status';
import { badRequest, metricNotFound, noMatchingPolicy, serviceUnavailable } from './status';

export interface ValueListResponse {
  readonly code: number;
  readonly body: string;
}

const bodies = new WeakMap<Selection, string>();

/**
 * The response for a lookup of `metric` (the name as the request spelled it; the lookup was asked for
 * it lower-cased). A selector that picks
 * no policy in the namespace is 404 NotFound naming both: the HPA holds on any error, and this message
 * reaches `kubectl describe hpa`, unlike an empty list's generic "no metrics returned from external
 * metrics API" (§5 item 2). A missing or stale value is 503, so the HPA keeps its replicas (§5 items
 * 1 and 5). A selector that picks several policies for a scaling metric is 400 BadRequest: the HPA
 * would scale to their sum, the fix is in the HPA's selector, and retrying cannot help. Kubernetes
 * answers list options it cannot serve with 400 (as for a bad selector, §1.9); 422 Invalid is for
 * objects a write submits, 409 Conflict for versions; client-go retries none of them (§1.3).
 */
export function valueListResponse(result: LookupResult, metric: string): ValueListResponse | StatusError {
  if (!result.ok) {
    const { failure } = result;
    switch (failure.kind) {
      case 'unknown-metric':
        return metricNotFound(metric);
      case 'no-policy':
        return noMatchingPolicy(metric.toLowerCase(), failure.message);
      case 'ambiguous':
        return badRequest(failure.message);
      default:
        return serviceUnavailable(failure.message);
    }
  }
  let body = bodies.get(result.selection);
  if (body === undefined) {
    body = `{"kind":"ExternalMetricValueList","apiVersion":"${EXTERNAL_METRICS_GROUP_VERSION}","metadata":{},"items":[${result.selection.values.map(renderItem).join(',')}]}\n`;
    bodies.set(result.selection, body);
  }
  return { code: 200, body };
}

// §1.8 field order: metricName, metricLabels, timestamp, (window), value.
function renderItem({ policy, metric, value, at }: ServedValue): string {
  return `{"metricName":"${metric}","metricLabels":${sortedLabelsJson(policy.labels)},"timestamp":"${rfc3339Seconds(at)}","value":"${formatQuantity(value)}"}`;
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
