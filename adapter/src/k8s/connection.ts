import { existsSync, readFileSync } from 'node:fs';
import type https from 'node:https';
import path from 'node:path';
import { KubeConfig, type User } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';

// The one connection to the Kubernetes API server, loaded by @kubernetes/client-node's KubeConfig so
// every kubeconfig user kind works (token, token file, client certificate, exec plugin, auth provider).
// The Lease client uses client-node's typed API; TokenReview, SubjectAccessReview, ConfigMaps and
// workloads go through the small JSON helper in request.ts, because client-node's typed models drop
// fields they do not know (a merge patch of a workload must see the object as the server sent it).

/** Where and how to reach the Kubernetes API server. */
export interface KubeConnection {
  /** The API server's base URL. */
  readonly server: string;
  /** client-node's configuration: typed API clients are made from it, raw requests take credentials from it. */
  readonly kubeConfig: KubeConfig;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const TOKEN_FILE_REFRESH_MS = 60_000; // client-go re-reads token files every minute (transport/token_source.go)

/**
 * The connection from a kubeconfig file (its current context, else its first), or — without one —
 * from the pod's service account when running in a cluster; undefined when neither is available.
 */
export function loadKubeConnection(
  kubeconfigPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  serviceAccountDir = SERVICE_ACCOUNT_DIR,
): KubeConnection | undefined {
  return kubeconfigPath !== undefined
    ? connectionFromKubeconfig(kubeconfigPath)
    : inClusterConnection(env, serviceAccountDir);
}

/** TLS material and headers for one request, with credentials fetched or refreshed as the user says. */
export async function requestOptions(connection: KubeConnection): Promise<https.RequestOptions> {
  const options: https.RequestOptions = { headers: {} };
  await connection.kubeConfig.applyToHTTPSOptions(options);
  return options;
}

// As client-go's rest.InClusterConfig: https to KUBERNETES_SERVICE_HOST:PORT, the service account's
// CA, and its token re-read from the file (kubelet rotates it).
function inClusterConnection(env: NodeJS.ProcessEnv, dir: string): KubeConnection | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = path.join(dir, 'token');
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    { name: 'in-cluster', server, caFile: path.join(dir, 'ca.crt'), skipTLSVerify: false },
    { name: 'service-account' },
  );
  useTokenFiles(kc, new Map([['service-account', tokenFile]]));
  return { server, kubeConfig: kc };
}

interface RawKubeconfig {
  users?: Array<{ name?: unknown; user?: { tokenFile?: unknown } }>;
}

function connectionFromKubeconfig(file: string): KubeConnection {
  const text = readFileSync(file, 'utf8');
  const kc = new KubeConfig();
  kc.loadFromString(text);
  kc.makePathsAbsolute(path.dirname(file));
  if (!kc.getCurrentContext()) kc.setCurrentContext(kc.getContexts()[0]?.name ?? '');
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error(`${file}: no cluster for context "${kc.getCurrentContext()}"`);
  // client-node reads no `tokenFile` (client-go's AuthInfo.TokenFile), so it is served here.
  const raw = parseYaml(text) as RawKubeconfig | null;
  const tokenFiles = new Map<string, string>();
  for (const u of raw?.users ?? []) {
    if (typeof u.name === 'string' && typeof u.user?.tokenFile === 'string') {
      tokenFiles.set(u.name, path.resolve(path.dirname(file), u.user.tokenFile));
    }
  }
  useTokenFiles(kc, tokenFiles);
  return { server: cluster.server, kubeConfig: kc };
}

/**
 * Bearer tokens read from files for the named users. client-node consults added authenticators only
 * when none of its own (exec, auth providers) applies, and a static `token` still wins afterwards, as
 * in client-go.
 */
function useTokenFiles(kc: KubeConfig, files: ReadonlyMap<string, string>): void {
  if (files.size === 0) return;
  const tokens = new Map([...files].map(([user, file]) => [user, fileToken(file)]));
  kc.addAuthenticator({
    isAuthProvider: (user: User) => tokens.has(user.name),
    applyAuthentication: async (user, options) => {
      const token = tokens.get(user.name)?.();
      if (token) options.headers = { ...options.headers, Authorization: `Bearer ${token}` };
    },
  });
}

/** A token read from a file and re-read every minute, so rotated service-account tokens are picked up. */
function fileToken(file: string): () => string {
  let token = '';
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
