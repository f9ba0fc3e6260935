import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log';
import { statusError } from './external-metrics/status';
import { httpProblem, PROBLEM_CONTENT_TYPE } from './rest/problem';

// Limits on every listener, so slow or partial requests cannot hold connections (issue 16, defect 5),
// and an answer with a body for what Node's HTTP parser rejects before any handler runs (defect 6).

export interface ConnectionLimits {
  /** All request headers must arrive within this (slow-header clients are answered 408 and closed). */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  readonly requestTimeoutMs: number;
  /** Idle keep-alive connections are closed after this. */
  readonly keepAliveTimeoutMs: number;
  readonly maxHeadersCount: number;
  /** Connections open at once; more are refused at accept. */
  readonly maxConnections: number;
}

/** How often Node checks the header and request timeouts (its default, 30 s, would let them overrun). */
const CHECK_INTERVAL_MS = 1000;

/** Applies the limits; call before `listen` (Node starts its timeout checks when listening). */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxHeadersCount = limits.maxHeadersCount;
  server.maxConnections = limits.maxConnections;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    CHECK_INTERVAL_MS,
    limits.headersTimeoutMs,
  );
}

/** Which error format a request's path speaks: the REST API's problem+json or Kubernetes' Status. */
export type ErrorDialect = 'status' | 'problem';

export const dialectOfPath = (path: string | undefined): ErrorDialect =>
  path !== undefined && (path === '/api/v1' || path.startsWith('/api/v1/')) ? 'problem' : 'status';

interface ParserError extends Error {
  code?: string;
  rawPacket?: Buffer;
}

/**
 * Answers Node's parser rejections (malformed request line or headers 400, header overflow 431,
 * header or request timeout 408) with a body in the dialect of the request's path, then closes.
 * Node's default handler sends a bare status line. Clients that went away are only logged at debug.
 */
export function answerClientErrors(server: Server, logger?: Logger): void {
  server.on('clientError', (err: ParserError, socket: Duplex) => {
    // Bytes after a `Connection: close` request (HPE_CLOSED_CONNECTION) come while or after it is
    // answered: the connection is closing anyway; end it once the answer is out, with no second one.
    if (err.code === 'HPE_CLOSED_CONNECTION') {
      socket.end();
      return;
    }
    if (err.code === 'ECONNRESET' || !socket.writable) {
      logger?.debug({ code: err.code, reason: err.message }, 'client connection closed');
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const path = /^[A-Z]+ (\S+)/.exec(err.rawPacket?.toString('latin1') ?? '')?.[1]?.split('?')[0];
    const message =
      status === 431
        ? 'request header fields too large'
        : status === 408
          ? 'the request did not arrive in time'
          : `malformed HTTP request: ${err.code ?? err.message}`;
    const dialect = dialectOfPath(path);
    const body =
      dialect === 'problem'
        ? JSON.stringify(httpProblem(status, message).problem)
        : statusError(status, message, reasonOf(status)).body;
    const type = dialect === 'problem' ? PROBLEM_CONTENT_TYPE : 'application/json';
    logger?.debug({ status, code: err.code, path }, 'HTTP request rejected by the parser');
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-cache, private\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** metav1.StatusReason for the codes the parser produces (k8s.io/apimachinery/pkg/apis/meta/v1/types.go). */
function reasonOf(status: number): string {
  return status === 408 ? 'Timeout' : status === 431 ? 'RequestEntityTooLarge' : 'BadRequest';
}
