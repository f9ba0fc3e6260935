import https from 'node:https';
import type { KubeConnection } from '../server/auth/kube-api';

// One JSON request to the Kubernetes API server with a connection's credentials (bearer token
// re-read per call, client certificate, CA), shared by the TokenReview/SubjectAccessReview client and
// the workloads client.

export type KubeRequest = (
  method: 'GET' | 'POST' | 'PATCH',
  apiPath: string,
  body?: unknown,
  contentType?: string,
) => Promise<{ status: number; json: unknown }>;

const REQUEST_TIMEOUT_MS = 10_000; // client-go's default request timeout for these calls

export function kubeRequester(connection: KubeConnection): KubeRequest {
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
  return (method, apiPath, body, contentType = 'application/json') => {
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
            ...(payload !== undefined && { 'Content-Type': contentType }),
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
              reject(new Error(`${method} ${apiPath}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
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
  };
}
