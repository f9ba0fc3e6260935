// The HTTPS aggregated API server for external.metrics.k8s.io/v1beta1 (external-metrics-api.md §1, §2).
// Request order follows a Go apiserver's filter chain: authenticate (401) → authorize (403) → route
// (404/405) → negotiate (406) → answer. Paths this server does not own go to `fallback` untouched;
// value lists of metric names it does not own go to a configured upstream provider (`forward`), and
// discovery then lists the union of resources.

import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { isServedMetric, lookup } from '../../snapshot/lookup';
import { SERVED_METRICS, type SnapshotSource } from '../../snapshot/snapshot';
import type { LabelSelector } from '../../k8s';
import { parseLabelSelector } from '../../k8s';
import type {
  ApiAuthOptions,
  AuthorizationDecision,
  Authentication,
  DelegatedAuth,
  RequestAttributes,
  UserInfo,
} from '../auth';
import { createDelegatedAuth } from '../auth';
import { unionOfResources, type Forwarder } from '../forward';
import type { ServingTlsOptions } from '../tls';
import { loadServingCertificate } from '../tls';
import { acceptsJson, negotiateDiscovery } from './accept';
import type { AggregatedDiscoveryVersion, AggregatedDocument } from './discovery';
import {
  AGGREGATED_DISCOVERY,
  aggregatedDocument,
  API_GROUP,
  API_GROUP_LIST,
  API_RESOURCE_LIST,
  apiResourceList,
} from './discovery';
import type { HealthEndpoint, Readiness } from './health';
import { HEALTH_HEADERS, healthChecks, healthResponse } from './health';
import type { RequestInfo } from './request-info';
import { ownsPath, requestInfo } from './request-info';
import type { StatusError } from './status';
import {
  badRequest,
  forbidden,
  internalError,
  METHOD_NOT_ALLOWED,
  NOT_ACCEPTABLE,
  PATH_NOT_FOUND,
  UNAUTHORIZED,
} from './status';
import { valueListResponse } from './value-list';

export interface ApiServerOptions {
  /** The engine's snapshots; values are served from the current one only. */
  readonly snapshot: SnapshotSource;
  readonly tls: ServingTlsOptions;
  readonly auth: ApiAuthOptions;
  /** Checks reported by /readyz (default: always ready). */
  readonly readiness?: () => Readiness;
  /** Receives every request outside /apis, /openapi and the health paths (default: 404 Status). */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Upstream providers for the metric names costscale does not own (server.forward). */
  readonly forward?: Forwarder;
  /** Values older than this are not served (ARCHITECTURE.md §6; default 120 000 ms). */
  readonly stalenessMs?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
}

