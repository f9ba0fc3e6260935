import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prometheusBackendSchema } from '../config/schema';
import type { CircuitState } from './circuitBreaker';
import { TransportError, type HttpResponse, type HttpTransport } from './httpTransport';
import { PrometheusClient, type PrometheusObserver } from './prometheusClient';
import { PrometheusError } from './prometheusError';

interface Sent {
  path: string;
  form: URLSearchParams;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
}

type Reply = HttpResponse | TransportError | Promise<HttpResponse>;

const ok = (value = '1'): HttpResponse =>
  json(200, {
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1700000000, value] }] },
  });
const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: Buffer.from(JSON.stringify(body)),
});
const apiError = (status: number, errorType: string, error: string, headers: Record<string, string> = {}) =>
  json(status, { status: 'error', errorType, error }, headers);

/** A transport answering from a script and recording what was sent. */
class ScriptedTransport implements HttpTransport {
  readonly sent: Sent[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly script: (n: number) => Reply) {}
  async post(path: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number) {
    const n = this.sent.push({ path, form: new URLSearchParams(body), headers, timeoutMs }) - 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const reply = await this.script(n);
      if (reply instanceof TransportError) throw reply;
      return reply;
    } finally {
      this.inFlight -= 1;
    }
  }
  close(): void {}
}

function recordingObserver() {
  const requests: string[] = [];
  const queries: string[] = [];
  const states: CircuitState[] = [];
  const observer: PrometheusObserver = {
    request: (e) => requests.push(`${e.backend} ${e.endpoint} ${e.outcome}`),
    query: (e) => queries.push(`${e.outcome} ${e.servedBy} ${e.series}`),
    circuitStateChanged: (_b, s) => states.push(s),
  };
  return { observer, requests, queries, states };
}

