import type { KedaGrpcSettings } from '../../config/kedaSettings';
import type { Config } from '../../config/schema';
import type { Runnable } from '../../lifecycle';
import type { Logger } from '../../log';
import type { SnapshotFeed } from '../../snapshot/snapshot';
import { createKedaScaler, type KedaObserver, type KedaScaler } from './server';

export interface KedaScalerPart extends Runnable {
  /** The bound port once started. */
  port(): number | undefined;
}

/** The scaler as a lifecycle part, or undefined when `server.keda.grpc.enabled` is false. */
export function kedaScalerPart(deps: {
  readonly settings: KedaGrpcSettings;
  /** server.host, the default listen address. */
  readonly host: string;
  readonly snapshot: SnapshotFeed;
  readonly stalenessMs: number;
  readonly observer: KedaObserver;
  readonly logger: Logger;
}): KedaScalerPart | undefined {
  const { settings, logger } = deps;
  if (!settings.enabled) return undefined;
  const host = settings.host ?? deps.host;
  let scaler: KedaScaler | undefined;
  let port: number | undefined;
  return {
    name: 'keda-grpc',
    port: () => port,
    async start() {
      scaler = await createKedaScaler({ ...deps, settings });
      port = await scaler.listen(settings.port, host);
      const tls =
        settings.tls === undefined ? 'off' : settings.tls.clientCAFile === undefined ? 'on' : 'mutual';
      logger.info({ port, host, tls }, 'KEDA external scaler listening (gRPC)');
    },
    stop: () => scaler?.close(),
  };
}

/** The part for `server.keda.grpc`, listening on `server.host` unless it names its own host. */
export function kedaScalerFromConfig(
  config: Config,
  snapshot: SnapshotFeed,
  observer: KedaObserver,
  logger: Logger,
): KedaScalerPart | undefined {
  return kedaScalerPart({
    settings: config.server.keda.grpc,
    host: config.server.host,
    snapshot,
    stalenessMs: config.engine.stalenessSeconds * 1000,
    observer,
    logger,
  });
}
