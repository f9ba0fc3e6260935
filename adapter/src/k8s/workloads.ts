import https from 'node:https';
import type { KubeConnection } from '../server/auth/kube-api';

// The workload objects recommendations read and change: apps/v1 Deployments and StatefulSets and
// autoscaling/v2 HorizontalPodAutoscalers, and the policy/v1 PodDisruptionBudgets that cover them, over the JSON REST
// API with the credentials of a kubeconfig or the pod's service account (the same connection as
// TokenReview; server/auth/kube-api.ts). Changes are JSON merge patches (RFC 7386,
// `application/merge-patch+json`).

export type ObjectKind = 'Deployment' | 'StatefulSet' | 'HorizontalPodAutoscaler';

export interface ObjectRef {
  readonly kind: ObjectKind;
  readonly namespace: string;
  readonly name: string;
}

/** A Kubernetes object as JSON. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec?: Record<string, unknown>;
  readonly [field: string]: unknown;
}

/** An error answer of the API server, with its HTTP status and Status reason. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string | undefined,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface WorkloadsApi {
  /** The object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  /** Applies a JSON merge patch; a 409 (e.g. a stale resourceVersion in the patch) is a KubeApiError. */
  patch(ref: ObjectRef, mergePatch: unknown): Promise<KubeObject>;
  listPodDisruptionBudgets(namespace: string): Promise<KubeObject[]>;
}

export const API_VERSIONS: Readonly<Record<ObjectKind, string>> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
};

const RESOURCES: Readonly<Record<ObjectKind, string>> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
};

const REQUEST_TIMEOUT_MS = 10_000;

function objectPath(ref: ObjectRef): string {
  const seg = encodeURIComponent;
  return `/apis/${API_VERSIONS[ref.kind]}/namespaces/${seg(ref.namespace)}/${RESOURCES[ref.kind]}/${seg(ref.name)}`;
}

export function createWorkloadsApi(connection: KubeConnection): WorkloadsApi {
  const url = new URL(connection.server);
  const agent = new https.Agent({
    keepAlive: true,
    ca: connection.ca,
    cert: connection.clientCert,
    key: connection.clientKey,
    rejectUnauthorized: !connection.insecureSkipTLSVerify,
    servername: connection.tlsServerName,
  });
  const basePath = url.pathname.replace(/\/$/, '');

  function call(
    method: 'GET' | 'PATCH',
    apiPath: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const token = connection.token?.();
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          agent,
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port || 443,
          method,
          path: basePath + apiPath,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            Accept: 'application/json',
            ...(payload !== undefined && { 'Content-Type': 'application/merge-patch+json' }),
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, json: text === '' ? undefined : JSON.parse(text) });
            } catch {
              reject(
                new KubeApiError(
                  `${method} ${apiPath}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`,
                  res.statusCode ?? 0,
                  undefined,
                ),
              );
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`${method} ${apiPath}: no answer within ${REQUEST_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  function fail(what: string, status: number, json: unknown): KubeApiError {
    const s = json as { message?: unknown; reason?: unknown } | undefined;
    const message = typeof s?.message === 'string' ? `: ${s.message}` : '';
    return new KubeApiError(
      `${what}: HTTP ${status}${message}`,
      status,
      typeof s?.reason === 'string' ? s.reason : undefined,
    );
  }

  return {
    async get(ref) {
      const { status, json } = await call('GET', objectPath(ref));
      if (status === 404) return undefined;
      if (status !== 200) throw fail(`get ${ref.kind} ${ref.namespace}/${ref.name}`, status, json);
      return json as KubeObject;
    },
    async patch(ref, mergePatch) {
      const { status, json } = await call('PATCH', objectPath(ref), mergePatch);
      if (status !== 200) throw fail(`patch ${ref.kind} ${ref.namespace}/${ref.name}`, status, json);
      return json as KubeObject;
    },
    async listPodDisruptionBudgets(namespace) {
      const { status, json } = await call(
        'GET',
        `/apis/policy/v1/namespaces/${encodeURIComponent(namespace)}/poddisruptionbudgets`,
      );
      if (status !== 200) throw fail(`list PodDisruptionBudgets in ${namespace}`, status, json);
      return (json as { items?: KubeObject[] }).items ?? [];
    },
  };
}
