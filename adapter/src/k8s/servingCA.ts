import type { KubeConnection } from './connection';
import { kubeRequester, type KubeRequest } from './request';

// The built-in path to a verified aggregation hop without cert-manager, as admission-webhook
// certificate generators do (kubernetes/ingress-nginx's kube-webhook-certgen: create a CA Secret once,
// then patch the caBundle of the registration object). Every replica signs its serving certificate
// with the one CA kept in a Secret, so the APIService's caBundle holds for all of them; the first
// replica to start creates the Secret, the others read it (a create race is lost with 409, then read).

/** A CA as the Secret holds it: PEM certificate and key (server/tls's CertificateAuthority). */
export interface CertificateAuthority {
  readonly cert: string;
  readonly key: string;
}

const CA_CERT_KEY = 'ca.crt';
const CA_KEY_KEY = 'ca.key';

export interface ServingCAStore {
  /** The CA in the Secret, created with `generate` when there is none yet. */
  loadOrCreate(generate: () => Promise<CertificateAuthority>): Promise<CertificateAuthority>;
  /** Sets the APIService's caBundle to `caCert` (and drops insecureSkipTLSVerify); false when it already was. */
  publish(caCert: string): Promise<boolean>;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: unknown): string | undefined =>
  typeof text === 'string' ? Buffer.from(text, 'base64').toString('utf8') : undefined;

function failure(what: string, status: number, json: unknown): Error {
  const message = (json as { message?: unknown } | undefined)?.message;
  return new Error(`${what}: HTTP ${status}${typeof message === 'string' ? `: ${message}` : ''}`);
}

export function servingCAStore(
  connection: KubeConnection,
  target: { readonly namespace: string; readonly secretName: string; readonly apiService: string },
  request: KubeRequest = kubeRequester(connection),
): ServingCAStore {
  const secretsPath = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/secrets`;
  const secretPath = `${secretsPath}/${encodeURIComponent(target.secretName)}`;
  const apiServicePath = `/apis/apiregistration.k8s.io/v1/apiservices/${encodeURIComponent(target.apiService)}`;
  const secretRef = `Secret ${target.namespace}/${target.secretName}`;

  const read = async (): Promise<CertificateAuthority | undefined> => {
    const { status, json } = await request('GET', secretPath);
    if (status === 404) return undefined;
    if (status !== 200) throw failure(`reading ${secretRef}`, status, json);
    const data = (json as { data?: Record<string, unknown> }).data ?? {};
    const cert = unb64(data[CA_CERT_KEY]);
    const key = unb64(data[CA_KEY_KEY]);
    if (cert === undefined || key === undefined)
      throw new Error(`${secretRef} has no ${CA_CERT_KEY} and ${CA_KEY_KEY}`);
    return { cert, key };
  };

  return {
    async loadOrCreate(generate) {
      const existing = await read();
      if (existing !== undefined) return existing;
      const ca = await generate();
      const { status, json } = await request('POST', secretsPath, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: target.secretName,
          namespace: target.namespace,
          labels: { 'app.kubernetes.io/name': 'costscale' },
        },
        type: 'Opaque',
        data: { [CA_CERT_KEY]: b64(ca.cert), [CA_KEY_KEY]: b64(ca.key) },
      });
      if (status === 201 || status === 200) return ca;
      if (status === 409) {
        const winner = await read();
        if (winner !== undefined) return winner;
      }
      throw failure(`creating ${secretRef}`, status, json);
    },

    async publish(caCert) {
      const bundle = b64(caCert);
      const got = await request('GET', apiServicePath);
      if (got.status !== 200) throw failure(`reading APIService ${target.apiService}`, got.status, got.json);
      const spec = (got.json as { spec?: { caBundle?: unknown; insecureSkipTLSVerify?: unknown } }).spec;
      if (spec?.caBundle === bundle && spec.insecureSkipTLSVerify !== true) return false;
      const patched = await request(
        'PATCH',
        apiServicePath,
        { spec: { caBundle: bundle, insecureSkipTLSVerify: null } },
        'application/merge-patch+json',
      );
      if (patched.status !== 200)
        throw failure(`patching APIService ${target.apiService}`, patched.status, patched.json);
      return true;
    },
  };
}

/**
 * Publishes the caBundle at start and retries every `retryMs` until it succeeds, without holding up
 * serving: until then the aggregator cannot verify this server and reports the APIService unavailable.
 */
export function caBundlePublisher(
  store: ServingCAStore,
  caCert: string,
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
  retryMs = 30_000,
): { readonly name: string; start(): Promise<void>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async (): Promise<void> => {
    try {
      const changed = await store.publish(caCert);
      logger.info({ changed }, 'APIService caBundle holds the serving CA');
    } catch (err) {
      logger.warn({ err: (err as Error).message, retryMs }, 'setting the APIService caBundle failed');
      if (!stopped) timer = setTimeout(() => void attempt(), retryMs);
    }
  };
  return {
    name: 'serving-ca',
    start: attempt,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * With server.tls.publishCA and no certificate files: the store and the shared CA it holds (created on
 * the first start); otherwise undefined.
 */
export async function sharedServingCA(
  tls: {
    readonly certFile?: string | undefined;
    readonly serviceName: string;
    readonly serviceNamespace: string;
    readonly publishCA?: { readonly secretName: string; readonly apiService: string } | undefined;
  },
  connection: KubeConnection | undefined,
  generate: (commonName: string) => Promise<CertificateAuthority>,
): Promise<{ store: ServingCAStore; issuer: CertificateAuthority } | undefined> {
  if (tls.publishCA === undefined || tls.certFile !== undefined) return undefined;
  if (connection === undefined)
    throw new Error(
      'server.tls.publishCA needs the Kubernetes API: set server.auth.kubeconfig or run in a cluster',
    );
  const store = servingCAStore(connection, { namespace: tls.serviceNamespace, ...tls.publishCA });
  const host = `${tls.serviceName}.${tls.serviceNamespace}.svc`;
  const issuer = await store.loadOrCreate(() => generate(`${host}-ca@${Math.floor(Date.now() / 1000)}`));
  return { store, issuer };
}
