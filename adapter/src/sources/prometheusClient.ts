import { readFile, stat } from 'node:fs/promises';
import type { PrometheusBackend } from '../config/schema';
import { backoffDelayMs, DEFAULT_BACKOFF, parseRetryAfter, type BackoffOptions } from './backoff';
import {
  CircuitBreaker,
  DEFAULT_CIRCUIT_BREAKER,
  type CircuitBreakerOptions,
  type CircuitState,
  type Permit,
} from './circuitBreaker';
import { ConcurrencyLimit } from './concurrencyLimit';
import { createHttpTransport, TransportError, type HttpResponse, type HttpTransport } from './httpTransport';
import { isRetryableStatus, PrometheusError, type PrometheusErrorKind } from './prometheusError';
import { scanQueryResponse } from './prometheusBodyScanner';
import { parseQueryResponse, seriesCount, type QueryResponse } from './prometheusResponse';

// A client for one Prometheus-compatible backend: POSTed form queries (as Grafana sends them, so long
// merged queries fit), auth and tenant headers, per-attempt timeouts, retries with jittered backoff
// for transient failures only, a circuit breaker, a concurrency limit, and de-duplication plus a
// short cache of identical queries.

export type Endpoint = 'query' | 'query_range';

/** What a query call observed; bound to prom-client by the composition root. */
export interface PrometheusObserver {
  /** Each HTTP request sent (every attempt), with its latency. */
  request(event: {
    readonly backend: string;
    readonly endpoint: Endpoint;
    readonly outcome: 'success' | PrometheusErrorKind;
    readonly durationSeconds: number;
  }): void;
  /** Each query call once settled: answered by the backend, the cache, or a shared in-flight request. */
  query(event: {
    readonly backend: string;
    readonly endpoint: Endpoint;
    readonly outcome: 'success' | PrometheusErrorKind;
    readonly servedBy: 'backend' | 'cache' | 'in-flight';
    /** Series in the result (0 on errors). */
    readonly series: number;
  }): void;
  circuitStateChanged(backend: string, state: CircuitState): void;
}

export const NOOP_OBSERVER: PrometheusObserver = {
  request: () => {},
  query: () => {},
  circuitStateChanged: () => {},
};

export interface InstantQueryOptions {
  /** Evaluation time, epoch milliseconds; the backend's "now" when absent. */
  readonly time?: number;
}

export interface RangeQueryOptions {
  /** Epoch milliseconds. */
  readonly start: number;
  readonly end: number;
  readonly stepMs: number;
}

/** What the engine needs from a backend (tests may substitute their own). */
export interface PrometheusQuerier {
  readonly name: string;
  instant(query: string, options?: InstantQueryOptions): Promise<QueryResponse>;
  range(query: string, options: RangeQueryOptions): Promise<QueryResponse>;
  /** Checks at once whether a backend behind an open circuit is back (never throws). */
  probe?(): Promise<void>;
}

export interface PrometheusClientOptions {
  /** The backend's name in the configuration; every error and observation carries it. */
  readonly name: string;
  readonly backend: PrometheusBackend;
  readonly observer?: PrometheusObserver;
  /** Epoch milliseconds. */
  readonly now?: () => number;
  /** Uniform in [0, 1). */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly transport?: HttpTransport;
  readonly backoff?: BackoffOptions;
  readonly circuitBreaker?: CircuitBreakerOptions;
  /** A Retry-After longer than this ends the retries instead of waiting. */
  readonly maxRetryAfterMs?: number;
  readonly maxCacheEntries?: number;
}

const DEFAULT_MAX_RETRY_AFTER_MS = 10_000;
const DEFAULT_MAX_CACHE_ENTRIES = 1_000;

export class PrometheusClient implements PrometheusQuerier {
  readonly name: string;
  private readonly backend: PrometheusBackend;
  private readonly observer: PrometheusObserver;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly transport: HttpTransport;
  private readonly backoff: BackoffOptions;
  private readonly breaker: CircuitBreaker;
  private readonly limit: ConcurrencyLimit;
  private readonly maxRetryAfterMs: number;
  private readonly maxCacheEntries: number;
  private readonly inFlight = new Map<string, Promise<QueryResponse>>();
  private readonly cache = new Map<string, { expiresAt: number; response: QueryResponse }>();
  private readonly token: TokenSource | undefined;

