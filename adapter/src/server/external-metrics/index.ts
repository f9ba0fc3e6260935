// The External Metrics API server (external.metrics.k8s.io/v1beta1) and its pure parts.
export { createApiServer } from './server';
export type { ApiServer, ApiServerOptions } from './server';
export type { Readiness } from './health';
export { rfc3339Seconds } from './value-list';
