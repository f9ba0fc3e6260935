import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpProblem, PROBLEM_CONTENT_TYPE, type Problem } from './problem';

// Request bodies with a size limit, JSON answers with ETags, problem answers.

const JSON_TYPE = 'application/json';

/**
 * The request body as text, refused with 413 past `limit` bytes (by Content-Length before reading, or
 * while reading) and with 415 unless it is JSON. Undefined when the request has no body.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    throw httpProblem(413, `the request body is larger than ${limit} bytes`);
  }
  const chunks = await collect(req, limit);
  const size = chunks.reduce((n, c) => n + c.length, 0);
  if (size === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== JSON_TYPE && !/^application\/[a-z0-9.+-]*\+json$/.test(type)) {
    throw httpProblem(415, 'request bodies must be application/json');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw httpProblem(400, 'the request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw httpProblem(400, `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The body's chunks. Past the limit the rest is drained, not kept, so the 413 answer still reaches a
 * client that is busy sending (destroying the request would reset the connection under it).
 */
function collect(req: IncomingMessage, limit: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      req.resume();
      reject(httpProblem(413, `the request body is larger than ${limit} bytes`));
    };
    const onEnd = (): void => resolve(chunks);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/** A strong ETag over the representation's bytes. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** If-None-Match (RFC 9110 §13.1.2) with weak comparison: `*` or any listed tag equal to ours. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const ours = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === ours);
}

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  const common = { 'Cache-Control': 'no-cache, private', 'X-Content-Type-Options': 'nosniff', ...headers };
  if ((req.method === 'GET' || req.method === 'HEAD') && status === 200) {
    const etag = etagOf(text);
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      res.writeHead(304, { ...common, ETag: etag });
      res.end();
      return;
    }
    res.writeHead(200, {
      ...common,
      ETag: etag,
      'Content-Type': JSON_TYPE,
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
    return;
  }
  res.writeHead(status, { ...common, 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendNoContent(res: ServerResponse, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(204, { 'Cache-Control': 'no-cache, private', ...headers });
  res.end();
}

export function sendProblem(
  res: ServerResponse,
  problem: Problem,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(problem);
  res.writeHead(problem.status, {
    'Cache-Control': 'no-cache, private',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
