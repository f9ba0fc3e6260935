import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Pool } from 'undici';
import type { ForwardTarget } from '../../config/forwardSettings';
import type { LabelSelector } from '../../k8s';
import type { UserInfo } from '../auth';
import { EXTERNAL_METRICS_GROUP_VERSION } from '../external-metrics/discovery';
import { serviceUnavailable } from '../external-metrics/status';
import { fileServingCertificate } from '../tls';
import { frontProxyHeaders, identityKey } from './identity';
import { chooseUpstream, compileForwardRules } from './match';

// Forwards External Metrics requests for metric names costscale does not own to the configured
// upstream providers, as kube-aggregator's proxy does (external-metrics-api.md §1.1): same path and
// query, the caller's identity in front-proxy headers over costscale's client certificate, and the
// upstream's answer relayed verbatim (status, headers, body), streamed through. One undici pool of
// keep-alive connections (with TLS session reuse) per upstream: a forwarded request costs costscale
// about 30 % less CPU than through node:https (test/bench/forwarding.bench.ts, alternated runs). The
// client certificate is re-read when its files change.
// Discovery is cached per caller identity for a short TTL and refreshed in the background, so a
// discovery request never waits on the upstreams once they have answered once.

export interface ForwardObserver {
  /** A forwarded request finished: the upstream's status, or 'error' when none came. */
  forwarded(upstream: string, code: number | 'error', seconds: number): void;
  /** A discovery fetch from an upstream, for the resource union. */
  discovery(upstream: string, ok: boolean): void;
}

export interface Forwarder {
  /** The upstream that serves this (lower-cased) metric under this selector, if any. */
  upstreamFor(metric: string, selector: LabelSelector): string | undefined;
  forward(req: IncomingMessage, res: ServerResponse, upstream: string, user: UserInfo | undefined): void;
  /** Each upstream's resource names as the caller may list them; the last good list when one fails. */
  resourceNames(user: UserInfo | undefined): Promise<readonly (readonly string[])[]>;
  close(): void;
}

export interface ForwarderOptions {
  readonly logger?: Logger;
  readonly observer?: ForwardObserver;
  /** The clock that ages cached discovery lists (default Date.now). */
  readonly now?: () => number;
  /** How long an upstream's discovery list is served before a background refresh (default 30 s). */
  readonly discoveryTtlMs?: number;
  /** How often the client certificate files are checked for changes (default 10 s). */
  readonly tlsReloadIntervalMs?: number;
}

interface CachedResources {
  names: readonly string[];
  fetchedAt: number;
  refreshing: boolean;
}

interface Upstream {
  readonly target: ForwardTarget;
  readonly timeoutMs: number;
  /** The client certificate and key read at start. */
  readonly client: { readonly cert: string; readonly key: string } | undefined;
  pool: Pool;
  lastResources: readonly string[];
  /** Discovery lists by caller identity; the first fetch for an identity is shared while in flight. */
  readonly discovery: Map<string, CachedResources>;
  readonly firstFetch: Map<string, Promise<readonly string[]>>;
}

const DISCOVERY_TIMEOUT_MS = 3_000;
const DISCOVERY_TTL_MS = 30_000;
// Callers of discovery are a few controllers and users; a bound keeps a flood of identities cheap.
const DISCOVERY_CACHE_LIMIT = 256;
const MAX_CONNECTIONS = 256;
// Go clients (kube-aggregator's proxy) keep idle connections 90 s; so does costscale towards upstreams.
const KEEP_ALIVE_MS = 90_000;
// RFC 9110 §7.6.1 hop-by-hop fields: not relayed in either direction.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
// What the caller's request contributes besides the identity (which is never copied from it).
const REQUEST_HEADERS = ['accept', 'accept-encoding', 'user-agent', 'audit-id'] as const;

