// A small stand-in for the Kubernetes API server: the three calls an aggregated API server makes
// (external-metrics-api.md §2.1–§2.3) — TokenReview (authentication.k8s.io/v1), SubjectAccessReview
// (authorization.k8s.io/v1) and reading kube-system/extension-apiserver-authentication — over HTTPS,
// answering from tables the test controls and recording every call.

import { writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createCA, localServerCertificate } from './certs';

export interface StandinUser {
  readonly username: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Record<string, readonly string[]>;
}

export interface AccessDecision {
  readonly allowed: boolean;
  readonly denied?: boolean;
  readonly reason?: string;
}

export interface RecordedAccessReview {
  readonly spec: Record<string, unknown>;
  readonly decision: AccessDecision;
}

export interface KubernetesStandin {
  readonly url: string;
  /** PEM of the CA that signed the stand-in's serving certificate. */
  readonly ca: string;
  /** Bearer token the stand-in requires from its own clients. */
  readonly clientToken: string;
  /** Token → user for TokenReview; absent tokens are not authenticated. */
  readonly tokens: Map<string, StandinUser>;
  /** SubjectAccessReview policy (default: deny everything); throwing makes the stand-in answer 500. */
  authorize: (spec: Record<string, unknown>) => AccessDecision;
  /** Data of extension-apiserver-authentication; undefined ⇒ 404. */
  authenticationConfigMap: Record<string, string> | undefined;
  readonly tokenReviews: string[];
  readonly accessReviews: RecordedAccessReview[];
  readonly requests: string[];
  /** Writes a kubeconfig pointing at the stand-in and returns its path. */
  writeKubeconfig(dir: string): string;
  close(): Promise<void>;
}

export async function startKubernetesStandin(): Promise<KubernetesStandin> {
  const ca = createCA('standin-ca');
  const serving = localServerCertificate(ca);
  const clientToken = 'standin-client-token';

  const standin: Omit<KubernetesStandin, 'url' | 'close'> = {
    ca: ca.cert,
    clientToken,
    tokens: new Map(),
    authorize: () => ({ allowed: false }),
    authenticationConfigMap: undefined,
    tokenReviews: [],
    accessReviews: [],
    requests: [],
    writeKubeconfig(dir) {
      const file = path.join(dir, 'standin.kubeconfig');
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'standin',
        clusters: [
          {
            name: 'standin',
            cluster: { server: url, 'certificate-authority-data': Buffer.from(ca.cert).toString('base64') },
          },
        ],
        users: [{ name: 'adapter', user: { token: clientToken } }],
        contexts: [{ name: 'standin', context: { cluster: 'standin', user: 'adapter' } }],
      };
      writeFileSync(file, JSON.stringify(config));
      return file;
    },
  };

  const server = https.createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      standin.requests.push(`${req.method} ${req.url}`);
      const reply = (code: number, body: unknown): void => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${clientToken}`) {
        reply(401, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'Unauthorized',
          code: 401,
        });
        return;
      }
      const body =
        chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
      const spec = (body.spec ?? {}) as Record<string, unknown>;
      if (req.method === 'POST' && req.url === '/apis/authentication.k8s.io/v1/tokenreviews') {
        const token = String(spec.token);
        standin.tokenReviews.push(token);
        const user = standin.tokens.get(token);
        reply(201, {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec,
          status:
            user === undefined
              ? { authenticated: false, error: 'token not recognised' }
              : { authenticated: true, user },
        });
      } else if (req.method === 'POST' && req.url === '/apis/authorization.k8s.io/v1/subjectaccessreviews') {
        let decision: AccessDecision;
        try {
          decision = standin.authorize(spec);
        } catch (error) {
          reply(500, {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: (error as Error).message,
            code: 500,
          });
          return;
        }
        standin.accessReviews.push({ spec, decision });
        reply(201, {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec,
          status: decision,
        });
      } else if (
        req.method === 'GET' &&
        req.url === '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication'
      ) {
        if (standin.authenticationConfigMap === undefined) {
          reply(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
        } else {
          reply(200, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'extension-apiserver-authentication', namespace: 'kube-system' },
            data: standin.authenticationConfigMap,
          });
        }
      } else {
        reply(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(standin, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
