// The adapter package as a library: the pure parts users and tests call directly. The service itself
// starts from `startService` (or the `costscale serve` command).
export * from './k8s';
export * from './hpa';
export * from './simulate';
export * from './forecast';
export * from './domain';
export {
  recommendWorkload,
  type Recommendation,
  type WorkloadInput,
  type WorkloadRecommendations,
} from './recommend';
export { configSchema, policySchema, budgetSchema } from './config/schema';
export type { Config, Policy, Budget, PriceBook } from './config/schema';
export { loadConfigFile, parseConfigText, ConfigError, type ConfigProblem } from './config/load';
export { startService, type Service } from './main';
