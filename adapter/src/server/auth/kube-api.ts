// The three Kubernetes API calls delegated authentication and authorization need (external-metrics-api.md
// §2.1–§2.3): TokenReview, SubjectAccessReview and reading the extension-apiserver-authentication
// ConfigMap. The interface is the seam tests point at a stand-in; the implementation speaks the JSON
// REST API over HTTPS with the credentials of a kubeconfig or of the pod's service account.
//
// Why not @kubernetes/client-node: v1 ships as ES modules only, which jest (on Node 20) cannot load
// from CommonJS tests, and these three POST/GET calls need nothing beyond TLS and a bearer token.

import { existsSync, readFileSync } from 'node:fs';
import { kubeRequester } from '../../k8s/request';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

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

/** Where and how to reach the Kubernetes API server. */
export interface KubeConnection {
  readonly server: string;
  readonly ca?: string;
  readonly insecureSkipTLSVerify?: boolean;
  readonly tlsServerName?: string;
  readonly clientCert?: string;
  readonly clientKey?: string;
  /** Current bearer token (re-read from file where the kubeconfig or service account says so). */
  readonly token?: () => string | undefined;
}

const TOKEN_FILE_REFRESH_MS = 60_000; // client-go re-reads service-account tokens every minute

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

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The connection from a kubeconfig file (its current context), or — without one — from the pod's
 * service account when running in a cluster; undefined when neither is available.
 */
export function loadKubeConnection(
  kubeconfigPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  serviceAccountDir = SERVICE_ACCOUNT_DIR,
): KubeConnection | undefined {
  if (kubeconfigPath !== undefined) return connectionFromKubeconfig(kubeconfigPath);
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = path.join(serviceAccountDir, 'token');
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca: readFileSync(path.join(serviceAccountDir, 'ca.crt'), 'utf8'),
    token: fileToken(tokenFile),
  };
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
  clusters?: Array<{ name: string; cluster: Record<string, unknown> }>;
  users?: Array<{ name: string; user: Record<string, unknown> }>;
}

function connectionFromKubeconfig(file: string): KubeConnection {
  const config = parseYaml(readFileSync(file, 'utf8')) as KubeconfigFile;
  const dir = path.dirname(file);
  const contextName = config['current-context'] ?? config.contexts?.[0]?.name;
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (context === undefined) throw new Error(`${file}: no context named "${contextName}"`);
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (cluster === undefined || typeof cluster.server !== 'string') {
    throw new Error(`${file}: cluster "${context.cluster}" has no server`);
  }
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw new Error(`${file}: user "${context.user}": exec and auth-provider credentials are not supported`);
  }
  const inline = (dataKey: string, fileKey: string, from: Record<string, unknown>): string | undefined => {
    const data = from[dataKey];
    if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
    const ref = from[fileKey];
    return typeof ref === 'string' ? readFileSync(path.resolve(dir, ref), 'utf8') : undefined;
  };
  const staticToken = typeof user.token === 'string' ? user.token : undefined;
  const tokenFile = typeof user.tokenFile === 'string' ? path.resolve(dir, user.tokenFile) : undefined;
  return {
    server: cluster.server,
    ca: inline('certificate-authority-data', 'certificate-authority', cluster),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: typeof cluster['tls-server-name'] === 'string' ? cluster['tls-server-name'] : undefined,
    clientCert: inline('client-certificate-data', 'client-certificate', user),
    clientKey: inline('client-key-data', 'client-key', user),
    token:
      staticToken !== undefined
        ? () => staticToken
        : tokenFile !== undefined
          ? fileToken(tokenFile)
          : undefined,
  };
}

/** A token read from a file and re-read every minute, so rotated service-account tokens are picked up. */
function fileToken(file: string): () => string | undefined {
  let token: string | undefined;
  let readAt = -Infinity;
  return () => {
    const now = Date.now();
    if (now - readAt >= TOKEN_FILE_REFRESH_MS) {
      token = readFileSync(file, 'utf8').trim();
      readAt = now;
    }
    return token;
  };
}
