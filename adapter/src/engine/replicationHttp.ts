import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { parseSnapshotInSlices, SNAPSHOT_SLICE } from '../snapshot/schema';
import {
  SNAPSHOT_FORMAT,
  snapshotEntryLine,
  snapshotHeadLine,
  snapshotJson,
  type Snapshot,
  type SnapshotSource,
} from '../snapshot/snapshot';
import type { LeaderSnapshotFetch } from './replication';

// The leader serves its current snapshot to followers on the HTTPS port, so followers do not need
// PostgreSQL to serve (issue 16, defect 2). Authentication is a shared secret
// (engine.leaderElection.replicationToken) used both ways: the follower sends it as a bearer token, and
// the leader signs the body with an HMAC of it. The serving certificate cannot authenticate the leader
// here: followers dial the pod IP from the Lease, which no Service certificate names, so TLS only
// encrypts, and the signature proves the answer came from a replica that holds the secret.

export const SNAPSHOT_PATH = '/internal/v1/snapshot';
/**
 * A follower asks for the compact form (`?format=2`: decisions as the facts their explanations are
 * rendered from, rendered on read); a follower of an earlier version asks without it and gets every
 * explanation rendered, as it reads them, and a leader of an earlier version ignores the parameter.
 */
const COMPACT_QUERY = `format=${SNAPSHOT_FORMAT}`;
/**
 * A follower asks for the compact form as NDJSON too, an entry a line, so it parses it as it arrives
 * (issue 16: one JSON.parse of 170 MiB holds the event loop); a leader of an earlier version ignores the
 * Accept header and answers JSON, which the follower still reads.
 */
const NDJSON = 'application/x-ndjson';
const SIGNATURE_HEADER = 'x-costscale-signature';
const FETCH_TIMEOUT_MS = 2_000;
/** A follower whose connection takes nothing for this long is cut, so it holds no snapshot here. */
const STALL_MS = 30_000;

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
const sign = (token: string, body: string): string =>
  createHmac('sha256', token).update(body).digest('base64');

/** Constant-time comparison of two secrets of any length. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code }));
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Answers the snapshot path (true) or leaves the request to the next handler (false). NDJSON is written
 * SNAPSHOT_SLICE entries at a time, `between` awaited after each (by default the next turn of the event
 * loop), and signed in a trailer: built in one piece it held the leader's event loop, and every read it
 * serves, for seconds at 100,000 policies (issue 16). JSON, for followers before NDJSON, is one piece.
 */
export function snapshotEndpoint(deps: {
  readonly token: string;
  readonly snapshot: SnapshotSource;
  readonly isLeader: () => boolean;
  readonly between?: () => Promise<void>;
  readonly stallMs?: number;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const [path, query] = (req.url ?? '').split('?');
    if (path !== SNAPSHOT_PATH) return false;
    const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (presented === undefined || !sameSecret(presented, deps.token)) {
      status(res, 401, 'Unauthorized', 'a valid replication token is required');
    } else if (req.method !== 'GET') {
      status(res, 405, 'MethodNotAllowed', `${req.method} is not allowed on ${SNAPSHOT_PATH}`);
    } else {
      const current = deps.snapshot.current();
      // Only the leader answers: a follower's copy may be older than what the asker already holds.
      if (!deps.isLeader() || current === undefined) {
        status(res, 503, 'ServiceUnavailable', 'this replica does not lead or has no snapshot yet');
      } else {
        const compact = new URLSearchParams(query).get('format') === String(SNAPSHOT_FORMAT);
        if (compact && (req.headers.accept ?? '').includes(NDJSON)) {
          res.setTimeout(deps.stallMs ?? STALL_MS, () => res.destroy());
          writeLines(res, deps.token, current, deps.between ?? nextTurn).catch(() => res.destroy());
          return true;
        }
        const body = snapshotJson(current, compact ? 'compact' : 'rendered');
        res.writeHead(200, {
          'Content-Type': 'application/json',
          [SIGNATURE_HEADER]: sign(deps.token, body),
        });
        res.end(body);
      }
    }
    return true;
  };
}

