// A failed query, with what was asked of whom and whether asking again could help.

export type PrometheusErrorKind =
  /** Connection refused/reset, DNS, TLS handshake: the request did not get an HTTP answer. */
  | 'network'
  /** No complete answer within the backend's timeout. */
  | 'timeout'
  /** An HTTP status without a Prometheus error body (proxies, gateways, auth). */
  | 'http'
  /** Prometheus answered `status: error`; `errorType` says which (bad_data, execution, timeout…). */
  | 'api'
  /** A body that is not the documented JSON shape. */
  | 'malformed'
  /** The backend's circuit breaker is open; nothing was sent. */
  | 'circuit-open'
  /** The bearer token file could not be read. */
  | 'credentials'
  /** No client is configured under the backend name. */
  | 'unknown-backend';

export interface PrometheusErrorDetails {
  readonly backend: string;
  readonly query: string;
  readonly kind: PrometheusErrorKind;
  readonly retryable: boolean;
  readonly status?: number;
  readonly errorType?: string;
  /** From a Retry-After header, in milliseconds. */
  readonly retryAfterMs?: number;
}

export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
  readonly backend: string;
  readonly query: string;
  readonly kind: PrometheusErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly errorType: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(reason: string, details: PrometheusErrorDetails, options?: { cause?: unknown }) {
    super(describeQueryFailure(details.backend, details.query, reason), options);
    this.backend = details.backend;
    this.query = details.query;
    this.kind = details.kind;
    this.retryable = details.retryable;
    this.status = details.status;
    this.errorType = details.errorType;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 429 and 5xx may succeed later; other statuses will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** `Prometheus backend "<backend>": <reason> (query: <query>)`, the shape of every query error message. */
export function describeQueryFailure(backend: string, query: string, reason: string): string {
  return `Prometheus backend "${backend}": ${reason} (query: ${abbreviate(query)})`;
}

const MAX_QUERY_IN_MESSAGE = 400;

/** Merged queries can be kilobytes long; messages keep their start (the `query` field keeps all). */
function abbreviate(query: string): string {
  return query.length <= MAX_QUERY_IN_MESSAGE
    ? query
    : `${query.slice(0, MAX_QUERY_IN_MESSAGE)}… (${query.length} characters)`;
}
