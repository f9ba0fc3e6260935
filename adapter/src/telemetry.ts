import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
  return { registry, tickDuration, configReloads };
}

export type Telemetry = ReturnType<typeof createTelemetry>;

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
