import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../log';
import { touchApiKey, verifyApiKey, apiKeyPrefix, type ApiKey } from '../../store/apiKeys';
import type { Queryable } from '../../store/db';
import { ANONYMOUS, DelegatingAuthenticator, type KubernetesAuthApi, type UserInfo } from '../auth';
import { NO_TRUST } from '../auth/trust';
import type { TokenRoleRule } from '../../config/restSettings';
import type { Role } from '../../config/roles';

// Who is calling: `Authorization: Bearer <token>` carries either a costscale API key (csk_…) or a
// Kubernetes token, which TokenReview authenticates (through the External Metrics server's
// authenticator with its cache) and the configured rules map to a role.

export interface Principal {
  readonly kind: 'apikey' | 'kubernetes';
  /** Who, as the audit log records it: `apikey:<name>#<prefix>` or `kubernetes:<username>`. */
  readonly actor: string;
  readonly role: Role;
  /** The rate limiter's bucket. */
  readonly rateKey: string;
}

export type AuthOutcome =
  { readonly principal: Principal } | { readonly unauthenticated: string } | { readonly forbidden: string };

export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, admin: 2 };

export function hasRole(principal: Principal, needed: Role): boolean {
  return ROLE_RANK[principal.role] >= ROLE_RANK[needed];
}

/** The highest role a rule grants the user, if any rule matches. */
export function roleForUser(user: UserInfo, rules: readonly TokenRoleRule[]): Role | undefined {
  let best: Role | undefined;
  for (const rule of rules) {
    const matches = 'user' in rule ? rule.user === user.name : user.groups.includes(rule.group);
    if (matches && (best === undefined || ROLE_RANK[rule.role] > ROLE_RANK[best])) best = rule.role;
  }
  return best;
}

export interface RestAuthenticatorOptions {
  readonly db: Queryable;
  readonly kubeApi?: KubernetesAuthApi;
  readonly tokenRoles: () => readonly TokenRoleRule[];
  /** A header that may carry an API key instead of Authorization (KEDA's `apiKey` auth mode). */
  readonly apiKeyHeader?: () => string;
  readonly now: () => number;
  readonly logger?: Logger;
  /** How long a verified (or rejected) API key is remembered (default 5 s: bounds revocation delay). */
  readonly keyCacheTtlMs?: number;
  /**
   * While the database cannot be reached, a key verified within this long still authenticates
   * (default 15 min), so read-only views keep answering through an outage (issue 16, defect 7).
   */
  readonly keyOutageTtlMs?: number;
}

const KEY_CACHE_LIMIT = 10_000;
const TOUCH_INTERVAL_MS = 60_000;

export class RestAuthenticator {
  private readonly keys = new Map<string, { key: ApiKey | undefined; expiresAt: number }>();
  /** The last successful verification of each key, for database outages. */
  private readonly verified = new Map<string, { key: ApiKey; at: number }>();
  private readonly outageTtl: number;
  private readonly touched = new Map<number, number>();
  private readonly kubernetes: DelegatingAuthenticator | undefined;
  private readonly ttl: number;

  constructor(private readonly options: RestAuthenticatorOptions) {
    this.ttl = options.keyCacheTtlMs ?? 5_000;
    this.outageTtl = options.keyOutageTtlMs ?? 15 * 60_000;
    this.kubernetes =
      options.kubeApi === undefined
        ? undefined
        : new DelegatingAuthenticator({ trust: NO_TRUST, api: options.kubeApi, now: options.now });
  }

  async authenticate(req: IncomingMessage): Promise<AuthOutcome> {
    const token = bearerToken(req.headers.authorization) ?? this.headerApiKey(req);
    if (token === undefined) return { unauthenticated: 'no bearer token' };
    if (apiKeyPrefix(token) !== undefined) {
      const key = await this.apiKey(token);
      if (key === undefined) return { unauthenticated: 'invalid API key' };
      return {
        principal: {
          kind: 'apikey',
          actor: `apikey:${key.name}#${key.prefix}`,
          role: key.role,
          rateKey: `apikey:${key.id}`,
        },
      };
    }
    if (this.kubernetes === undefined) return { unauthenticated: 'invalid bearer token' };
    const result = await this.kubernetes.authenticate(req);
    if ('error' in result) return { unauthenticated: result.error };
    // The chain answers system:anonymous when it finds no token of its own; that is no identity here.
    if (result.user.name === ANONYMOUS.name) return { unauthenticated: 'invalid bearer token' };
    const role = roleForUser(result.user, this.options.tokenRoles());
    if (role === undefined) {
      return { forbidden: `user "${result.user.name}" has no costscale role (server.rest.tokenRoles)` };
    }
    return {
      principal: {
        kind: 'kubernetes',
        actor: `kubernetes:${result.user.name}`,
        role,
        rateKey: `kubernetes:${result.user.name}`,
      },
    };
  }

  /** Only costscale API keys travel in the API key header; Kubernetes tokens need Authorization. */
  private headerApiKey(req: IncomingMessage): string | undefined {
    const name = this.options.apiKeyHeader?.();
    if (name === undefined) return undefined;
    const value = req.headers[name.toLowerCase()];
    const key = typeof value === 'string' ? value.trim() : undefined;
    return key !== undefined && apiKeyPrefix(key) !== undefined ? key : undefined;
  }

  /** Forgets cached keys, so a revocation takes effect at once in this process. */
  forgetKeys(): void {
    this.keys.clear();
    this.verified.clear();
  }

  private async apiKey(token: string): Promise<ApiKey | undefined> {
    const now = this.options.now();
    const cacheKey = createHash('sha256').update(token).digest('base64');
    const cached = this.keys.get(cacheKey);
    let key: ApiKey | undefined;
    if (cached !== undefined && now < cached.expiresAt) {
      key = cached.key;
    } else {
      try {
        key = await verifyApiKey(this.options.db, token);
      } catch (err) {
        // Only an unreachable database gets here: a revocation is honoured at the first verification
        // after it returns, and a key unknown before the outage is not accepted during it.
        const known = this.verified.get(cacheKey);
        if (known === undefined || now - known.at > this.outageTtl) throw err;
        return known.key;
      }
      if (this.keys.size >= KEY_CACHE_LIMIT) this.keys.clear();
      this.keys.set(cacheKey, { key, expiresAt: now + this.ttl });
      if (this.verified.size >= KEY_CACHE_LIMIT) this.verified.clear();
      if (key === undefined) this.verified.delete(cacheKey);
      else this.verified.set(cacheKey, { key, at: now });
    }
    if (key !== undefined && now - (this.touched.get(key.id) ?? -Infinity) >= TOUCH_INTERVAL_MS) {
      this.touched.set(key.id, now);
      touchApiKey(this.options.db, key.id, now).catch((err: Error) =>
        this.options.logger?.warn({ err: err.message }, 'recording API key use failed'),
      );
    }
    return key;
  }
}

/** `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1). */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1];
}
