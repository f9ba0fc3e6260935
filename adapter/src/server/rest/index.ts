// The REST API under /api/v1 (mounted as the External Metrics server's fallback); its settings and roles
// are the configuration's (config/restSettings.ts, config/roles.ts).
export { createRestApi } from './api';
export type { RestApi, RestApiDeps } from './api';
export type { ManagedChange } from './context';
export { openApiDocument } from './openapi';
