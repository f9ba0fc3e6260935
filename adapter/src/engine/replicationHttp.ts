import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { snapshotSchema } from '../snapshot/schema';
import { SNAPSHOT_FORMAT, snapshotJson, type SnapshotSource } from '../snapshot/snapshot';
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
const SIGNATURE_HEADER = 'x-costscale-signature';
const FETCH_TIMEOUT_MS = 2_000;

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

/** Answers the snapshot path (true) or leaves the request to the next handler (false). */
export function snapshotEndpoint(deps: {
  readonly token: string;
  readonly snapshot: SnapshotSource;
  readonly isLeader: () => boolean;
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

/** GETs the leader's snapshot, checks its signature and schema; rejects on anything else. */
export function leaderSnapshotFetcher(token: string, timeoutMs = FETCH_TIMEOUT_MS): LeaderSnapshotFetch {
  return (address) =>
    new Promise((resolve, reject) => {
      const req = https.get(
        new URL(`${SNAPSHOT_PATH}?${COMPACT_QUERY}`, address),
        { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200)
              return reject(new Error(`HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
            const signature = res.headers[SIGNATURE_HEADER];
            if (typeof signature !== 'string' || !sameSecret(signature, sign(token, body)))
              return reject(new Error('the snapshot signature does not match the replication token'));
            try {
              const parsed = snapshotSchema.safeParse(JSON.parse(body));
              if (parsed.success) resolve(parsed.data);
              else reject(new Error(`invalid snapshot: ${z.prettifyError(parsed.error)}`));
            } catch (err) {
              reject(err as Error);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
    });
}

/** Where followers reach this replica: the pod IP in a cluster, else the address the API listens on. */
export function snapshotAddress(host: string, port: number, env: NodeJS.ProcessEnv = process.env): string {
  const ip = env.POD_IP ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  return `https://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
}
