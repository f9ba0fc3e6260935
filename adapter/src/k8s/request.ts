import http from 'node:http';
import https from 'node:https';
import { requestOptions, type KubeConnection } from './connection';

// One JSON request to the Kubernetes API server with a connection's credentials (as the kubeconfig
// user says, refreshed per call), shared by the TokenReview/SubjectAccessReview client and the
// workloads client.

export type KubeRequest = (
  method: 'GET' | 'POST' | 'PATCH',
  apiPath: string,
  body?: unknown,
  contentType?: string,
) => Promise<{ status: number; json: unknown }>;

const REQUEST_TIMEOUT_MS = 10_000; // client-go's default request timeout for these calls

export function kubeRequester(connection: KubeConnection): KubeRequest {
  const url = new URL(connection.server);
  const transport = url.protocol === 'http:' ? http : https;
  const basePath = url.pathname.replace(/\/$/, '');
  const agentFor = keepAliveAgents(transport);
  const proxied = Boolean(connection.kubeConfig.getCurrentCluster()?.proxyUrl);
  return async (method, apiPath, body, contentType = 'application/json') => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const options = await requestOptions(connection);
    return new Promise((resolve, reject) => {
      const req = transport.request(
        {
          // client-node makes a fresh agent per call; reusing connections needs our own unless proxied.
          agent: proxied ? options.agent : agentFor(options),
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port || (url.protocol === 'http:' ? 80 : 443),
          method,
          path: basePath + apiPath,
          timeout: REQUEST_TIMEOUT_MS,
          auth: options.auth,
          headers: {
            ...options.headers,
            Accept: 'application/json',
            ...(payload !== undefined && { 'Content-Type': contentType }),
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

/**
 * A keep-alive agent for the TLS material of a call, kept while that material stays the same (CA and
 * client certificate files, or an exec plugin's certificate, may rotate). A replaced agent is left to
 * close its idle sockets when the server does, so calls still in flight on it finish.
 */
function keepAliveAgents(
  transport: typeof http | typeof https,
): (options: https.RequestOptions) => http.Agent {
  let current: { material: string; agent: http.Agent } | undefined;
  return ({ ca, cert, key, servername, rejectUnauthorized }) => {
    const material = JSON.stringify([String(ca), String(cert), String(key), servername, rejectUnauthorized]);
    if (current?.material !== material) {
      const agent =
        transport === https
          ? new https.Agent({ keepAlive: true, ca, cert, key, servername, rejectUnauthorized })
          : new http.Agent({ keepAlive: true });
      current = { material, agent };
    }
    return current.agent;
  };
}
