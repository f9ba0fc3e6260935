// The REST API under /api/v1 (mounted as the External Metrics server's fallback) and its settings.
export { createRestApi } from './api';
export type { RestApi, RestApiDeps } from './api';
export type { ManagedChange } from './context';
export { DEFAULT_REST_SETTINGS, restSettingsFrom, restSettingsSchema, ROLES } from './settings';
export type { RestSettings, Role, TokenRoleRule } from './settings';
export { openApiDocument } from './openapi';
