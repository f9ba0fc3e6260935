import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema';
import type { Logger } from '../log';
import type { ApiAuthOptions } from './auth';
import { answerClientErrors, applyConnectionLimits, type ConnectionLimits } from './connections';
import { createApiServer, type ApiServer } from './external-metrics';
import { close, createMetricsServer, listen } from './metricsServer';
import { createRestApi, type RestApiDeps } from './rest';

// The service's two listeners as lifecycle parts: HTTPS (the External Metrics API, with the REST API
// as its fallback) and plain HTTP (/metrics and health probes).

export interface ServingDeps {
  /** The configuration at start (listen addresses, TLS and staleness are not reloaded). */
  readonly initial: Config;
  readonly auth: ApiAuthOptions;
  readonly rest: Omit<RestApiDeps, 'logger'>;
  readonly registry: Registry;
  /** Ready once the engine has published its first snapshot. */
  readonly ready: () => boolean;
  readonly logger: Logger;
}

export interface Serving {
  readonly apiServer: ApiServer;
  readonly metricsServer: Server;
  /** The HTTPS port bound once started. */
  apiPort(): number;
  /** Listens on the metrics port, then on the API port; stops in reverse, waiting for open requests. */
  readonly listeners: { readonly name: string; start(): Promise<void>; stop(): Promise<void> };
  /** Fails /readyz at once on stop, so endpoints stop routing here while the other parts wind down. */
  readonly readiness: { readonly name: string; stop(): void };
}

export async function createServing(deps: ServingDeps): Promise<Serving> {
  const { initial, logger } = deps;
  const { host, port, metricsPort } = initial.server;
  const apiServer = await createApiServer({
    snapshot: deps.rest.snapshot,
    tls: initial.server.tls,
    auth: deps.auth,
    readiness: () => ({ ready: deps.ready(), checks: { config: true, 'first-tick': deps.ready() } }),
    fallback: createRestApi({ ...deps.rest, logger }),
    stalenessMs: initial.engine.stalenessSeconds * 1000,
    logger,
  });
  const metricsServer = createMetricsServer(deps.registry, (req, res) => apiServer.handleHealth(req, res));
  const limits = connectionLimits(initial.server.connections);
  for (const server of [apiServer.server, metricsServer]) {
    applyConnectionLimits(server, limits);
    answerClientErrors(server, logger);
  }
  let apiPort = 0;
  let apiClosed: Promise<void> | undefined;
  const closeApi = (): Promise<void> => (apiClosed ??= apiServer.close());
  return {
    apiServer,
    metricsServer,
    apiPort: () => apiPort,
    listeners: {
      name: 'listeners',
      async start() {
        logger.info(
          { port: await listen(metricsServer, metricsPort, host), host },
          'metrics and health listening',
        );
        apiPort = (await apiServer.listen(port, host)).port;
        logger.info({ port: apiPort, host }, 'External Metrics API and REST API listening (HTTPS)');
      },
      async stop() {
        await closeApi();
        await close(metricsServer);
      },
    },
    readiness: { name: 'readiness', stop: () => void closeApi() },
  };
}

export function connectionLimits(c: Config['server']['connections']): ConnectionLimits {
  return {
    headersTimeoutMs: c.headersTimeoutSeconds * 1000,
    requestTimeoutMs: c.requestTimeoutSeconds * 1000,
    keepAliveTimeoutMs: c.keepAliveTimeoutSeconds * 1000,
    maxHeadersCount: c.maxHeadersCount,
    maxConnections: c.maxConnections,
  };
}
