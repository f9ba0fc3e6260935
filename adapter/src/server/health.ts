import type { IncomingMessage, ServerResponse } from 'node:http';

// Health endpoints with the bodies of a Go apiserver (apiserver pkg/server/healthz/healthz.go;
// shared/specs/external-metrics-api.md §1.7): `ok`, or per-check lines with ?verbose, ?exclude=<check>,
// and /<endpoint>/<check> for a single check.

export type HealthChecks = Record<string, boolean>;

export interface HealthProbe {
  /** Liveness: the process works. */
  live(): HealthChecks;
  /** Readiness: config loaded, first engine tick done, not shutting down. */
  ready(): HealthChecks;
}

export interface HealthAnswer {
  status: number;
  body: string;
}

export const HEALTH_PATHS = ['/healthz', '/livez', '/readyz'] as const;

export function isHealthPath(pathname: string): boolean {
  return HEALTH_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

export function healthAnswer(
  pathname: string,
  query: URLSearchParams,
  probe: HealthProbe,
): HealthAnswer | undefined {
  const endpoint = HEALTH_PATHS.find((p) => pathname === p || pathname.startsWith(`${p}/`));
  if (endpoint === undefined) return undefined;
  const name = endpoint.slice(1);
  const checks: HealthChecks = { ping: true, ...(endpoint === '/readyz' ? probe.ready() : probe.live()) };
  const sub = pathname.slice(endpoint.length + 1);
  if (sub) {
    if (!(sub in checks)) return { status: 404, body: '404 page not found\n' };
    return checks[sub]
      ? { status: 200, body: 'ok' }
      : { status: 500, body: `internal server error: ${sub} check failed\n` };
  }
  const excluded = new Set(query.getAll('exclude'));
  const lines: string[] = [];
  let failed = false;
  for (const [check, ok] of Object.entries(checks)) {
    if (excluded.has(check)) {
      lines.push(`[+]${check} excluded: ok`);
      continue;
    }
    if (!ok) failed = true;
    lines.push(ok ? `[+]${check} ok` : `[-]${check} failed: reason withheld`);
  }
  if (failed) return { status: 500, body: `${lines.join('\n')}\n${name} check failed\n` };
  if (query.has('verbose')) return { status: 200, body: `${lines.join('\n')}\n${name} check passed\n` };
  return { status: 200, body: 'ok' };
}

export function writeHealth(res: ServerResponse, answer: HealthAnswer): void {
  res.writeHead(answer.status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(answer.body);
}

/** Serves the health endpoints; returns false when the request is for another path. */
export function handleHealth(req: IncomingMessage, res: ServerResponse, probe: HealthProbe): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const answer = healthAnswer(url.pathname, url.searchParams, probe);
  if (answer === undefined) return false;
  writeHealth(res, answer);
  return true;
}
