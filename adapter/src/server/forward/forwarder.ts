import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Pool, type Dispatcher } from 'undici';
import type { ForwardTarget } from '../../config/forwardSettings';
import type { LabelSelector } from '../../k8s';
import type { UserInfo } from '../auth';
import { EXTERNAL_METRICS_GROUP_VERSION } from '../external-metrics/discovery';
import { serviceUnavailable } from '../external-metrics/status';
import { fileCertificateAuthorities, fileServingCertificate, type WatchedFile } from '../tls';
import { frontProxyHeaders, identityKey } from './identity';
import { chooseUpstream, compileForwardRules } from './match';

// Forwards External Metrics requests for metric names costscale does not own to the configured
// upstream providers, as kube-aggregator's proxy does (external-metrics-api.md §1.1): same path and
// query, the caller's identity in front-proxy headers over costscale's client certificate, and the
// upstream's answer relayed verbatim (status, headers, body), streamed through. One undici pool of
// keep-alive connections (with TLS session reuse) per upstream. The hot path allocates little: the
// identity goes out as a flat header list, the answer's header fields are relayed as one flat list,
// and the metrics' label children are resolved once per upstream. The client certificate and the CA
// bundle are re-read when their files change.
// Discovery is cached per caller identity for a short TTL and refreshed in the background, so a
// discovery request never waits on the upstreams once they have answered once.

export interface ForwardObserver {
  /** What is counted for one upstream, resolved once when the forwarder starts. */
  upstream(name: string): UpstreamObserver;
}

export interface UpstreamObserver {
  /** A forwarded request finished: the upstream's status, or 'error' when none came. */
  forwarded(code: number | 'error', seconds: number): void;
  /** A discovery fetch, for the resource union. */
  discovery(ok: boolean): void;
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
  /** How often the CA bundle and client certificate files are checked for changes (default 10 s). */
  readonly tlsReloadIntervalMs?: number;
}

interface CachedResources {
  names: readonly string[];
  fetchedAt: number;
  refreshing: boolean;
}