export interface ApiServer {
  readonly server: https.Server;
  /** PEM of the CA of a generated serving certificate (for an APIService caBundle), if one was generated. */
  readonly servingCA: string | undefined;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Answers /healthz, /livez and /readyz on another server (the plain-HTTP port); false for other paths. */
  handleHealth(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * Fails /readyz (`shutdown`) at once, keeps serving for `delayMs` (default 0) so endpoints and the
   * aggregator stop routing here, then stops accepting connections and waits for open requests.
   */
  close(options?: { delayMs?: number }): Promise<void>;
}

const JSON_TYPE = 'application/json';
const ALWAYS_READY = (): Readiness => ({ ready: true, checks: {} });
const PREPARED_CACHE_LIMIT = 4096;
const KEEP_ALIVE_TIMEOUT_MS = 120_000;

interface DiscoveryDocuments {
  readonly resourceList: string;
  readonly aggregated: Readonly<Record<AggregatedDiscoveryVersion, AggregatedDocument>>;
}

const OWN_DISCOVERY: DiscoveryDocuments = {
  resourceList: API_RESOURCE_LIST,
  aggregated: AGGREGATED_DISCOVERY,
};
const DISCOVERY_CACHE_LIMIT = 64;

type ParsedSelector = { readonly selector: LabelSelector } | { readonly error: string };

/** A request line parsed once: route, authorization attributes and the labelSelector of value lists. */
interface PreparedRequest {
  readonly info: RequestInfo;
  readonly selector: ParsedSelector;
  readonly attributes: RequestAttributes;
}

// §1.2: without a labelSelector every policy matches (labels.Everything()).
const EVERYTHING: ParsedSelector = { selector: parseLabelSelector('') };

function parseSelector(text: string): ParsedSelector {
  try {
    return { selector: parseLabelSelector(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const now = options.now ?? Date.now;
  const stalenessMs = options.stalenessMs ?? 120_000;
  const readiness = options.readiness ?? ALWAYS_READY;
  const logger = options.logger;
  const certificate = await loadServingCertificate(options.tls, logger);
  let auth: DelegatedAuth | undefined;
  try {
    auth = await createDelegatedAuth(options.auth, { now, logger });
  } catch (error) {
    certificate.close();
    throw error;
  }
  let shuttingDown = false;
  const prepared = new Map<string, PreparedRequest | null>();
  const forward = options.forward;
  const discoveryByNames = new Map<string, DiscoveryDocuments>();

  /** Discovery as the caller sees it: costscale's resources, with forwarding the upstreams' too. */
  function withDiscovery(
    res: ServerResponse,
    user: UserInfo | undefined,
    then: (docs: DiscoveryDocuments) => void,
  ): void {
    if (forward === undefined) {
      then(OWN_DISCOVERY);
      return;
    }
    forward.resourceNames(user).then(
      (lists) => {
        const names = unionOfResources(SERVED_METRICS, lists);
        const key = names.join('\u0000');
        let docs = discoveryByNames.get(key);
        if (docs === undefined) {
          docs = {
            resourceList: apiResourceList(names),
            aggregated: {
              v2: aggregatedDocument('v2', names),
              v2beta1: aggregatedDocument('v2beta1', names),
            },
          };
          if (discoveryByNames.size >= DISCOVERY_CACHE_LIMIT) discoveryByNames.clear();
          discoveryByNames.set(key, docs);
        }
        then(docs);
      },
      (error: unknown) => sendStatus(res, internalError((error as Error).message)),
    );
  }

  const tlsSettings = { minVersion: 'TLSv1.2' as const };
  const server = https.createServer({
    ...certificate.current(),
    ...tlsSettings,
    // §2.2: client certificates are requested, never required; the authenticators judge them.
    requestCert: true,
    rejectUnauthorized: false,
  });
  // Go clients (the aggregator's proxy, client-go) keep idle connections for 90 s; closing them
  // sooner races with a request being sent on them, which the aggregator reports as a 503.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  certificate.onChange((credentials) => server.setSecureContext({ ...credentials, ...tlsSettings }));

  /**
   * Parses a request line once: HPAs repeat the same few URLs every sync period, and the prepared
   * object's identity lets the authorizer reuse its cache key.
   */
  function prepare(method: string, url: string): PreparedRequest | undefined {
    const key = `${method} ${url}`;
    let entry = prepared.get(key);
    if (entry === undefined) {
      const info = requestInfo(method, url);
      if (info === undefined) {
        entry = null;
      } else {
        if (info.route.kind === 'valueList') {
          const selector = parseSelector(info.query.get('labelSelector') ?? '');
          const attributes = 'selector' in selector ? { ...info, labelSelector: selector.selector } : info;
          entry = { info, selector, attributes };
        } else {
          entry = { info, selector: EVERYTHING, attributes: info };
        }
      }
      if (prepared.size >= PREPARED_CACHE_LIMIT) prepared.clear();
      prepared.set(key, entry);
    }
    return entry ?? undefined;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (!ownsPath(url)) {
      if (options.fallback !== undefined) options.fallback(req, res);
      else sendStatus(res, PATH_NOT_FOUND);
      return;
    }
    const request = prepare(req.method ?? 'GET', url);
    if (request === undefined) {
      sendStatus(res, badRequest(`invalid URL escape in ${JSON.stringify(url)}`));
      return;
    }
    if (auth === undefined) {
      respond(req, res, request, undefined);
      return;
    }
    const authenticated = auth.authenticator.authenticate(req);
    if (authenticated instanceof Promise) {
      authenticated.then(
        (result) => afterAuthentication(req, res, request, result),
        (error: unknown) => sendStatus(res, internalError((error as Error).message)),
      );
    } else {
      afterAuthentication(req, res, request, authenticated);
    }
  }

  function afterAuthentication(
    req: IncomingMessage,
    res: ServerResponse,
    request: PreparedRequest,
    result: Authentication,
  ): void {
    const { info, attributes } = request;
    if ('error' in result) {
      logger?.debug({ path: info.path, reason: result.error }, 'request not authenticated');
      sendStatus(res, UNAUTHORIZED);
      return;
    }
    const finish = (decision: AuthorizationDecision): void => {
      if ('error' in decision) {
        logger?.warn(
          { path: info.path, user: result.user.name, err: decision.error },
          'authorization failed',
        );
        sendStatus(res, internalError(decision.error));
      } else if (!decision.allowed) {
        logger?.debug(
          { path: info.path, user: result.user.name, reason: decision.reason },
          'request forbidden',
        );
        sendStatus(res, forbidden({ ...attributes, user: result.user.name }, decision.reason));
      } else {
        respond(req, res, request, result.user);
      }
    };
    const decision = (auth as DelegatedAuth).authorizer.authorize(result.user, attributes);
    if (decision instanceof Promise) {
      decision.then(finish, (error: unknown) => sendStatus(res, internalError((error as Error).message)));
    } else {
      finish(decision);
    }
  }

  function respond(
    req: IncomingMessage,
    res: ServerResponse,
    request: PreparedRequest,
    user: UserInfo | undefined,
  ): void {
    const { info, selector } = request;
    const route = info.route;
    if (route.kind === 'health') {
      answerHealth(res, route.endpoint, route.subPath, info.query);
      return;
    }
    if (route.kind === 'notFound') {
      sendStatus(res, PATH_NOT_FOUND);
      return;
    }
    if (req.method !== 'GET') {
      sendStatus(res, METHOD_NOT_ALLOWED, { Allow: 'GET' });
      return;
    }
    const accept = req.headers.accept;
    switch (route.kind) {
      case 'apis':
        answerApis(req, res, accept, user);
        return;
      case 'group':
        sendJson(res, accept, 200, API_GROUP);
        return;
      case 'resourceList':
        withDiscovery(res, user, (docs) => sendJson(res, accept, 200, docs.resourceList));
        return;
      case 'valueList': {
        // Order of custom-metrics-apiserver: list options (400), then the provider (404, data).
        if ('error' in selector) {
          sendStatus(res, badRequest(selector.error));
          return;
        }
        // §1.2: client-go lower-cases the metric name; match case-insensitively either way.
        const metric = route.metric.toLowerCase();
        if (forward !== undefined && !isServedMetric(metric)) {
          const upstream = forward.upstreamFor(metric, selector.selector);
          if (upstream !== undefined) {
            forward.forward(req, res, upstream, user);
            return;
          }
        }
        const answer = lookup(
          options.snapshot.current(),
          { namespace: route.namespace, metric, selector: selector.selector },
          now(),
          stalenessMs,
        );
        const result = valueListResponse(answer, route.metric);
        if (result.code === 200) sendJson(res, accept, 200, result.body);
        else sendStatus(res, result);
        return;
      }
    }
  }

  function answerApis(
    req: IncomingMessage,
    res: ServerResponse,
    accept: string | undefined,
    user: UserInfo | undefined,
  ): void {
    const choice = negotiateDiscovery(accept);
    if (choice === 'none') {
      sendStatus(res, NOT_ACCEPTABLE);
    } else if (choice === 'legacy') {
      sendJson(res, accept, 200, API_GROUP_LIST, { Vary: 'Accept' });
    } else {
      withDiscovery(res, user, (docs) => answerAggregated(req, res, docs.aggregated[choice]));
    }
  }

  // §1.5: aggregated discovery with ETag / If-None-Match, for whichever version was asked for.
  function answerAggregated(req: IncomingMessage, res: ServerResponse, doc: AggregatedDocument): void {
    const headers = {
      'Content-Type': doc.contentType,
      ETag: doc.etag,
      Vary: 'Accept',
      'Cache-Control': 'no-cache, private',
    };
    if (req.headers['if-none-match'] === doc.etag) {
      res.writeHead(304, headers);
      res.end();
    } else {
      res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(doc.body) });
      res.end(doc.body);
    }
  }

  function answerHealth(
    res: ServerResponse,
    endpoint: HealthEndpoint,
    subPath: string | undefined,
    query: URLSearchParams,
  ): void {
    const checks = healthChecks(endpoint, readiness(), shuttingDown);
    const answer = healthResponse(endpoint, subPath, query, checks);
    if (answer === undefined) {
      sendStatus(res, PATH_NOT_FOUND);
      return;
    }
    res.writeHead(answer.code, { ...HEALTH_HEADERS, 'Content-Length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }

  function handleHealth(req: IncomingMessage, res: ServerResponse): boolean {
    const info = requestInfo(req.method ?? 'GET', req.url ?? '/');
    if (info === undefined || info.route.kind !== 'health') return false;
    answerHealth(res, info.route.endpoint, info.route.subPath, info.query);
    return true;
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    try {
      handle(req, res);
    } catch (error) {
      logger?.error({ err: error, url: req.url }, 'request failed');
      if (!res.headersSent) sendStatus(res, internalError((error as Error).message));
    }
  });
  server.on('tlsClientError', (error) => logger?.debug({ err: error }, 'TLS handshake failed'));

  return {
    server,
    servingCA: certificate.generatedCA,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    handleHealth,
    close: async (closeOptions) => {
      shuttingDown = true;
      const delayMs = closeOptions?.delayMs ?? 0;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      certificate.close();
      auth?.close();
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

function sendJson(
  res: ServerResponse,
  accept: string | undefined,
  code: number,
  body: string,
  extra?: Readonly<Record<string, string>>,
): void {
  if (!acceptsJson(accept)) {
    sendStatus(res, NOT_ACCEPTABLE);
    return;
  }
  res.writeHead(code, {
    'Content-Type': JSON_TYPE,
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

/** Status errors are always JSON, as apiserver's ErrorNegotiated falls back to JSON (§1.9). */
function sendStatus(
  res: ServerResponse,
  status: StatusError,
  extra?: Readonly<Record<string, string>>,
): void {
  res.writeHead(status.code, {
    'Content-Type': JSON_TYPE,
    'Cache-Control': 'no-cache, private',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(status.body),
    ...extra,
  });
  res.end(status.body);
}
