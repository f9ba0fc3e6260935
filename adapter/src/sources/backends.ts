import type { Config } from '../config/schema';
import type { Backends } from './executePlan';
import { PrometheusClient, type PrometheusObserver } from './prometheusClient';

/** One client per configured backend; the observer feeds the costscale_prometheus_* metrics. */
export function createBackends(config: Config, observer: PrometheusObserver): Backends {
  return new Map(
    Object.entries(config.prometheus).map(([name, backend]) => [
      name,
      new PrometheusClient({
        name,
        backend,
        observer,
        // A half-open probe every tick: recovery within one tick of the backend's return (ARCHITECTURE.md §6).
        circuitBreaker: { failureThreshold: 5, coolDownMs: config.engine.intervalSeconds * 1000 },
      }),
    ]),
  );
}

/**
 * The clients of the current configuration: rebuilt when a reload changes the backends or the engine
 * settings (the breaker's cool-down follows the tick interval), kept otherwise with their caches.
 */
export function liveBackends(
  config: { current(): Config; onChange(listener: (next: Config, previous: Config) => void): void },
  observer: PrometheusObserver,
): () => Backends {
  let backends = createBackends(config.current(), observer);
  config.onChange((next, previous) => {
    if (
      JSON.stringify([next.prometheus, next.engine]) !==
      JSON.stringify([previous.prometheus, previous.engine])
    )
      backends = createBackends(next, observer);
  });
  return () => backends;
}
