// The three Kubernetes API calls delegated authentication and authorization need (external-metrics-api.md
// §2.1–§2.3): TokenReview, SubjectAccessReview and reading the extension-apiserver-authentication
// ConfigMap. The interface is the seam tests point at a stand-in; the implementation speaks the JSON
// REST API over the one Kubernetes connection (k8s/connection.ts).

import type { KubeConnection } from '../../k8s/connection';
import { kubeRequester } from '../../k8s/request';

export interface UserInfoJson {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** authentication.k8s.io/v1 TokenReviewStatus. */
export interface TokenReviewStatus {
  readonly authenticated?: boolean;
  readonly user?: UserInfoJson;
  readonly audiences?: readonly string[];
  readonly error?: string;
}

export interface LabelSelectorRequirementJson {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** authorization.k8s.io/v1 SubjectAccessReviewSpec, fields in Go struct order. */
export interface SubjectAccessReviewSpec {
  readonly resourceAttributes?: {
    readonly namespace?: string;
    readonly verb?: string;
    readonly group?: string;
    readonly version?: string;
    readonly resource?: string;
    readonly subresource?: string;
    readonly name?: string;
    readonly labelSelector?: { readonly requirements: readonly LabelSelectorRequirementJson[] };
  };
  readonly nonResourceAttributes?: { readonly path: string; readonly verb: string };
  readonly user: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
  readonly uid?: string;
}

export interface SubjectAccessReviewStatus {
  readonly allowed: boolean;
  readonly denied?: boolean;
  readonly reason?: string;
  readonly evaluationError?: string;
}

export interface KubernetesAuthApi {
  createTokenReview(spec: { token: string; audiences?: readonly string[] }): Promise<TokenReviewStatus>;
  createSubjectAccessReview(spec: SubjectAccessReviewSpec): Promise<SubjectAccessReviewStatus>;
  /** The ConfigMap's data, or undefined when it does not exist. */
  readConfigMap(namespace: string, name: string): Promise<Readonly<Record<string, string>> | undefined>;
}

export function createKubernetesAuthApi(connection: KubeConnection): KubernetesAuthApi {
  const call = kubeRequester(connection);

  async function create<T>(apiPath: string, kind: string, apiVersion: string, spec: unknown): Promise<T> {
    const { status, json } = await call('POST', apiPath, { apiVersion, kind, spec });
    if (status < 200 || status > 299) throw new Error(`create ${kind}: ${statusMessage(status, json)}`);
    return ((json as { status?: T } | undefined)?.status ?? {}) as T;
  }

  return {
    createTokenReview: (spec) =>
      create('/apis/authentication.k8s.io/v1/tokenreviews', 'TokenReview', 'authentication.k8s.io/v1', spec),
    createSubjectAccessReview: async (spec) => {
      const status = await create<Partial<SubjectAccessReviewStatus>>(
        '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        'SubjectAccessReview',
        'authorization.k8s.io/v1',
        spec,
      );
      return { ...status, allowed: status.allowed === true };
    },
    readConfigMap: async (namespace, name) => {
      const { status, json } = await call(
        'GET',
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`,
      );
      if (status === 404) return undefined;
      if (status < 200 || status > 299)
        throw new Error(`read ConfigMap ${namespace}/${name}: ${statusMessage(status, json)}`);
      return (json as { data?: Record<string, string> }).data ?? {};
    },
  };
}

function statusMessage(status: number, json: unknown): string {
  const message = (json as { message?: unknown } | undefined)?.message;
  return `HTTP ${status}${typeof message === 'string' ? `: ${message}` : ''}`;
}
