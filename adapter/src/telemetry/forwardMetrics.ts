import { Counter, Histogram, type Registry } from 'prom-client';
import type { ForwardObserver } from '../server/forward';

// Forwarding to upstream External Metrics providers (server.forward): what the alert rules
// CostscaleForwardUpstreamErrors and CostscaleForwardDiscoveryFailing read.
export function registerForwardMetrics(registry: Registry): ForwardObserver {
  const requests = new Counter({
    name: 'costscale_forward_requests_total',
    help: 'Requests forwarded to an upstream External Metrics provider, by upstream and status code (error: no answer).',
    labelNames: ['upstream', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'costscale_forward_request_duration_seconds',
    help: 'Time from forwarding a request to the end of the upstream answer.',
    labelNames: ['upstream'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const discovery = new Counter({
    name: 'costscale_forward_discovery_total',
    help: "Fetches of an upstream's discovery document for the resource union, by outcome.",
    labelNames: ['upstream', 'outcome'],
    registers: [registry],
  });
  return {
    // Label children resolved once per upstream (and status code), not per forwarded request.
    upstream: (upstream) => {
      const byCode = new Map<number | 'error', { inc(): void }>();
      const observeDuration = duration.labels({ upstream }).observe;
      const success = discovery.labels({ upstream, outcome: 'success' });
      const failure = discovery.labels({ upstream, outcome: 'failure' });
      return {
        forwarded: (code, seconds) => {
          let counter = byCode.get(code);
          if (counter === undefined) {
            counter = requests.labels({ upstream, code: String(code) });
            byCode.set(code, counter);
          }
          counter.inc();
          observeDuration(seconds);
        },
        discovery: (ok) => (ok ? success : failure).inc(),
      };
    },
  };
}
