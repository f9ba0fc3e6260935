import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { configSchema, prometheusBackendSchema, type Config } from '../../adapter/src/config/schema';
import { SnapshotHolder } from '../../adapter/src/snapshot/snapshot';
import { dryRunEvaluator } from '../../adapter/src/engine/evaluate';
import { createRestApi, type ManagedChange, type RestApi } from '../../adapter/src/server/rest';
import type { KubernetesAuthApi } from '../../adapter/src/server/auth';
import type { WorkloadsApi } from '../../adapter/src/k8s/workloads';
import { DEFAULT_REST_SETTINGS, type RestSettings } from '../../adapter/src/config/restSettings';
import type { Role } from '../../adapter/src/config/roles';
import { Router } from '../../adapter/src/server/rest/router';
import { RESPONSES } from '../../adapter/src/server/rest/schemas';
import {
  PrometheusClient,
  type Backends,
  type PrometheusQuerier,
  type QueryResponse,
} from '../../adapter/src/sources';
import { createApiKey } from '../../adapter/src/store/apiKeys';
import type { Database } from '../../adapter/src/store/db';
import { migrate } from '../../adapter/src/store/migrate';

// The REST API on a plain local HTTP server over a migrated database, with one API key per role.
// Configuration, settings, snapshot and backends are the harness's to change between requests. Every
// success answer is parsed with its route's response schema (strict objects), so a handler that sends a
// field the contract lacks, or a value of another shape, fails the test that called it.

export interface RestHarness {
  readonly url: string;
  readonly db: Database;
  readonly api: RestApi;
  readonly holder: SnapshotHolder;
  readonly tokens: Readonly<Record<Role, string>>;
  readonly changes: ManagedChange[];
  config: Config;
  settings: RestSettings;
  backends: Backends;
  now: () => number;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

export interface CallOptions {
  /** API key role, an explicit token, or null for no Authorization header (default: admin). */
  readonly as?: Role | { token: string } | null;
  readonly body?: unknown;
  /** Sent as is (with the given or a JSON content type). */
  readonly raw?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const BASE_CONFIG = {
  prometheus: { default: { url: 'http://127.0.0.1:9' } },
  policies: [
    {
      name: 'web',
      namespace: 'shop',
      target: { name: 'web' },
      demand: { query: 'sum(rate(http_requests_total{service="web"}[2m]))' },
      capacityPerReplica: 50,
      replicas: { min: 2, max: 10 },
      budget: 'team',
      resources: { cpuCores: 1, memoryGiB: 2 },
    },
  ],
  budgets: [{ name: 'team', period: 'monthly', amount: 1000, scope: { namespaces: ['shop'] } }],
};

/** A backend answering every instant query with one sample of `value` and range queries with a ramp. */
export function constantBackend(value: number, name = 'default'): PrometheusQuerier {
  return {
    name,
    instant: async (_q, options): Promise<QueryResponse> => ({
      data: {
        resultType: 'vector',
        samples: [{ labels: {}, timestamp: options?.time ?? Date.now(), value }],
      },
      warnings: [],
    }),
    range: async (_q, o): Promise<QueryResponse> => {
      const n = Math.floor((o.end - o.start) / o.stepMs) + 1;
      return {
        data: {
          resultType: 'matrix',
          series: [
            {
              labels: {},
              timestamps: Float64Array.from({ length: n }, (_, i) => o.start + i * o.stepMs),
              values: Float64Array.from({ length: n }, (_, i) => value + i),
            },
          ],
        },
        warnings: [],
      };
    },
  };
}

export async function startRestHarness(
  db: Database,
  options: {
    config?: unknown;
    kubeApi?: KubernetesAuthApi;
    workloads?: WorkloadsApi;
    settings?: Partial<RestSettings>;
    /** A real Prometheus as the default backend, instead of a constant. */
    prometheusUrl?: string;
  } = {},
): Promise<RestHarness> {
  await migrate(db);
  const tokens = {} as Record<Role, string>;
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    tokens[role] = (await createApiKey(db, { name: `test-${role}`, role }, Date.now())).token;
  }
  const holder = new SnapshotHolder();
  const prometheus =
    options.prometheusUrl === undefined
      ? undefined
      : new PrometheusClient({
          name: 'default',
          backend: prometheusBackendSchema.parse({ url: options.prometheusUrl, cacheSeconds: 0 }),
        });
  const changes: ManagedChange[] = [];
  const harness = {
    db,
    holder,
    tokens,
    changes,
    config: configSchema.parse(
      options.prometheusUrl === undefined
        ? (options.config ?? BASE_CONFIG)
        : {
            ...(options.config ?? BASE_CONFIG),
            prometheus: { default: { url: options.prometheusUrl, cacheSeconds: 0 } },
          },
    ),
    settings: {
      ...DEFAULT_REST_SETTINGS,
      rateLimit: {
        requestsPerSecond: 10_000,
        burst: 10_000,
        failedAuthPerSecond: 10_000,
        failedAuthBurst: 10_000,
      },
      ...options.settings,
    },
    backends: new Map([['default', prometheus ?? constantBackend(100)]]) as Backends,
    now: () => Date.now(),
  } as Omit<RestHarness, 'url' | 'api' | 'call' | 'close'>;
  const api = createRestApi({
    db,
    snapshot: holder,
    config: () => harness.config,
    backends: () => harness.backends,
    evaluator: dryRunEvaluator,
    settings: () => harness.settings,
    clock: () => harness.now(),
    onChange: (what) => changes.push(what),
    ...(options.kubeApi !== undefined && { kubeApi: options.kubeApi }),
    ...(options.workloads !== undefined && { workloads: options.workloads }),
  });
  const server = http.createServer(api);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function call(method: string, path: string, o: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string> = { ...o.headers };
    const as = o.as === undefined ? 'admin' : o.as;
    if (as !== null) headers.authorization ??= `Bearer ${typeof as === 'string' ? tokens[as] : as.token}`;
    let body: string | Buffer | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined && { body }) });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (json !== undefined) checkContract(method, path, res.status, json);
    return { status: res.status, headers: res.headers, text, json };
  }

  const router = new Router(api.routes);
  function checkContract(method: string, path: string, status: number, json: unknown): void {
    const match = router.match(method, new URL(path, url).pathname);
    if (match.kind !== 'found' || status !== match.route.success.status) return;
    const component = match.route.success.component;
    if (component === undefined) return;
    const parsed = RESPONSES[component].safeParse(json);
    if (!parsed.success) {
      throw new Error(`${method} ${path} answered outside its ${component} schema: ${parsed.error.message}`);
    }
  }

  return Object.assign(harness, {
    url,
    api,
    call,
    close: () =>
      new Promise<void>((resolve) => {
        prometheus?.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  }) as RestHarness;
}
