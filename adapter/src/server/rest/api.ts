import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RestSettings } from '../../config/restSettings';
import type { Config } from '../../config/schema';
import type { SnapshotSource } from '../../snapshot/snapshot';
import type { Logger } from '../../log';
import type { Backends } from '../../sources';
import type { WorkloadsApi } from '../../k8s/workloads';
import type { Database } from '../../store/db';
import type { KubernetesAuthApi } from '../auth';
import { hasRole, RestAuthenticator, type Principal } from './auth';
import type { ApiContext, ManagedChange } from './context';
import { DatabaseUnavailable, guardDatabase } from './database';
import type { DryRunEvaluator } from './dryRun';
import { readJsonBody, sendJson, sendNoContent, sendProblem } from './http';
import { openApiDocument } from './openapi';
import { fieldErrors, httpProblem, ProblemError, validationProblem, type ErrorLocation } from './problem';
import { RateLimiter } from './rateLimit';
import { route, Router, type Route } from './router';
import { adminRoutes } from './routes/admin';
import { anomalyRoutes } from './routes/anomalies';
import { budgetRoutes } from './routes/budgets';
import { decisionRoutes } from './routes/decisions';
import { dryRunRoutes } from './routes/dryRun';
import { forecastRoutes } from './routes/forecasts';
import { kedaRoutes } from './routes/keda';
import { overrideRoutes } from './routes/overrides';
import { overviewRoutes } from './routes/overview';
import { policyRoutes } from './routes/policies';
import { recommendationRoutes } from './routes/recommendations';
import { simulationRoutes } from './routes/simulations';
import { noParams, noQuery } from './schemas';

// The REST API under /api/v1 as one request handler, mounted as the External Metrics server's
// fallback. Each request: CORS preflight → authenticate (401) → rate limit (429) → route (404/405) →
// authorize (403) → validate path, query and body (400/413/415) → handler → JSON with an ETag, or a
// problem. Nothing a client sends can produce a 5xx short of the database being down (503).

export interface RestApiDeps {
  readonly db: Database;
  readonly snapshot: SnapshotSource;
  /** The configuration file as loaded (ConfigManager.current), without API-managed policies and budgets. */
  readonly config: () => Config;
  /** The Prometheus clients of the current configuration. */
  readonly backends: () => Backends;
  /** TokenReview for Kubernetes bearer tokens; without it only API keys authenticate. */
  readonly kubeApi?: KubernetesAuthApi;
  /** Deployments, StatefulSets and HPAs that applying recommendations patches. */
  readonly workloads?: WorkloadsApi;
  /** The engine's evaluator, for dry runs. */
  readonly evaluator: DryRunEvaluator;
  /** Settings; default: the configuration's `server.rest`. */
  readonly settings?: () => RestSettings;
  readonly clock?: () => number;
  readonly logger?: Logger;
  /** Called after a committed change, so the engine can reload its managed policies, budgets and overrides. */
  readonly onChange?: (what: ManagedChange) => void;
}

export type RestApi = ((req: IncomingMessage, res: ServerResponse) => void) & {
  /** The route table (for documentation and tests). */
  readonly routes: readonly Route[];
};

const PREFIX = '/api/v1';

