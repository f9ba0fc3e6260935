// Forwarding of metric names costscale does not own to other External Metrics providers: pure matching
// (match.ts) and identity headers (identity.ts), the I/O in forwarder.ts.
export { createForwarder } from './forwarder';
export type { ForwardObserver, Forwarder } from './forwarder';
export { unionOfResources } from './match';