/** What the pool's TLS connections present and trust, as read from the files. */
interface TlsMaterial {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

interface Upstream {
  readonly target: ForwardTarget;
  readonly timeoutMs: number;
  readonly observer: UpstreamObserver | undefined;
  /** The TLS material the current pool was made with. */
  tls: TlsMaterial;
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
      const tls = tlsMaterial(target);
      const upstream: Upstream = {
        target,
        timeoutMs: target.timeoutSeconds * 1000,
        observer: observer?.upstream(target.name),
        tls,
        pool: poolFor(target, tls),
        lastResources: [],
        discovery: new Map(),
        firstFetch: new Map(),
      };
      return [target.name, upstream];
    }),
  );
  let closed = false;
  const watchers = [...upstreams.values()].flatMap((u) =>
    watchTlsFiles(u, options.tlsReloadIntervalMs ?? 10_000, () => closed, logger),
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
    const headers: string[] = user === undefined ? [] : frontProxyHeaders(user);
    for (const h of REQUEST_HEADERS) {
      const value = req.headers[h];
      if (typeof value === 'string') headers.push(h, value);
      else if (value !== undefined) for (const v of value) headers.push(h, v);
    }
    const { timeoutMs, observer: counts } = upstream;
    let code = 502;
    const fail = (error: Error): void => {
      counts?.forwarded('error', (performance.now() - started) / 1000);
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
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (controller) => {
        // A caller that goes away abandons its upstream request too.
        res.once('close', () => {
          if (!res.writableFinished) controller.abort(new Error('the caller closed the connection'));
        });
      },
      onResponseStart: (_controller, statusCode, responseHeaders) => {
        if (statusCode < 200) return; // 1xx: informational, the final answer follows
        code = statusCode;
        res.writeHead(code, relayedHeaders(responseHeaders));
      },
      onResponseData: (controller, chunk) => {
        // The body goes straight through; a slow caller pauses the upstream.
        if (!res.write(chunk)) {
          controller.pause();
          res.once('drain', () => controller.resume());
        }
      },
      onResponseEnd: () => {
        res.end();
        counts?.forwarded(code, (performance.now() - started) / 1000);
      },
      onResponseError: (_controller, error) => fail(error),
    };
    upstream.pool.dispatch(
      { path: req.url ?? '/', method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
      handler,
    );
  }

  /** One discovery fetch; resolves to the upstream's last good list when it fails. */
  async function fetchResources(upstream: Upstream, user: UserInfo | undefined): Promise<readonly string[]> {
    const headers = [...(user === undefined ? [] : frontProxyHeaders(user)), 'accept', 'application/json'];
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
      upstream.observer?.discovery(true);
      return names;
    } catch (error) {
      upstream.observer?.discovery(false);
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
 * Re-reads the upstream's CA bundle and client certificate when their files change (tls.ts's
 * watchers, as for the serving certificate): new requests go to a new pool; the old one closes once
 * its requests finish.
 */
function watchTlsFiles(
  upstream: Upstream,
  intervalMs: number,
  closed: () => boolean,
  logger: Logger | undefined,
): Promise<{ close(): void } | undefined>[] {
  const { tls } = upstream.target;
  const swap = (change: TlsMaterial, what: string): void => {
    if (closed()) return;
    upstream.tls = { ...upstream.tls, ...change };
    const retired = upstream.pool;
    upstream.pool = poolFor(upstream.target, upstream.tls);
    void retired.close();
    logger?.info({ upstream: upstream.target.name }, `upstream ${what} reloaded`);
  };
  /**
   * Starts a watcher from what was read at start (kept when the files are half-written then); a
   * change between that first synchronous read and the watcher's is applied.
   */
  const watch = async <T>(
    start: () => Promise<WatchedFile<T>>,
    material: (value: T) => TlsMaterial,
    changed: (value: T) => boolean,
    what: string,
  ): Promise<{ close(): void } | undefined> => {
    try {
      const watcher = await start();
      if (closed()) {
        watcher.close();
        return undefined;
      }
      if (changed(watcher.current())) swap(material(watcher.current()), what);
      watcher.onChange((value) => swap(material(value), what));
      return watcher;
    } catch (error) {
      logger?.error(
        { upstream: upstream.target.name, err: (error as Error).message },
        `cannot watch the upstream ${what}; keeping the one read at start`,
      );
      return undefined;
    }
  };
  const watchers: Promise<{ close(): void } | undefined>[] = [];
  const { caFile, certFile, keyFile } = tls;
  if (caFile !== undefined) {
    watchers.push(
      watch(
        () => fileCertificateAuthorities(caFile, intervalMs, logger, upstream.tls.ca),
        (ca) => ({ ca }),
        (ca) => ca !== upstream.tls.ca,
        'CA bundle',
      ),
    );
  }
  if (certFile !== undefined && keyFile !== undefined) {
    watchers.push(
      watch(
        () => fileServingCertificate(certFile, keyFile, intervalMs, logger, clientPair(upstream.tls)),
        (pair) => pair,
        (pair) => pair.cert !== upstream.tls.cert || pair.key !== upstream.tls.key,
        'client certificate',
      ),
    );
  }
  return watchers;
}

/** The client certificate and key read at start, the fallback while their files are half-written. */
function clientPair({ cert, key }: TlsMaterial): { cert: string; key: string } | undefined {
  return cert !== undefined && key !== undefined ? { cert, key } : undefined;
}

function tlsMaterial(target: ForwardTarget): TlsMaterial {
  const { caFile, certFile, keyFile } = target.tls;
  return {
    ...(caFile !== undefined && { ca: readFileSync(caFile, 'utf8') }),
    ...(certFile !== undefined &&
      keyFile !== undefined && { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }),
  };
}

function poolFor(target: ForwardTarget, material: TlsMaterial): Pool {
  const { tls } = target;
  return new Pool(new URL(target.url).origin, {
    connections: MAX_CONNECTIONS,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
    connect: {
      ...material,
      ...(tls.serverName !== undefined && { servername: tls.serverName }),
      rejectUnauthorized: !tls.insecureSkipVerify,
    },
  });
}

/** The upstream's header fields as received, hop-by-hop fields dropped, as one flat list. */
function relayedHeaders(headers: Record<string, string | string[] | undefined>): string[] {
  const out: string[] = [];
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined || HOP_BY_HOP.has(key)) continue;
    if (typeof value === 'string') out.push(key, value);
    else for (const v of value) out.push(key, v);
  }
  return out;
}
