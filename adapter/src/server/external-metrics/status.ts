// metav1.Status error bodies (external-metrics-api.md §1.9; apimachinery pkg/api/errors/errors.go and
// apiserver pkg/endpoints/handlers/responsewriters). Field order follows the Go struct so bodies are
// byte-identical to a Go apiserver's (kind, apiVersion, metadata, status, message, reason, details, code).

import { EXTERNAL_METRICS_GROUP } from './discovery';

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly causes?: ReadonlyArray<{
    readonly reason?: string;
    readonly message?: string;
    readonly field?: string;
  }>;
  readonly retryAfterSeconds?: number;
}

export interface StatusError {
  readonly code: number;
  /** JSON text including Go's trailing newline. */
  readonly body: string;
}

export function statusError(
  code: number,
  message: string,
  reason?: string,
  details?: StatusDetails,
): StatusError {
  const fields = [
    '"kind":"Status"',
    '"apiVersion":"v1"',
    '"metadata":{}',
    '"status":"Failure"',
    `"message":${JSON.stringify(message)}`,
  ];
  if (reason) fields.push(`"reason":${JSON.stringify(reason)}`);
  if (details) fields.push(`"details":${detailsJson(details)}`);
  fields.push(`"code":${code}`);
  return { code, body: `{${fields.join(',')}}\n` };
}

function detailsJson(d: StatusDetails): string {
  // StatusDetails fields are all omitempty, in Go struct order.
  const out: Record<string, unknown> = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.causes && d.causes.length > 0) out.causes = d.causes;
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return JSON.stringify(out);
}

/** What kube-apiserver answers for a path nothing serves (NewGenericServerResponse 404). */
export const PATH_NOT_FOUND = statusError(
  404,
  'the server could not find the requested resource',
  'NotFound',
  {},
);

/** go-restful's 405 through the apiserver's serviceErrorHandler (apiserver pkg/server/handler.go). */
export const METHOD_NOT_ALLOWED = statusError(
  405,
  'the server does not allow this method on the requested resource',
  'MethodNotAllowed',
  {},
);

/** apiserver negotiation errNotAcceptable: only JSON is spoken here (§1.3). */
export const NOT_ACCEPTABLE = statusError(
  406,
  'only the following media types are accepted: application/json',
  'NotAcceptable',
);

export const UNAUTHORIZED = statusError(401, 'Unauthorized', 'Unauthorized');

/** custom-metrics-apiserver provider.NewMetricNotFoundError (§1.9). */
export function metricNotFound(metric: string): StatusError {
  return statusError(
    404,
    `the server could not find the metric ${metric} for ${metric}.${EXTERNAL_METRICS_GROUP}`,
    'NotFound',
  );
}

/** NotFound for a metric whose selector picks nothing; details as apierrors.NewNotFound sets them. */
export function noMatchingPolicy(metric: string, message: string): StatusError {
  return statusError(404, message, 'NotFound', { group: EXTERNAL_METRICS_GROUP, kind: metric });
}

export function badRequest(message: string): StatusError {
  return statusError(400, message, 'BadRequest');
}

export function serviceUnavailable(message: string): StatusError {
  return statusError(503, message, 'ServiceUnavailable');
}

export function internalError(message: string): StatusError {
  return statusError(500, `Internal error occurred: ${message}`, 'InternalError', { causes: [{ message }] });
}

export interface ForbiddenAttributes {
  readonly user: string;
  readonly verb: string;
  readonly path: string;
  readonly resourceRequest: boolean;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
}

/** responsewriters.ForbiddenStatusError + apierrors.NewForbidden (§1.9). */
export function forbidden(a: ForbiddenAttributes, reason: string): StatusError {
  let text: string;
  if (!a.resourceRequest) {
    text = `User ${goQuote(a.user)} cannot ${a.verb} path ${goQuote(a.path)}`;
  } else {
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const scope = a.namespace ? `in the namespace ${goQuote(a.namespace)}` : 'at the cluster scope';
    text = `User ${goQuote(a.user)} cannot ${a.verb} resource ${goQuote(resource)} in API group ${goQuote(a.apiGroup)} ${scope}`;
  }
  if (reason) text += `: ${reason}`;
  text = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (!a.resourceRequest) return statusError(403, `forbidden: ${text}`, 'Forbidden', {});
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const subject = a.name ? `${qualified} ${goQuote(a.name)}` : qualified;
  return statusError(403, `${subject} is forbidden: ${text}`, 'Forbidden', {
    name: a.name,
    group: a.apiGroup,
    kind: a.resource,
  });
}

/** Go's %q for the printable strings that appear in these messages. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
