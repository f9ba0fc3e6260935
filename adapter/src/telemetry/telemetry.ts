import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PrometheusObserver } from '../sources';

/** The service's own Prometheus metrics (names follow Prometheus conventions: base units, _total). */
export function createTelemetry() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'costscale_process_' });
  const tickDuration = new Histogram({
    name: 'costscale_engine_tick_duration_seconds',
    help: 'Duration of an engine tick (gather, decide, publish).',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    labelNames: ['outcome'],
    registers: [registry],
  });
  const configReloads = new Counter({
    name: 'costscale_config_reloads_total',
    help: 'Configuration reloads by outcome (failure keeps the last good configuration).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const queries = new Counter({
    name: 'costscale_prometheus_queries_total',
    help: 'PromQL query calls by backend, endpoint, outcome and what served them (backend, cache, in-flight).',
    labelNames: ['backend', 'endpoint', 'outcome', 'served_by'],
    registers: [registry],
  });
  const emptyResults = new Counter({
    name: 'costscale_prometheus_empty_results_total',
    help: 'Successful PromQL queries that returned no series.',
    labelNames: ['backend', 'endpoint'],
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'costscale_prometheus_request_duration_seconds',
    help: 'HTTP requests to Prometheus backends (every attempt), by outcome.',
    labelNames: ['backend', 'endpoint', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const circuitOpen = new Gauge({
    name: 'costscale_prometheus_circuit_open',
    help: '1 while the circuit breaker of a backend is open or half-open.',
    labelNames: ['backend'],
    registers: [registry],
  });
  const prometheusObserver: PrometheusObserver = {
    request: (e) =>
      requestDuration.observe(
        { backend: e.backend, endpoint: e.endpoint, outcome: e.outcome },
        e.durationSeconds,
      ),
    query: (e) => {
      queries.inc({ backend: e.backend, endpoint: e.endpoint, outcome: e.outcome, served_by: e.servedBy });
      if (e.outcome === 'success' && e.series === 0)
        emptyResults.inc({ backend: e.backend, endpoint: e.endpoint });
    },
    circuitStateChanged: (backend, state) => circuitOpen.set({ backend }, state === 'closed' ? 0 : 1),
  };
  const observeTick = (seconds: number, ok: boolean): void =>
    tickDuration.observe({ outcome: ok ? 'success' : 'failure' }, seconds);
  return { registry, observeTick, configReloads, prometheusObserver };
}

/** A gauge whose value is read at scrape time, so no tick work is spent on it. */
export function gaugeFrom(registry: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** A counter kept elsewhere (monotonic), read at scrape time. */
export function counterFrom(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
