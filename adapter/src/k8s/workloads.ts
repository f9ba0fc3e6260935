import type { KubeConnection } from './connection';
import { kubeRequester } from './request';

// The workload objects recommendations read and change: apps/v1 Deployments and StatefulSets and
// autoscaling/v2 HorizontalPodAutoscalers, and the policy/v1 PodDisruptionBudgets that cover them, over the JSON REST
// API with the one Kubernetes connection (connection.ts). Changes are JSON merge patches (RFC 7386,
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

function objectPath(ref: ObjectRef): string {
  const seg = encodeURIComponent;
  return `/apis/${API_VERSIONS[ref.kind]}/namespaces/${seg(ref.namespace)}/${RESOURCES[ref.kind]}/${seg(ref.name)}`;
}

export function createWorkloadsApi(connection: KubeConnection): WorkloadsApi {
  const request = kubeRequester(connection);
  const call = (method: 'GET' | 'PATCH', apiPath: string, body?: unknown) =>
    request(method, apiPath, body, 'application/merge-patch+json');

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
