import { status } from '@grpc/grpc-js';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { KedaObserver } from '../server/keda';

// The KEDA external scaler's health: calls by method and gRPC code (UNAVAILABLE means KEDA is counting
// towards its fallback; NOT_FOUND and INVALID_ARGUMENT mean a ScaledObject's trigger is wrong), and
// the streams KEDA holds open (external-push).

export function kedaObserver(registry: Registry): KedaObserver {
  const calls = new Counter({
    name: 'costscale_keda_grpc_calls_total',
    help: 'KEDA external scaler calls (streams count when they end) by method and gRPC status code.',
    labelNames: ['method', 'code'],
    registers: [registry],
  });
  const streams = new Gauge({
    name: 'costscale_keda_grpc_open_streams',
    help: 'KEDA external scaler streams open now, by method.',
    labelNames: ['method'],
    registers: [registry],
  });
  for (const method of ['StreamIsActive', 'StreamMetricSpec']) streams.set({ method }, 0);
  return {
    call: (method, code) => calls.inc({ method, code: status[code] }),
    streams: (method, delta) => streams.inc({ method }, delta),
  };
}