export function createRestApi(deps: RestApiDeps): RestApi {
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger;
  const settings = deps.settings ?? (() => deps.config().server.rest);
  const db = guardDatabase(deps.db);
  const authenticator = new RestAuthenticator({
    db,
    ...(deps.kubeApi !== undefined && { kubeApi: deps.kubeApi }),
    tokenRoles: () => settings().tokenRoles,
    apiKeyHeader: () => settings().apiKeyHeader,
    now: clock,
    ...(logger !== undefined && { logger }),
  });
  const ctx: ApiContext = {
    db,
    snapshot: deps.snapshot,
    config: deps.config,
    backends: deps.backends,
    evaluator: deps.evaluator,
    ...(deps.workloads !== undefined && { workloads: deps.workloads }),
    changed: (what) => {
      try {
        deps.onChange?.(what);
      } catch (err) {
        logger?.warn({ err: (err as Error).message, what }, 'change listener failed');
      }
    },
  };

  let document: unknown;
  const routes: Route[] = [
    route({
      method: 'GET',
      path: `${PREFIX}/openapi.json`,
      operationId: 'getOpenApi',
      summary: 'This API’s OpenAPI 3.1 document',
      tag: 'meta',
      role: 'viewer',
      params: noParams,
      query: noQuery,
      success: { status: 200, description: 'the OpenAPI document' },
      handler: async () => ({ status: 200, body: (document ??= openApiDocument(routes)) }),
    }),
    ...adminRoutes(ctx, () => authenticator.forgetKeys()),
    ...overviewRoutes(ctx),
    ...dryRunRoutes(ctx),
    ...policyRoutes(ctx),
    ...forecastRoutes(ctx),
    ...anomalyRoutes(ctx),
    ...overrideRoutes(ctx),
    ...decisionRoutes(ctx),
    ...budgetRoutes(ctx),
    ...recommendationRoutes(ctx),
    ...simulationRoutes(ctx),
    ...kedaRoutes(ctx),
  ];
  const router = new Router(routes);

  let limiter: { key: string; principals: RateLimiter; failures: RateLimiter } | undefined;
  function limiters(s: RestSettings) {
    const r = s.rateLimit;
    const key = JSON.stringify(r);
    if (limiter?.key !== key) {
      limiter = {
        key,
        principals: new RateLimiter({ ratePerSecond: r.requestsPerSecond, burst: r.burst }),
        // Failed authentications per client address and presented credential: a credential that keeps
        // failing from an address is refused (429) before it is checked again, which stops a client
        // retrying a bad or revoked token from costing a lookup or a TokenReview each time. Valid
        // credentials never share a bucket with failing ones, so they are not locked out by the bad
        // tokens of others behind the same ingress or proxy (issue 16, defect 4).
        failures: new RateLimiter({ ratePerSecond: r.failedAuthPerSecond, burst: r.failedAuthBurst }),
      };
    }
    return limiter;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const s = settings();
    const cors = corsHeaders(req, s);
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    // HEAD is GET without the body (RFC 9110 §9.3.2); node drops the body of a HEAD answer.
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');

    if (
      method === 'OPTIONS' &&
      cors !== undefined &&
      req.headers['access-control-request-method'] !== undefined
    ) {
      sendNoContent(res, {
        ...cors,
        'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-None-Match',
        'Access-Control-Max-Age': '600',
      });
      return;
    }
    const extra = cors ?? {};
    const fail = (err: ProblemError) => sendProblem(res, err.problem, { ...extra, ...err.headers });

    const now = clock();
    const address = req.socket.remoteAddress ?? 'unknown';
    const limits = limiters(s);
    const failureKey = `addr:${address}|${credentialFingerprint(req.headers.authorization)}`;
    if (!limits.failures.peek(failureKey, now)) {
      fail(
        httpProblem(429, 'too many failed authentications with this credential from this address', {
          'Retry-After': '1',
        }),
      );
      return;
    }
    const auth = await authenticator.authenticate(req);
    if ('unauthenticated' in auth) {
      limits.failures.take(failureKey, now);
      logger?.debug({ path: rawPath, reason: auth.unauthenticated }, 'REST request not authenticated');
      const challenge =
        req.headers.authorization === undefined
          ? 'Bearer realm="costscale"'
          : 'Bearer realm="costscale", error="invalid_token"';
      fail(
        httpProblem(
          401,
          'valid credentials are required: Authorization: Bearer <API key or Kubernetes token>',
          { 'WWW-Authenticate': challenge },
        ),
      );
      return;
    }
    if ('forbidden' in auth) {
      fail(httpProblem(403, auth.forbidden));
      return;
    }
    const principal: Principal = auth.principal;
    const rate = limits.principals.take(principal.rateKey, now);
    if (!rate.allowed) {
      fail(httpProblem(429, 'rate limit exceeded', { 'Retry-After': String(rate.retryAfterSeconds) }));
      return;
    }

    const match = router.match(method, rawPath);
    if (match.kind === 'not-found') {
      fail(httpProblem(404, `no resource at ${rawPath}`));
      return;
    }
    if (match.kind === 'method-not-allowed') {
      fail(httpProblem(405, `${method} is not allowed here`, { Allow: match.allow.join(', ') }));
      return;
    }
    const r = match.route;
    if (!hasRole(principal, r.role)) {
      fail(
        httpProblem(
          403,
          `${r.operationId} needs the ${r.role} role; ${principal.actor} has ${principal.role}`,
        ),
      );
      return;
    }
    const params = validate(r.params, match.params, 'path');
    const query = validate(r.query, queryObject(q < 0 ? '' : rawUrl.slice(q + 1)), 'query');
    let rawBody: unknown;
    let body: unknown;
    if (r.body !== undefined) {
      rawBody = await readJsonBody(req, s.maxBodyBytes);
      if (rawBody === undefined) {
        throw validationProblem([{ location: 'body', path: '', message: 'a JSON body is required' }]);
      }
      body = validate(r.body, rawBody, 'body');
    } else if (hasBody(req) && (await readJsonBody(req, s.maxBodyBytes)) !== undefined) {
      throw validationProblem([{ location: 'body', path: '', message: 'this operation takes no body' }]);
    }
    const reply = await r.handler({ params, query, body, rawBody, principal, req, now });
    if (reply.status === 204) sendNoContent(res, { ...extra, ...reply.headers });
    else sendJson(req, res, reply.status, reply.body, { ...extra, ...reply.headers });
  }

  const api = ((req: IncomingMessage, res: ServerResponse): void => {
    const extra = corsHeaders(req, settings()) ?? {};
    const rawPath = (req.url ?? '/').split('?')[0]!;
    if (rawPath !== PREFIX && !rawPath.startsWith(`${PREFIX}/`)) {
      sendProblem(res, httpProblem(404, `no resource at ${rawPath}`).problem, extra);
      return;
    }
    handle(req, res).catch((err: unknown) => {
      // (A request whose body was read is destroyed too: only an incomplete one, or a closed socket, is gone.)
      if (req.socket.destroyed || (req.destroyed && !req.complete)) {
        // The client went away mid-request (issue 16, defect 10): nothing to answer, nothing broken here.
        logger?.debug({ url: req.url, reason: (err as Error).message }, 'REST client disconnected');
        res.destroy();
        return;
      }
      if (res.headersSent) {
        logger?.error({ err, url: req.url }, 'REST request failed after the answer started');
        res.destroy();
        return;
      }
      if (err instanceof ProblemError) {
        const closing: Record<string, string> = err.problem.status === 413 ? { Connection: 'close' } : {};
        sendProblem(res, err.problem, { ...extra, ...err.headers, ...closing });
      } else if (err instanceof DatabaseUnavailable) {
        logger?.warn({ err: err.message, url: req.url }, 'REST request: database unavailable');
        sendProblem(res, httpProblem(503, 'the database is unavailable; retry later').problem, {
          ...extra,
          'Retry-After': '5',
        });
      } else {
        logger?.error({ err, url: req.url }, 'REST request failed');
        sendProblem(res, httpProblem(500, 'internal error').problem, extra);
      }
    });
  }) as RestApi;

  Object.defineProperty(api, 'routes', { value: routes, enumerable: true });
  return api;
}

function validate(schema: Route['params'], value: unknown, location: ErrorLocation): unknown {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationProblem(fieldErrors(parsed.error, location));
  return parsed.data;
}

/** Query parameters as an object; a repeated parameter is an error (none of ours takes a list). */
function queryObject(search: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(search);
  } catch {
    throw validationProblem([{ location: 'query', path: '', message: 'malformed query string' }]);
  }
  for (const [key, value] of params) {
    if (key in out)
      throw validationProblem([{ location: 'query', path: key, message: 'given more than once' }]);
    out[key] = value;
  }
  return { ...out };
}

/** Names the presented credential without keeping it: requests without one share the name `none`. */
function credentialFingerprint(authorization: string | undefined): string {
  if (authorization === undefined) return 'none';
  return createHash('sha256').update(authorization).digest('base64url').slice(0, 22);
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function corsHeaders(req: IncomingMessage, s: RestSettings): Record<string, string> | undefined {
  const origin = req.headers.origin;
  if (origin === undefined || !s.cors.allowedOrigins.includes(origin)) return undefined;
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': 'ETag, Retry-After, Location',
    Vary: 'Origin',
  };
}
