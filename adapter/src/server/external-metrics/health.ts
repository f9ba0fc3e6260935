// /healthz, /livez, /readyz with the bodies of apiserver pkg/server/healthz/healthz.go
// (external-metrics-api.md §1.7): `ok`, `?verbose` listings, `?exclude=<check>`, `/<endpoint>/<check>`,
// and failures listed as `[-]<check> failed: reason withheld`.

export type HealthEndpoint = 'healthz' | 'livez' | 'readyz';

export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, boolean>>;
}

export interface HealthResponse {
  readonly code: number;
  readonly body: string;
}

export const HEALTH_HEADERS = {
  'Content-Type': 'text/plain; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
} as const;

/**
 * Checks per endpoint: liveness only needs the process to answer (`ping`), so a failing dependency
 * never gets the pod restarted; readiness adds the service's own checks and `shutdown`.
 * `ready: false` without a failing named check is reported as the check `ready`.
 */
export function healthChecks(
  endpoint: HealthEndpoint,
  readiness: Readiness,
  shuttingDown: boolean,
): Array<[string, boolean]> {
  if (endpoint !== 'readyz') return [['ping', true]];
  const named = Object.entries(readiness.checks);
  const checks: Array<[string, boolean]> = [['ping', true], ...named];
  if (!readiness.ready && named.every(([, ok]) => ok)) checks.push(['ready', false]);
  checks.push(['shutdown', !shuttingDown]);
  return checks;
}

/** The root handler: `subPath` is what follows `/<endpoint>/`, or undefined for the endpoint itself. */
export function healthResponse(
  endpoint: HealthEndpoint,
  subPath: string | undefined,
  query: URLSearchParams,
  checks: ReadonlyArray<[string, boolean]>,
): HealthResponse | undefined {
  if (subPath !== undefined) {
    const check = checks.find(([name]) => name === subPath);
    if (check === undefined) return undefined;
    // adaptCheckToHandler: `ok`, or http.Error with the check's error (ours carry no detail).
    return check[1]
      ? { code: 200, body: 'ok' }
      : { code: 500, body: `internal server error: ${subPath} failed\n` };
  }
  const excluded = new Set(query.getAll('exclude'));
  let lines = '';
  let failed = false;
  for (const [name, ok] of checks) {
    if (excluded.delete(name)) {
      lines += `[+]${name} excluded: ok\n`;
    } else if (ok) {
      lines += `[+]${name} ok\n`;
    } else {
      lines += `[-]${name} failed: reason withheld\n`;
      failed = true;
    }
  }
  if (excluded.size > 0) {
    const names = [...excluded]
      .sort()
      .map((n) => `"${n}"`)
      .join(', ');
    lines += `warn: some health checks cannot be excluded: no matches for ${names}\n`;
  }
  // Failures are always verbose; http.Error appends a newline.
  if (failed) return { code: 500, body: `${lines}${endpoint} check failed\n` };
  if (!query.has('verbose')) return { code: 200, body: 'ok' };
  return { code: 200, body: `${lines}${endpoint} check passed\n` };
}