function client(
  script: (n: number) => Reply,
  backend: Record<string, unknown> = {},
  breaker = { failureThreshold: 3, coolDownMs: 30_000 },
) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const transport = new ScriptedTransport(script);
  const rec = recordingObserver();
  const c = new PrometheusClient({
    name: 'main',
    backend: prometheusBackendSchema.parse({ url: 'http://prom.test', cacheSeconds: 0, ...backend }),
    transport,
    observer: rec.observer,
    now: () => now,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    backoff: { baseMs: 100, capMs: 1000 },
    circuitBreaker: breaker,
  });
  return {
    c,
    transport,
    sleeps,
    ...rec,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('PrometheusClient requests', () => {
  it('POSTs an instant query as a form with time and timeout', async () => {
    const { c, transport } = client(() => ok('2.5'));
    const res = await c.instant('sum(up)', { time: 1_700_000_000_500 });
    expect(res.data).toEqual({
      resultType: 'vector',
      samples: [{ labels: { a: 'b' }, timestamp: 1_700_000_000_000, value: 2.5 }],
    });
    const sent = transport.sent[0]!;
    expect(sent.path).toBe('/api/v1/query');
    expect(Object.fromEntries(sent.form)).toEqual({ query: 'sum(up)', time: '1700000000.5', timeout: '10' });
    expect(sent.timeoutMs).toBe(10_000);
  });

  it('POSTs a range query with start, end and step in seconds', async () => {
    const { c, transport } = client(() =>
      json(200, { status: 'success', data: { resultType: 'matrix', result: [] } }),
    );
    await c.range('up', { start: 0, end: 3_600_000, stepMs: 15_000 });
    expect(transport.sent[0]!.path).toBe('/api/v1/query_range');
    expect(Object.fromEntries(transport.sent[0]!.form)).toMatchObject({
      start: '0',
      end: '3600',
      step: '15',
    });
  });

  it('sends custom headers, the tenant and bearer or basic credentials', async () => {
    const bearer = client(() => ok(), {
      tenant: 'team-a',
      headers: { 'X-Extra': '1' },
      auth: { bearerToken: 's3' },
    });
    await bearer.c.instant('up');
    expect(bearer.transport.sent[0]!.headers).toEqual({
      'X-Extra': '1',
      'X-Scope-OrgID': 'team-a',
      Authorization: 'Bearer s3',
    });
    const basic = client(() => ok(), { auth: { basic: { username: 'u', password: 'p:w' } } });
    await basic.c.instant('up');
    expect(basic.transport.sent[0]!.headers.Authorization).toBe(
      `Basic ${Buffer.from('u:p:w').toString('base64')}`,
    );
  });

  it('reads the bearer token file again when it changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'costscale-token-'));
    try {
      const file = join(dir, 'token');
      await writeFile(file, 'first\n');
      const { c, transport } = client(() => ok(), { auth: { bearerTokenFile: file } });
      await c.instant('up');
      await writeFile(file, 'second-and-longer');
      await c.instant('up');
      await rm(file);
      await expect(c.instant('up')).rejects.toMatchObject({ kind: 'credentials', backend: 'main' });
      expect(transport.sent.map((s) => s.headers.Authorization)).toEqual([
        'Bearer first',
        'Bearer second-and-longer',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('PrometheusClient errors and retries', () => {
  it('retries 5xx with full-jitter backoff and succeeds', async () => {
    const { c, transport, sleeps, requests, queries } = client((n) =>
      n < 2 ? apiError(503, 'unavailable', 'x') : ok(),
    );
    await expect(c.instant('up')).resolves.toBeDefined();
    expect(transport.sent).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]); // random 0.5 × 100·2^retry
    expect(requests).toEqual(['main query api', 'main query api', 'main query success']);
    expect(queries).toEqual(['success backend 1']);
  });

  it('honours Retry-After on 429', async () => {
    const { c, sleeps } = client((n) => (n === 0 ? json(429, 'slow down', { 'retry-after': '3' }) : ok()));
    await c.instant('up');
    expect(sleeps).toEqual([3000]);
  });

  it('gives up instead of waiting when Retry-After exceeds the limit', async () => {
    const { c, transport } = client(() => json(503, 'busy', { 'retry-after': '120' }));
    await expect(c.instant('up')).rejects.toMatchObject({ kind: 'http', status: 503, retryAfterMs: 120_000 });
    expect(transport.sent).toHaveLength(1);
  });

  it('does not retry a query error, and names the backend, the query and the error type', async () => {
    const { c, transport } = client(() =>
      apiError(400, 'bad_data', '1:14: parse error: unclosed left parenthesis'),
    );
    const err = await c.instant('sum(rate(up[5m])').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusError);
    expect(err).toMatchObject({
      kind: 'api',
      errorType: 'bad_data',
      status: 400,
      retryable: false,
      query: 'sum(rate(up[5m])',
    });
    expect((err as Error).message).toBe(
      'Prometheus backend "main": bad_data: 1:14: parse error: unclosed left parenthesis (query: sum(rate(up[5m]))',
    );
    expect(transport.sent).toHaveLength(1);
  });

  it('retries network errors and timeouts, then reports the last', async () => {
    const { c, transport } = client((n) =>
      n === 0
        ? new TransportError('network', 'connect ECONNREFUSED')
        : new TransportError('timeout', 'no response'),
    );
    await expect(c.instant('up')).rejects.toMatchObject({ kind: 'timeout', retryable: true });
    expect(transport.sent).toHaveLength(3);
  });

  it('reports a proxy error page as an HTTP error and a non-JSON 200 as malformed (not retried)', async () => {
    const gateway = client(
      () => ({ status: 502, headers: {}, body: Buffer.from('<html>Bad Gateway</html>') }),
      {
        retries: 0,
      },
    );
    await expect(gateway.c.instant('up')).rejects.toThrow('HTTP 502: <html>Bad Gateway</html>');
    const garbage = client(() => ({ status: 200, headers: {}, body: Buffer.from('not json') }));
    await expect(garbage.c.instant('up')).rejects.toMatchObject({ kind: 'malformed' });
    expect(garbage.transport.sent).toHaveLength(1);
  });
});

describe('PrometheusClient circuit breaker', () => {
  it('opens after consecutive failed requests, sends nothing while open, and closes after a good probe', async () => {
    let healthy = false;
    const { c, transport, advance, states, requests } = client(
      () => (healthy ? ok() : new TransportError('network', 'ECONNREFUSED')),
      { retries: 0 },
      { failureThreshold: 2, coolDownMs: 30_000 },
    );
    await expect(c.instant('a')).rejects.toMatchObject({ kind: 'network' });
    await expect(c.instant('b')).rejects.toMatchObject({ kind: 'network' });
    expect(c.circuitState).toBe('open');
    await expect(c.instant('c')).rejects.toMatchObject({ kind: 'circuit-open', backend: 'main', query: 'c' });
    expect(transport.sent).toHaveLength(2);
    healthy = true;
    advance(30_000);
    await expect(c.instant('d')).resolves.toBeDefined();
    expect(c.circuitState).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
    expect(requests).toEqual(['main query network', 'main query network', 'main query success']);
  });

  it('issue 16, defect 10: a probe at tick start closes the circuit of a backend that is back, before its cool-down ends', async () => {
    let healthy = false;
    const { c, transport, advance, states } = client(
      () => (healthy ? ok() : new TransportError('network', 'ECONNREFUSED')),
      { retries: 0 },
      { failureThreshold: 2, coolDownMs: 30_000 },
    );
    await expect(c.instant('a')).rejects.toMatchObject({ kind: 'network' });
    await expect(c.instant('b')).rejects.toMatchObject({ kind: 'network' });
    expect(c.circuitState).toBe('open');
    // Still down: the probe fails, never throws, and the circuit opens again.
    advance(15_000);
    await c.probe();
    expect(c.circuitState).toBe('open');
    expect(transport.sent).toHaveLength(3);
    // Back 15 s later, half-way through the new cool-down: every query of the tick goes through.
    healthy = true;
    advance(15_000);
    await c.probe();
    expect(c.circuitState).toBe('closed');
    await expect(Promise.all(['x', 'y', 'z'].map((q) => c.instant(q)))).resolves.toHaveLength(3);
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
    expect(transport.sent).toHaveLength(7);
    // Closed: a probe sends nothing.
    await c.probe();
    expect(transport.sent).toHaveLength(7);
  });

  it('is not opened by query errors, which say nothing about the backend', async () => {
    const { c } = client(
      () => apiError(422, 'execution', 'many-to-many matching'),
      {},
      { failureThreshold: 1, coolDownMs: 1 },
    );
    await expect(c.instant('x')).rejects.toMatchObject({ kind: 'api' });
    await expect(c.instant('y')).rejects.toMatchObject({ kind: 'api' });
    expect(c.circuitState).toBe('closed');
  });
});

describe('PrometheusClient sharing', () => {
  it('runs identical concurrent queries once', async () => {
    let release!: (r: HttpResponse) => void;
    const gate = new Promise<HttpResponse>((r) => (release = r));
    const { c, transport, queries } = client(() => gate);
    const both = Promise.all([c.instant('up', { time: 5000 }), c.instant('up', { time: 5000 })]);
    const other = c.instant('up', { time: 6000 });
    release(ok());
    const [a, b] = await both;
    await other;
    expect(a).toBe(b);
    expect(transport.sent).toHaveLength(2);
    expect(queries.sort()).toEqual(['success backend 1', 'success backend 1', 'success in-flight 1']);
  });

  it('answers repeated queries from the cache until it expires', async () => {
    const { c, transport, advance, queries } = client(() => ok(), { cacheSeconds: 5 });
    await c.instant('up');
    advance(4_999);
    await c.instant('up');
    expect(transport.sent).toHaveLength(1);
    advance(1);
    await c.instant('up');
    expect(transport.sent).toHaveLength(2);
    expect(queries).toEqual(['success backend 1', 'success cache 1', 'success backend 1']);
  });

  it('does not cache failures', async () => {
    const { c, transport } = client((n) => (n === 0 ? apiError(400, 'bad_data', 'x') : ok()), {
      cacheSeconds: 5,
    });
    await expect(c.instant('up')).rejects.toThrow();
    await c.instant('up');
    expect(transport.sent).toHaveLength(2);
  });

  it('keeps at most maxConcurrency requests in flight and queues the rest', async () => {
    const { c, transport } = client(() => new Promise((r) => setTimeout(() => r(ok()), 5)), {
      maxConcurrency: 2,
    });
    await Promise.all(Array.from({ length: 7 }, (_, i) => c.instant(`q${i}`)));
    expect(transport.sent).toHaveLength(7);
    expect(transport.maxInFlight).toBe(2);
  });
});
