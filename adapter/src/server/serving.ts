import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema';
import type { Logger } from '../log';
import { registerForwardMetrics } from '../telemetry/forwardMetrics';
import type { ApiAuthOptions } from './auth';
import type { CertificateAuthority } from './tls';
import { answerClientErrors, applyConnectionLimits, type ConnectionLimits } from './connections';
import { createApiServer, type ApiServer } from './external-metrics';
import { createForwarder, type Forwarder } from './forward';
import { close, createMetricsServer, listen } from './metricsServer';
import { createRestApi, type RestApiDeps } from './rest';

// The service's two listeners as lifecycle parts: HTTPS (the External Metrics API, with the REST API
// as its fallback and server.forward's upstreams for metric names it does not own) and plain HTTP
// (/metrics and health probes).

export interface ServingDeps {
  /** The configuration at start (listen addresses, TLS and staleness are not reloaded). */
  readonly initial: Config;
  readonly auth: ApiAuthOptions;
  /** The shared CA that signs a generated serving certificate (server.tls.publishCA). */
  readonly issuer?: CertificateAuthority;
  readonly rest: Omit<RestApiDeps, 'logger'>;
  readonly registry: Registry;
  /** Ready once the engine has published its first snapshot (a follower: while it follows a fresh one). */
  readonly ready: () => boolean;
  /** Answers some paths ahead of the REST API (the leader's snapshot endpoint); false passes them on. */
  readonly internal?: (req: IncomingMessage, res: ServerResponse) => boolean;
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
  const forward: Forwarder | undefined =
    initial.server.forward.length === 0
      ? undefined
      : createForwarder(initial.server.forward, { logger, observer: registerForwardMetrics(deps.registry) });
  const rest = createRestApi({ ...deps.rest, logger });
  const internal = deps.internal;
  const apiServer = await createApiServer({
    ...(forward !== undefined && { forward }),
    snapshot: deps.rest.snapshot,
    tls: { ...initial.server.tls, ...(deps.issuer !== undefined && { issuer: deps.issuer }) },
    auth: deps.auth,
    readiness: () => ({ ready: deps.ready(), checks: { config: true, 'first-tick': deps.ready() } }),
    fallback:
      internal === undefined
        ? rest
        : (req, res) => {
            if (!internal(req, res)) rest(req, res);
          },
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
  const closeApi = (): Promise<void> => (apiClosed ??= apiServer.close().finally(() => forward?.close()));
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
