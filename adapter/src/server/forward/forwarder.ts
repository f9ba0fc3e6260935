import { readFileSync } from 'node:fs';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import type { ForwardTarget } from '../../config/forwardSettings';
import type { LabelSelector } from '../../k8s';
import type { UserInfo } from '../auth';
import { EXTERNAL_METRICS_GROUP_VERSION } from '../external-metrics/discovery';
import { serviceUnavailable } from '../external-metrics/status';
import { frontProxyHeaders } from './identity';
import { chooseUpstream, compileForwardRules } from './match';

// Forwards External Metrics requests for metric names costscale does not own to the configured
// upstream providers, as kube-aggregator's proxy does (external-metrics-api.md §1.1): same path and
// query, the caller's identity in front-proxy headers over costscale's client certificate, and the
// upstream's answer relayed verbatim (status, headers, body). Keep-alive connections per upstream.

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

interface Upstream {
  readonly target: ForwardTarget;
  readonly url: URL;
  readonly agent: https.Agent;
  lastResources: readonly string[];
}

const DISCOVERY_TIMEOUT_MS = 3_000;
const MAX_SOCKETS = 64;
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
  options: { readonly logger?: Logger; readonly observer?: ForwardObserver } = {},
): Forwarder {
  const { logger, observer } = options;
  const rules = compileForwardRules(targets);
  const upstreams = new Map<string, Upstream>(
    targets.map((target) => [
      target.name,
      { target, url: new URL(target.url), agent: agentFor(target), lastResources: [] },
    ]),
  );

  function request(
    upstream: Upstream,
    path: string,
    headers: Record<string, string | string[]>,
    timeoutMs: number,
  ): ClientRequest {
    const { url, agent } = upstream;
    const req = https.request({
      agent,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? 443 : Number(url.port),
      method: 'GET',
      path,
      headers,
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    return req;
  }

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
    const outgoing = request(upstream, req.url ?? '/', headers, upstream.target.timeoutSeconds * 1000);
    outgoing.on('response', (incoming) => {
      const code = incoming.statusCode ?? 502;
      res.writeHead(code, relayedHeaders(incoming.headers));
      incoming.pipe(res);
      incoming.on('end', () => observer?.forwarded(name, code, (performance.now() - started) / 1000));
      incoming.on('error', () => res.destroy());
    });
    outgoing.on('error', (error) => {
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
    });
    outgoing.end();
  }

  function fetchResources(upstream: Upstream, user: UserInfo | undefined): Promise<readonly string[]> {
    const headers = { ...(user === undefined ? {} : frontProxyHeaders(user)), accept: 'application/json' };
    return new Promise((resolve) => {
      const fail = (reason: string): void => {
        observer?.discovery(upstream.target.name, false);
        logger?.warn(
          { upstream: upstream.target.name, reason },
          'upstream discovery failed; using its last list',
        );
        resolve(upstream.lastResources);
      };
      const outgoing = request(
        upstream,
        `/apis/${EXTERNAL_METRICS_GROUP_VERSION}`,
        headers,
        DISCOVERY_TIMEOUT_MS,
      );
      outgoing.on('response', (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (c: Buffer) => chunks.push(c));
        incoming.on('error', (e) => fail(e.message));
        incoming.on('end', () => {
          if (incoming.statusCode !== 200) return fail(`status ${incoming.statusCode}`);
          try {
            const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
              resources?: { name?: unknown }[];
            };
            const names = (doc.resources ?? []).flatMap((r) => (typeof r.name === 'string' ? [r.name] : []));
            upstream.lastResources = names;
            observer?.discovery(upstream.target.name, true);
            resolve(names);
          } catch (e) {
            fail((e as Error).message);
          }
        });
      });
      outgoing.on('error', (e) => fail(e.message));
      outgoing.end();
    });
  }

  return {
    upstreamFor: (metric, selector) => chooseUpstream(rules, metric, selector),
    forward,
    resourceNames: (user) => Promise.all([...upstreams.values()].map((u) => fetchResources(u, user))),
    close: () => {
      for (const u of upstreams.values()) u.agent.destroy();
    },
  };
}

function agentFor(target: ForwardTarget): https.Agent {
  const { tls } = target;
  return new https.Agent({
    keepAlive: true,
    maxSockets: MAX_SOCKETS,
    ...(tls.caFile !== undefined && { ca: readFileSync(tls.caFile) }),
    ...(tls.certFile !== undefined && { cert: readFileSync(tls.certFile) }),
    ...(tls.keyFile !== undefined && { key: readFileSync(tls.keyFile) }),
    ...(tls.serverName !== undefined && { servername: tls.serverName }),
    rejectUnauthorized: !tls.insecureSkipVerify,
  });
}

function relayedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(key)) out[key] = value;
  }
  return out;
}