export function createForwarder(
  targets: readonly ForwardTarget[],
  options: ForwarderOptions = {},
): Forwarder {
  const { logger, observer } = options;
  const now = options.now ?? Date.now;
  const ttlMs = options.discoveryTtlMs ?? DISCOVERY_TTL_MS;
  const rules = compileForwardRules(targets);
  const upstreams = new Map<string, Upstream>(
    targets.map((target) => {
      const client = clientCredentials(target);
      const upstream: Upstream = {
        target,
        timeoutMs: target.timeoutSeconds * 1000,
        client,
        pool: poolFor(target, client),
        lastResources: [],
        discovery: new Map(),
        firstFetch: new Map(),
      };
      return [target.name, upstream];
    }),
  );
  let closed = false;
  const watchers = [...upstreams.values()].map((u) =>
    watchClientCertificate(u, options.tlsReloadIntervalMs ?? 10_000, () => closed, logger),
  );

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    user: UserInfo | undefined,
  ): void {
    const upstream = upstreams.get(name);
    if (upstream === undefined) throw new Error(`no upstream ${name}`);
    const started = performance.now();
    const headers: Record<string, string | string[]> = user === undefined ? {} : frontProxyHeaders(user);
    for (const h of REQUEST_HEADERS) {
      const value = req.headers[h];
      if (value !== undefined) headers[h] = value;
    }
    let code = 502;
    const fail = (error: Error): void => {
      observer?.forwarded(name, 'error', (performance.now() - started) / 1000);
      logger?.warn({ upstream: name, url: req.url, err: error.message }, 'forwarding failed');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // kube-aggregator answers 503 when it cannot reach an APIService's backend (§5 item 10).
      const status = serviceUnavailable(`upstream External Metrics provider ${name}: ${error.message}`);
      res.writeHead(status.code, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-cache, private',
        'Content-Length': Buffer.byteLength(status.body),
      });
      res.end(status.body);
    };
    const timeoutMs = upstream.timeoutMs;
    upstream.pool.dispatch(
      { path: req.url ?? '/', method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
      {
        onRequestStart: (controller) => {
          // A caller that goes away abandons its upstream request too.
          res.once('close', () => {
            if (!res.writableFinished) controller.abort(new Error('the caller closed the connection'));
          });
        },
        onResponseStart: (controller, statusCode, responseHeaders) => {
          if (statusCode < 200) return; // 1xx: informational, the final answer follows
          code = statusCode;
          res.writeHead(code, relayedHeaders(responseHeaders));
        },
        onResponseData: (controller, chunk) => {
          if (!res.write(chunk)) {
            controller.pause();
            res.once('drain', () => controller.resume());
          }
        },
        onResponseEnd: () => {
          res.end();
          observer?.forwarded(name, code, (performance.now() - started) / 1000);
        },
        onResponseError: (_controller, error) => fail(error),
      },
    );
  }

  /** One discovery fetch; resolves to the upstream's last good list when it fails. */
  async function fetchResources(upstream: Upstream, user: UserInfo | undefined): Promise<readonly string[]> {
    const headers = { ...(user === undefined ? {} : frontProxyHeaders(user)), accept: 'application/json' };
    try {
      const { statusCode, body } = await upstream.pool.request({
        path: `/apis/${EXTERNAL_METRICS_GROUP_VERSION}`,
        method: 'GET',
        headers,
        headersTimeout: DISCOVERY_TIMEOUT_MS,
        bodyTimeout: DISCOVERY_TIMEOUT_MS,
      });
      const text = await body.text();
      if (statusCode !== 200) throw new Error(`status ${statusCode}`);
      const doc = JSON.parse(text) as { resources?: { name?: unknown }[] };
      const names = (doc.resources ?? []).flatMap((r) => (typeof r.name === 'string' ? [r.name] : []));
      upstream.lastResources = names;
      observer?.discovery(upstream.target.name, true);
      return names;
    } catch (error) {
      observer?.discovery(upstream.target.name, false);
      logger?.warn(
        { upstream: upstream.target.name, reason: (error as Error).message },
        'upstream discovery failed; using its last list',
      );
      return upstream.lastResources;
    }
  }

  /**
   * The caller's list from the cache: fresh within the TTL; older, it is still answered at once while
   * one background fetch replaces it. Only an identity's first request waits for the upstream.
   */
  function cachedResources(upstream: Upstream, user: UserInfo | undefined): Promise<readonly string[]> {
    const key = user === undefined ? '' : identityKey(user);
    const cached = upstream.discovery.get(key);
    if (cached !== undefined) {
      if (now() - cached.fetchedAt >= ttlMs && !cached.refreshing) {
        cached.refreshing = true;
        void fetchResources(upstream, user).then((names) => {
          cached.names = names;
          cached.fetchedAt = now();
          cached.refreshing = false;
        });
      }
      return Promise.resolve(cached.names);
    }
    let pending = upstream.firstFetch.get(key);
    if (pending === undefined) {
      pending = fetchResources(upstream, user).then((names) => {
        upstream.firstFetch.delete(key);
        if (upstream.discovery.size >= DISCOVERY_CACHE_LIMIT) upstream.discovery.clear();
        upstream.discovery.set(key, { names, fetchedAt: now(), refreshing: false });
        return names;
      });
      upstream.firstFetch.set(key, pending);
    }
    return pending;
  }

  return {
    upstreamFor: (metric, selector) => chooseUpstream(rules, metric, selector),
    forward,
    resourceNames: (user) => Promise.all([...upstreams.values()].map((u) => cachedResources(u, user))),
    close: () => {
      closed = true;
      for (const watcher of watchers) void watcher.then((w) => w?.close());
      for (const u of upstreams.values()) void u.pool.destroy();
    },
  };
}

