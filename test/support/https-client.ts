// A minimal HTTPS client for tests: one request, full response, real TLS verification.

import https from 'node:https';

export interface HttpsResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface HttpsRequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** CA bundle that must have signed the server's certificate. */
  readonly ca: string;
  /** Client certificate chain and key (PEM). */
  readonly cert?: string;
  readonly key?: string;
  readonly servername?: string;
  /** Reuse connections through this agent (default: a new connection per request). */
  readonly agent?: https.Agent;
}

export function httpsRequest(
  baseUrl: string,
  path: string,
  options: HttpsRequestOptions,
): Promise<HttpsResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        hostname: url.hostname,
        port: url.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers as Record<string, string | string[]> | undefined,
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        servername: options.servername,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
