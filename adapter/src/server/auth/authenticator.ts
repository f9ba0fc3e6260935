// The delegating authenticator chain of a Go aggregated API server (external-metrics-api.md §2.2;
// apiserver pkg/authentication/authenticatorfactory/delegating.go): front-proxy (request header) →
// x509 client certificate → bearer token via TokenReview → anonymous. A failing authenticator's error
// only counts when no later one succeeds (union); an error with no success is 401, and a request that
// carries no credentials at all is system:anonymous.

import { createHash, X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { KubernetesAuthApi } from './kube-api';
import type { AuthenticationTrust, RequestHeaderTrust, TrustSource } from './trust';
import { subjectAttributes, verifyClientChain } from './x509';

export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

export type Authentication = { readonly user: UserInfo } | { readonly error: string };

export const ANONYMOUS: UserInfo = {
  name: 'system:anonymous',
  groups: ['system:unauthenticated'],
  extra: {},
};
const AUTHENTICATED_GROUP = 'system:authenticated';
const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id';

/** One TLS connection's client certificate, checked once against the current trust material. */
interface ConnectionCertificates {
  readonly trust: AuthenticationTrust;
  readonly frontProxy: CertificateCheck;
  readonly clientCert: CertificateCheck;
}

type CertificateCheck =
  | { readonly kind: 'none' }
  | { readonly kind: 'error'; readonly reason: string }
  | { readonly kind: 'ok'; readonly validUntil: number; readonly user?: UserInfo };

const NOT_CHECKED: CertificateCheck = { kind: 'none' };

export interface AuthenticatorOptions {
  readonly trust: TrustSource;
  /** TokenReview client; without one bearer tokens are not looked at. */
  readonly api?: KubernetesAuthApi;
  /** TTL of successful and failed token reviews (§2.2: 10 s). */
  readonly tokenCacheTtlMs?: number;
  readonly now: () => number;
}

export class DelegatingAuthenticator {
  private readonly connections = new WeakMap<TLSSocket, ConnectionCertificates>();
  private readonly lastTokens = new WeakMap<
    TLSSocket,
    { readonly token: string; readonly review: CachedReview }
  >();
  private readonly tokens: TokenReviewCache | undefined;

  constructor(private readonly options: AuthenticatorOptions) {
    this.tokens =
      options.api === undefined
        ? undefined
        : new TokenReviewCache(options.api, options.tokenCacheTtlMs ?? 10_000, options.now);
  }

  /** Synchronous when the answer is known (cached certificate or token review). */
  authenticate(req: IncomingMessage): Authentication | Promise<Authentication> {
    const errors: string[] = [];
    const certificates = this.connectionCertificates(req.socket as TLSSocket);

    const { frontProxy, clientCert, trust } = certificates;
    if (frontProxy.kind === 'error') errors.push(frontProxy.reason);
    else if (frontProxy.kind === 'ok' && trust.requestHeader !== undefined) {
      const user = userFromHeaders(req, trust.requestHeader);
      if (user !== undefined) return { user: withAuthenticatedGroup(user) };
    }
    if (clientCert.kind === 'error') errors.push(clientCert.reason);
    else if (clientCert.kind === 'ok' && clientCert.user !== undefined)
      return { user: withAuthenticatedGroup(clientCert.user) };

    const token = bearerToken(req.headers.authorization);
    if (token !== undefined && this.tokens !== undefined) {
      const finish = (result: Authentication): Authentication =>
        'user' in result || errors.length === 0 ? result : { error: [...errors, result.error].join('; ') };
      // A connection usually repeats its token: reuse its review until the cache entry expires.
      const socket = req.socket as TLSSocket;
      const last = this.lastTokens.get(socket);
      if (last !== undefined && last.token === token && this.options.now() < last.review.expiresAt) {
        return finish(last.review.result);
      }
      const remember = (review: CachedReview): Authentication => {
        this.lastTokens.set(socket, { token, review });
        return finish(review.result);
      };
      const reviewed = this.tokens.review(token);
      return reviewed instanceof Promise ? reviewed.then(remember) : remember(reviewed);
    }
    return errors.length > 0 ? { error: errors.join('; ') } : { user: ANONYMOUS };
  }

  private connectionCertificates(socket: TLSSocket): ConnectionCertificates {
    const trust = this.options.trust.current();
    const now = this.options.now();
    const cached = this.connections.get(socket);
    if (cached !== undefined && cached.trust === trust && stillValid(cached, now)) return cached;

    const chain = peerChain(socket);
    const checked: ConnectionCertificates = {
      trust,
      frontProxy:
        chain.length > 0 && trust.requestHeader
          ? checkFrontProxy(chain, trust.requestHeader, now)
          : NOT_CHECKED,
      clientCert:
        chain.length > 0 && trust.clientCA ? checkClientCert(chain, trust.clientCA, now) : NOT_CHECKED,
    };
    this.connections.set(socket, checked);
    return checked;
  }
}

function stillValid(c: ConnectionCertificates, now: number): boolean {
  const current = (check: CertificateCheck): boolean => check.kind !== 'ok' || now <= check.validUntil;
  return current(c.frontProxy) && current(c.clientCert);
}

/** The presented chain, leaf first, as Node exposes it (issuer links until a self-signed certificate). */
function peerChain(socket: TLSSocket): X509Certificate[] {
  if (typeof socket.getPeerCertificate !== 'function') return [];
  const chain: X509Certificate[] = [];
  let cert = socket.getPeerCertificate(true);
  while (cert !== undefined && cert.raw !== undefined && chain.length < 10) {
    chain.push(new X509Certificate(cert.raw));
    if (cert.issuerCertificate === undefined || cert.issuerCertificate === cert) break;
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** §2.2 steps 2–3: the chain must reach the request-header CA; the leaf CN must be an allowed name. */
function checkFrontProxy(chain: X509Certificate[], trust: RequestHeaderTrust, now: number): CertificateCheck {
  const verified = verifyClientChain(chain, trust.ca, now);
  if (!verified.ok) return { kind: 'error', reason: verified.reason };
  const leaf = chain[0] as X509Certificate;
  const commonName = subjectAttributes(leaf, 'CN')[0] ?? '';
  if (trust.allowedNames.length > 0 && !trust.allowedNames.includes(commonName)) {
    return { kind: 'error', reason: `x509: subject with cn=${commonName} is not in the allowed list` };
  }
  return { kind: 'ok', validUntil: verified.validUntil };
}

/** x509 authenticator: user = CN, groups = O, extra credential-id = SHA-256 of the certificate. */
function checkClientCert(
  chain: X509Certificate[],
  ca: readonly X509Certificate[],
  now: number,
): CertificateCheck {
  const verified = verifyClientChain(chain, ca, now);
  if (!verified.ok) return { kind: 'error', reason: verified.reason };
  const leaf = chain[0] as X509Certificate;
  const name = subjectAttributes(leaf, 'CN')[0] ?? '';
  if (name === '') return NOT_CHECKED;
  const digest = createHash('sha256').update(leaf.raw).digest('hex');
  return {
    kind: 'ok',
    validUntil: verified.validUntil,
    user: {
      name,
      groups: subjectAttributes(leaf, 'O'),
      extra: { [CREDENTIAL_ID_KEY]: [`X509SHA256=${digest}`] },
    },
  };
}

/** §2.2 steps 4–7: user, uid, groups and extra from the headers a verified front proxy set. */
function userFromHeaders(req: IncomingMessage, trust: RequestHeaderTrust): UserInfo | undefined {
  const headers = req.headersDistinct;
  const first = (names: readonly string[]): string | undefined => {
    for (const name of names) {
      const value = headers[name]?.find((v) => v !== '');
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const name = first(trust.usernameHeaders);
  if (name === undefined) return undefined;
  const groups = trust.groupHeaders.flatMap((h) => (headers[h] ?? []).filter((v) => v !== ''));
  const extra: Record<string, string[]> = {};
  for (const prefix of trust.extraHeaderPrefixes) {
    for (const [header, values] of Object.entries(headers)) {
      if (!header.startsWith(prefix) || values === undefined) continue;
      const key = pathUnescape(header.slice(prefix.length));
      (extra[key] ??= []).push(...values);
    }
  }
  const uid = first(trust.uidHeaders);
  return { name, ...(uid === undefined ? {} : { uid }), groups, extra };
}

/** Go's url.PathUnescape, keeping the raw key when it is not valid escaping. */
function pathUnescape(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** group.NewAuthenticatedGroupAdder. */
function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes(AUTHENTICATED_GROUP)
    ? user
    : { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}

/** apiserver bearertoken.Authenticator: `Authorization: Bearer <token>`, scheme case-insensitive. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parts = header.trim().split(' ');
  if (parts.length < 2 || (parts[0] ?? '').toLowerCase() !== 'bearer') return undefined;
  return parts[1] === '' ? undefined : parts[1];
}

interface CachedReview {
  readonly result: Authentication;
  readonly expiresAt: number;
}

const TOKEN_CACHE_LIMIT = 10_000;

/**
 * TokenReview results cached for `ttlMs` whether the token was accepted or rejected; transport errors
 * are not cached (§2.2, cache.New(tokenAuth, false, 10s, 10s)). Tokens are keyed by their SHA-256.
 */
class TokenReviewCache {
  private readonly cache = new Map<string, CachedReview>();
  private readonly inFlight = new Map<string, Promise<CachedReview>>();

  constructor(
    private readonly api: KubernetesAuthApi,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The cached review, or the pending one; transport errors come back already expired. */
  review(token: string): CachedReview | Promise<CachedReview> {
    const key = createHash('sha256').update(token).digest('base64');
    const cached = this.cache.get(key);
    if (cached !== undefined && this.now() < cached.expiresAt) return cached;
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.fetch(key, token).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetch(key: string, token: string): Promise<CachedReview> {
    let result: Authentication;
    try {
      const status = await this.api.createTokenReview({ token });
      const username = status.user?.username ?? '';
      result =
        status.authenticated === true && username !== ''
          ? {
              // The group adder runs once per review, so cached answers are returned as they are.
              user: withAuthenticatedGroup({
                name: username,
                ...(status.user?.uid ? { uid: status.user.uid } : {}),
                groups: [...(status.user?.groups ?? [])],
                extra: { ...(status.user?.extra ?? {}) },
              }),
            }
          : { error: status.error ? `invalid bearer token, ${status.error}` : 'invalid bearer token' };
    } catch (error) {
      return { result: { error: `token review failed: ${(error as Error).message}` }, expiresAt: 0 };
    }
    if (this.cache.size >= TOKEN_CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    const review = { result, expiresAt: this.now() + this.ttlMs };
    this.cache.set(key, review);
    return review;
  }
}
