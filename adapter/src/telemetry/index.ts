// The service's own metrics: engine, config reloads and Prometheus clients (telemetry.ts), per-policy
// and per-budget series from the snapshot (snapshotMetrics.ts), the decision store (storeMetrics.ts),
// the KEDA external scaler (kedaMetrics.ts), forwarding to upstream External Metrics providers
// (forwardMetrics.ts).
export { createTelemetry } from './telemetry';
export { kedaObserver } from './kedaMetrics';
export { registerSnapshotMetrics } from './snapshotMetrics';
export { registerDecisionSinkMetrics } from './storeMetrics';
export { registerForwardMetrics } from './forwardMetrics';