/**
 * Re-reads the upstream's client certificate when its files change (tls.ts's watcher, as for the
 * serving certificate): new requests go to a new pool; the old one closes once its requests finish.
 */
async function watchClientCertificate(
  upstream: Upstream,
  intervalMs: number,
  closed: () => boolean,
  logger: Logger | undefined,
): Promise<{ close(): void } | undefined> {
  const { tls } = upstream.target;
  if (tls.certFile === undefined || tls.keyFile === undefined) return undefined;
  const initial = upstream.client;
  const swap = (credentials: { cert: string; key: string }): void => {
    if (closed()) return;
    const retired = upstream.pool;
    upstream.pool = poolFor(upstream.target, credentials);
    void retired.close();
    logger?.info({ upstream: upstream.target.name }, 'upstream client certificate reloaded');
  };
  try {
    const watcher = await fileServingCertificate(tls.certFile, tls.keyFile, intervalMs, logger);
    if (closed()) {
      watcher.close();
      return undefined;
    }
    // A change between the first synchronous read and the watcher's read would otherwise be missed.
    const current = watcher.current();
    if (current.cert !== initial?.cert || current.key !== initial.key) swap(current);
    watcher.onChange(swap);
    return watcher;
  } catch (error) {
    logger?.error(
      { upstream: upstream.target.name, err: (error as Error).message },
      'cannot watch the upstream client certificate; keeping the one read at start',
    );
    return undefined;
  }
}

function clientCredentials(target: ForwardTarget): { cert: string; key: string } | undefined {
  const { certFile, keyFile } = target.tls;
  if (certFile === undefined || keyFile === undefined) return undefined;
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

function poolFor(target: ForwardTarget, client: { cert: string; key: string } | undefined): Pool {
  const { tls } = target;
  return new Pool(new URL(target.url).origin, {
    connections: MAX_CONNECTIONS,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
    connect: {
      ...(tls.caFile !== undefined && { ca: readFileSync(tls.caFile, 'utf8') }),
      ...client,
      ...(tls.serverName !== undefined && { servername: tls.serverName }),
      rejectUnauthorized: !tls.insecureSkipVerify,
    },
  });
}

/** The upstream's header fields as received, hop-by-hop fields dropped. */
function relayedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key in headers) {
    const value = headers[key];
    if (value !== undefined && !HOP_BY_HOP.has(key)) out[key] = value;
  }
  return out;
}