  constructor(options: PrometheusClientOptions) {
    this.name = options.name;
    this.backend = options.backend;
    this.observer = options.observer ?? NOOP_OBSERVER;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.transport =
      options.transport ??
      createHttpTransport(options.backend.url, {
        ...(options.backend.tls !== undefined && { tls: options.backend.tls }),
        maxSockets: options.backend.maxConcurrency,
      });
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.breaker = new CircuitBreaker(options.circuitBreaker ?? DEFAULT_CIRCUIT_BREAKER, this.now, (state) =>
      this.observer.circuitStateChanged(this.name, state),
    );
    this.limit = new ConcurrencyLimit(options.backend.maxConcurrency);
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.maxCacheEntries = options.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES;
    const auth = options.backend.auth;
    this.token =
      auth === undefined || 'basic' in auth
        ? undefined
        : 'bearerToken' in auth
          ? { get: async () => auth.bearerToken }
          : new TokenFile(auth.bearerTokenFile);
  }

  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  instant(query: string, options: InstantQueryOptions = {}): Promise<QueryResponse> {
    const params: Record<string, string> = { query };
    if (options.time !== undefined) params.time = seconds(options.time);
    return this.call('query', params);
  }

  range(query: string, options: RangeQueryOptions): Promise<QueryResponse> {
    if (!(options.stepMs > 0))
      throw new RangeError(`range query step must be positive, got ${options.stepMs} ms`);
    return this.call('query_range', {
      query,
      start: seconds(options.start),
      end: seconds(options.end),
      step: seconds(options.stepMs),
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.transport.close();
  }

  private async call(endpoint: Endpoint, params: Record<string, string>): Promise<QueryResponse> {
    const key = `${endpoint}\n${Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.expiresAt > this.now()) {
      this.settled(endpoint, 'cache', cached.response);
      return cached.response;
    }
    const shared = this.inFlight.get(key);
    if (shared !== undefined) return this.observe(endpoint, 'in-flight', shared);

    const pending = this.withRetries(endpoint, params);
    this.inFlight.set(key, pending);
    const cleanup = (): void => {
      this.inFlight.delete(key);
    };
    pending.then((response) => {
      cleanup();
      this.remember(key, response);
    }, cleanup);
    return this.observe(endpoint, 'backend', pending);
  }

  private async observe(
    endpoint: Endpoint,
    servedBy: 'backend' | 'in-flight',
    pending: Promise<QueryResponse>,
  ): Promise<QueryResponse> {
    try {
      const response = await pending;
      this.settled(endpoint, servedBy, response);
      return response;
    } catch (err) {
      const outcome = err instanceof PrometheusError ? err.kind : 'network';
      this.observer.query({ backend: this.name, endpoint, outcome, servedBy, series: 0 });
      throw err;
    }
  }

  private settled(
    endpoint: Endpoint,
    servedBy: 'backend' | 'cache' | 'in-flight',
    response: QueryResponse,
  ): void {
    const series = seriesCount(response.data);
    this.observer.query({ backend: this.name, endpoint, outcome: 'success', servedBy, series });
  }

  private remember(key: string, response: QueryResponse): void {
    const ttl = this.backend.cacheSeconds * 1000;
    if (ttl <= 0) return;
    const now = this.now();
    if (this.cache.size >= this.maxCacheEntries) {
      for (const [k, v] of this.cache) if (v.expiresAt <= now) this.cache.delete(k);
      // Still full: drop the oldest entries (a Map iterates in insertion order).
      for (const k of this.cache.keys()) {
        if (this.cache.size < this.maxCacheEntries) break;
        this.cache.delete(k);
      }
    }
    this.cache.set(key, { expiresAt: now + ttl, response });
  }

  private async withRetries(endpoint: Endpoint, params: Record<string, string>): Promise<QueryResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limit.run(() => this.attempt(endpoint, params));
      } catch (err) {
        if (!(err instanceof PrometheusError) || !err.retryable || attempt >= this.backend.retries) throw err;
        const delay = err.retryAfterMs ?? backoffDelayMs(attempt, this.backoff, this.random);
        if (delay > this.maxRetryAfterMs) throw err;
        await this.sleep(delay);
      }
    }
  }

  async probe(): Promise<void> {
    if (this.breaker.state === 'closed') return;
    const query = 'vector(1)';
    try {
      const headers = await this.headers(query);
      const permit = this.breaker.probeNow();
      if (permit !== undefined)
        await this.gated(permit, 'query', { query, time: seconds(this.now()) }, headers);
    } catch {
      // The outcome is the circuit's new state; the tick's own queries report their errors.
    }
  }

  /** One request, gated by the circuit breaker; failures that say nothing about backend health pass it. */
  private async attempt(endpoint: Endpoint, params: Record<string, string>): Promise<QueryResponse> {
    const query = params.query ?? '';
    const headers = await this.headers(query);
    const permit = this.breaker.acquire();
    return this.gated(permit, endpoint, params, headers);
  }

  private async gated(
    permit: Permit,
    endpoint: Endpoint,
    params: Record<string, string>,
    headers: Record<string, string>,
  ): Promise<QueryResponse> {
    const query = params.query ?? '';
    if (!permit.allowed) {
      throw new PrometheusError(
        `circuit breaker open after repeated failures; next attempt in ${Math.ceil(permit.retryInMs / 1000)} s`,
        { backend: this.name, query, kind: 'circuit-open', retryable: false },
      );
    }
    const started = this.now();
    let outcome: 'success' | PrometheusErrorKind = 'success';
    try {
      const response = await this.send(endpoint, params, headers);
      this.breaker.succeeded(permit);
      return response;
    } catch (err) {
      const failure =
        err instanceof PrometheusError
          ? err
          : new PrometheusError(String(err), { backend: this.name, query, kind: 'network', retryable: true });
      outcome = failure.kind;
      if (failure.retryable) this.breaker.failed(permit);
      else this.breaker.succeeded(permit);
      throw failure;
    } finally {
      const durationSeconds = (this.now() - started) / 1000;
      this.observer.request({ backend: this.name, endpoint, outcome, durationSeconds });
    }
  }

  private async send(
    endpoint: Endpoint,
    params: Record<string, string>,
    headers: Record<string, string>,
  ): Promise<QueryResponse> {
    const context = { backend: this.name, query: params.query ?? '' };
    const form = new URLSearchParams({ ...params, timeout: String(this.backend.timeoutSeconds) }).toString();
    let res: HttpResponse;
    try {
      res = await this.transport.post(
        `/api/v1/${endpoint}`,
        form,
        headers,
        this.backend.timeoutSeconds * 1000,
      );
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      const kind = err.kind === 'too-large' ? 'malformed' : err.kind;
      const reason = err.kind === 'timeout' ? `timed out: ${err.message}` : `request failed: ${err.message}`;
      throw new PrometheusError(
        reason,
        { ...context, kind, retryable: err.kind !== 'too-large' },
        { cause: err },
      );
    }
    const retryable = isRetryableStatus(res.status);
    const retryAfterHeader = res.headers['retry-after'];
    const retryAfterMs = retryable ? parseRetryAfter(retryAfterHeader, this.now()) : undefined;
    const httpDetails = {
      ...context,
      status: res.status,
      retryable,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    };
    // Vectors and matrices without building JSON.parse's tree of every sample (issue 16: engine memory).
    const scanned = res.status < 300 ? scanQueryResponse(res.body) : undefined;
    if (scanned !== undefined) return scanned;
    const text = res.body.toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const reason = `HTTP ${res.status}${res.status < 300 ? ' with a body that is not JSON' : ''}: ${snippet(text)}`;
      throw new PrometheusError(reason, { ...httpDetails, kind: res.status < 300 ? 'malformed' : 'http' });
    }
    const parsed = parseQueryResponse(body);
    if ('kind' in parsed && parsed.kind === 'api-error') {
      throw new PrometheusError(`${parsed.errorType}: ${parsed.error}`, {
        ...httpDetails,
        kind: 'api',
        errorType: parsed.errorType,
      });
    }
    if ('kind' in parsed) {
      const kind = res.status < 300 ? 'malformed' : 'http';
      throw new PrometheusError(`HTTP ${res.status}: ${parsed.detail}`, { ...httpDetails, kind });
    }
    if (res.status >= 300) {
      throw new PrometheusError(`HTTP ${res.status} with a success body`, { ...httpDetails, kind: 'http' });
    }
    return parsed;
  }

  private async headers(query: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...this.backend.headers };
    if (this.backend.tenant !== undefined) headers['X-Scope-OrgID'] = this.backend.tenant;
    const auth = this.backend.auth;
    if (auth !== undefined && 'basic' in auth) {
      const { username, password } = auth.basic;
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    } else if (this.token !== undefined) {
      try {
        headers.Authorization = `Bearer ${await this.token.get()}`;
      } catch (err) {
        throw new PrometheusError(
          `cannot read bearer token: ${err instanceof Error ? err.message : String(err)}`,
          { backend: this.name, query, kind: 'credentials', retryable: false },
          { cause: err },
        );
      }
    }
    return headers;
  }
}

interface TokenSource {
  get(): Promise<string>;
}

/** A bearer token file, read again when it changes (Kubernetes rotates projected tokens in place). */
class TokenFile implements TokenSource {
  private version = '';
  private token = '';

  constructor(private readonly path: string) {}

  async get(): Promise<string> {
    const s = await stat(this.path);
    const version = `${s.mtimeMs}:${s.size}:${s.ino}`;
    if (version !== this.version) {
      const token = (await readFile(this.path, 'utf8')).trim();
      if (token === '') throw new Error(`${this.path} is empty`);
      this.token = token;
      this.version = version;
    }
    return this.token;
  }
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

function snippet(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(empty body)';
}
