import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

// HTTP(S) POST over keep-alive agents; the TLS options of a backend live in its https.Agent.

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body's bytes, decompressed: the client reads them without decoding a string of it first. */
  readonly body: Buffer;
}

export interface HttpTransport {
  /** POSTs `body` to `path` (relative to the base URL's path). */
  post(
    path: string,
    body: string,
    headers: Readonly<Record<string, string>>,
    timeoutMs: number,
  ): Promise<HttpResponse>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

export type TransportErrorKind = 'network' | 'timeout' | 'too-large';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface TlsFiles {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  readonly insecureSkipVerify?: boolean;
}

export interface HttpTransportOptions {
  readonly tls?: TlsFiles;
  /** Sockets kept per backend; the client's concurrency limit bounds use anyway. */
  readonly maxSockets?: number;
  readonly maxResponseBytes?: number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** A transport to `baseUrl` (http: or https:). TLS files are read once, here. */
export function createHttpTransport(baseUrl: string, options: HttpTransportOptions = {}): HttpTransport {
  const base = new URL(baseUrl);
  const secure = base.protocol === 'https:';
  if (!secure && base.protocol !== 'http:')
    throw new Error(`unsupported URL scheme ${base.protocol} in ${baseUrl}`);
  const prefix = base.pathname.replace(/\/+$/, '');
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
  const tls = options.tls;
  const agent = secure
    ? new https.Agent({
        ...agentOptions,
        ...(tls?.caFile !== undefined && { ca: readFileSync(tls.caFile) }),
        ...(tls?.certFile !== undefined && { cert: readFileSync(tls.certFile) }),
        ...(tls?.keyFile !== undefined && { key: readFileSync(tls.keyFile) }),
        ...(tls?.serverName !== undefined && { servername: tls.serverName }),
        rejectUnauthorized: !(tls?.insecureSkipVerify ?? false),
      })
    : new http.Agent(agentOptions);
  const request = secure ? https.request : http.request;
  // Credentials in the URL (https://user:pass@host) as basic auth, unless the backend sets its own.
  const userinfo =
    base.username === ''
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;

  return {
    post(path, body, headers, timeoutMs) {
      return new Promise<HttpResponse>((resolve, reject) => {
        // The listeners below outlive the request (a gunzip stream stays reachable after its end, and a
        // kept-alive socket's response with it), and through the promise they would keep its response,
        // the whole body, until the next one: once settled they reach neither.
        let settle: { resolve: (res: HttpResponse) => void; reject: (err: Error) => void } | undefined = {
          resolve,
          reject,
        };
        const chunks: Buffer[] = [];
        let req: http.ClientRequest | undefined;
        // Settles once, whichever of request, response, decompression or timer fails first.
        const fail = (err: Error): void => {
          clearTimeout(timer);
          req?.destroy();
          settle?.reject(
            err instanceof TransportError ? err : new TransportError('network', err.message, { cause: err }),
          );
          settle = undefined;
          chunks.length = 0;
        };
        const timer = setTimeout(
          () => fail(new TransportError('timeout', `no complete response within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const send = (resent: boolean): void => {
          const sent = request({
            agent,
            protocol: base.protocol,
            hostname: base.hostname.replace(/^\[|\]$/g, ''),
            port: base.port,
            path: `${prefix}${path}`,
            method: 'POST',
            headers: {
              ...(userinfo !== undefined && { authorization: userinfo }),
              ...headers,
              'content-type': 'application/x-www-form-urlencoded',
              'content-length': String(Buffer.byteLength(body)),
              'accept-encoding': 'gzip',
            },
          });
          req = sent;
          let answered = false;
          sent.on('error', (err: NodeJS.ErrnoException) => {
            // A kept-alive socket the server closed while idle (its keep-alive timeout ran out while this
            // process was busy) resets at its next use: that says nothing of the backend, so the request
            // goes again once on a fresh socket, as Node's documentation of `reusedSocket` advises, rather
            // than fail and count towards opening the circuit (issue 16: ticks of 100,000 policies compute
            // longer than Node's 5 s keep-alive timeout between their requests).
            if (!answered && !resent && sent.reusedSocket && err.code === 'ECONNRESET' && settle) send(true);
            else fail(err);
          });
          sent.on('response', (res) => {
            answered = true;
            const stream: Readable =
              res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
            let size = 0;
            stream.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > maxBytes) {
                fail(new TransportError('too-large', `response larger than ${maxBytes} bytes`));
                return;
              }
              chunks.push(chunk);
            });
            stream.on('error', fail);
            res.on('error', fail);
            stream.on('end', () => {
              clearTimeout(timer);
              const bytes = Buffer.concat(chunks);
              chunks.length = 0;
              settle?.resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes });
              settle = undefined;
            });
          });
          sent.end(body);
        };
        send(false);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