/** Resolves once the response takes more, or is gone. */
const drained = (res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

/**
 * The snapshot's NDJSON form, a slice of entries at a time; the HMAC of what was sent in a trailer. The
 * next slice waits until the connection has taken the last one: a follower that reads slowly is sent
 * the snapshot as fast as it reads, instead of the leader buffering all of it for that follower
 * (170 MiB at 100,000 policies, issue 16).
 */
async function writeLines(
  res: ServerResponse,
  token: string,
  snapshot: Snapshot,
  between: () => Promise<void>,
): Promise<void> {
  const mac = createHmac('sha256', token);
  const write = async (text: string): Promise<void> => {
    mac.update(text);
    if (!res.write(text)) await drained(res);
  };
  res.writeHead(200, { 'Content-Type': NDJSON, Trailer: SIGNATURE_HEADER });
  await write(snapshotHeadLine(snapshot));
  const entries = snapshot.policies;
  for (let at = 0; at < entries.length; at += SNAPSHOT_SLICE) {
    await between();
    // A follower that went away (its timeout, or stalled past STALL_MS) gets no more of it.
    if (res.destroyed) return;
    await write(
      `\n${entries
        .slice(at, at + SNAPSHOT_SLICE)
        .map(snapshotEntryLine)
        .join('\n')}`,
    );
  }
  res.addTrailers({ [SIGNATURE_HEADER]: mac.digest('base64') });
  res.end();
}

/**
 * GETs the leader's snapshot, checks its signature and schema; rejects on anything else. The body is
 * parsed a line at a time as it arrives and checked a slice at a time (`between` awaited after each,
 * parseSnapshotInSlices), so the reads a follower serves meanwhile are answered; nothing is resolved
 * until the whole body is in, signed and valid, so a cut or bad answer leaves the caller's snapshot.
 */
export function leaderSnapshotFetcher(
  token: string,
  timeoutMs = FETCH_TIMEOUT_MS,
  between?: () => Promise<void>,
): LeaderSnapshotFetch {
  return (address) =>
    new Promise((resolve, reject) => {
      const req = https.get(
        new URL(`${SNAPSHOT_PATH}?${COMPACT_QUERY}`, address),
        {
          headers: { Authorization: `Bearer ${token}`, Accept: `${NDJSON}, application/json` },
          rejectUnauthorized: false,
          timeout: timeoutMs,
        },
        (res) => {
          const lines = res.headers['content-type'] === NDJSON && res.statusCode === 200;
          const mac = createHmac('sha256', token);
          const decoder = new StringDecoder('utf8');
          const parts: string[] = [];
          const entries: unknown[] = [];
          let rest = '';
          let broken: Error | undefined;
          res.on('data', (c: Buffer) => {
            mac.update(c);
            if (!lines) return void parts.push(decoder.write(c));
            if (broken !== undefined) return;
            const text = rest + decoder.write(c);
            const cut = text.lastIndexOf('\n');
            rest = cut < 0 ? text : text.slice(cut + 1);
            if (cut >= 0) broken = parseLines(text.slice(0, cut), entries);
          });
          res.on('error', reject);
          res.on('end', () => {
            const tail = decoder.end();
            if (res.statusCode !== 200)
              return reject(new Error(`HTTP ${res.statusCode}: ${(parts.join('') + tail).slice(0, 200)}`));
            // In a trailer when the leader wrote NDJSON a slice at a time, else in a header.
            const signature = res.trailers[SIGNATURE_HEADER] ?? res.headers[SIGNATURE_HEADER];
            if (typeof signature !== 'string' || !sameSecret(signature, mac.digest('base64')))
              return reject(new Error('the snapshot signature does not match the replication token'));
            let value: unknown;
            try {
              if (lines) {
                broken ??= parseLines(rest + tail, entries);
                if (broken !== undefined) throw broken;
                const [head, ...policies] = entries;
                value = isObject(head) ? { ...head, policies } : head;
              } else value = JSON.parse(parts.join('') + tail);
            } catch (err) {
              return reject(err as Error);
            }
            parseSnapshotInSlices(value, between).then(
              (parsed) =>
                parsed.success
                  ? resolve(parsed.data)
                  : reject(new Error(`invalid snapshot: ${z.prettifyError(parsed.error)}`)),
              reject,
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
    });
}

/** Parses each line of `text` onto `into`; the error of the first that is not JSON, if one is not. */
function parseLines(text: string, into: unknown[]): Error | undefined {
  try {
    for (const line of text.split('\n')) into.push(JSON.parse(line));
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where followers reach this replica: the pod IP in a cluster, else the address the API listens on. */
export function snapshotAddress(host: string, port: number, env: NodeJS.ProcessEnv = process.env): string {
  const ip = env.POD_IP ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  return `https://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
}
