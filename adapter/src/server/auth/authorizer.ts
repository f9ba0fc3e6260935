// Delegated authorization (external-metrics-api.md §2.3; apiserver pkg/server/options/authorization.go
// NewDelegatingAuthorizationOptions and plugin/pkg/authorizer/webhook): always-allowed paths and groups,
// then a SubjectAccessReview whose allowed and denied answers are each cached for 10 s, keyed by what
// the review's spec contains.

import type { LabelRequirement, LabelSelector } from '../../k8s';
import type { UserInfo } from './authenticator';
import type { KubernetesAuthApi, LabelSelectorRequirementJson, SubjectAccessReviewSpec } from './kube-api';

/** What a request asks to do, independent of who asks (apiserver RequestInfo plus its selector). */
export interface RequestAttributes {
  readonly verb: string;
  readonly path: string;
  readonly resourceRequest: boolean;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  /** The request's parsed labelSelector, if it had a valid one. */
  readonly labelSelector?: LabelSelector;
}

export type AuthorizationDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string }
  | { readonly error: string };

export interface AuthorizerOptions {
  /** SubjectAccessReview client; without one only the always-allowed paths and groups pass. */
  readonly api?: KubernetesAuthApi;
  readonly allowCacheTtlMs?: number;
  readonly denyCacheTtlMs?: number;
  readonly now: () => number;
}

const ALWAYS_ALLOW_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/livez']);
const ALWAYS_ALLOW_GROUPS: ReadonlySet<string> = new Set(['system:masters']);
const SELECTOR_VERBS: ReadonlySet<string> = new Set(['list', 'watch', 'deletecollection']);
const CACHE_LIMIT = 10_000;
const ALLOWED: AuthorizationDecision = { allowed: true };
const DENIED_WITHOUT_REVIEWER: AuthorizationDecision = { allowed: false, reason: '' };

interface CachedDecision {
  readonly decision: AuthorizationDecision;
  readonly expiresAt: number;
}

export class DelegatingAuthorizer {
  private readonly cache = new Map<string, CachedDecision>();
  private readonly inFlight = new Map<string, Promise<AuthorizationDecision>>();
  private readonly identityKeys = new WeakMap<UserInfo, string>();
  private readonly requestKeys = new WeakMap<RequestAttributes, string>();
  private readonly allowTtlMs: number;
  private readonly denyTtlMs: number;

  constructor(private readonly options: AuthorizerOptions) {
    this.allowTtlMs = options.allowCacheTtlMs ?? 10_000;
    this.denyTtlMs = options.denyCacheTtlMs ?? 10_000;
  }

  /**
   * Synchronous when no review is needed or its answer is cached. Keys are memoised per user and per
   * request object, so callers that reuse both (a token's cached user, a parsed request line) pay
   * one string concatenation and one map lookup.
   */
  authorize(
    user: UserInfo,
    request: RequestAttributes,
  ): AuthorizationDecision | Promise<AuthorizationDecision> {
    // The path authorizer only speaks for non-resource requests.
    if (!request.resourceRequest && ALWAYS_ALLOW_PATHS.has(request.path)) return ALLOWED;
    for (const group of user.groups) if (ALWAYS_ALLOW_GROUPS.has(group)) return ALLOWED;
    const api = this.options.api;
    if (api === undefined) return DENIED_WITHOUT_REVIEWER;

    const key = this.identityKey(user) + this.requestKey(request);
    const cached = this.cache.get(key);
    if (cached !== undefined && this.options.now() < cached.expiresAt) return cached.decision;
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.review(api, key, subjectAccessReviewSpec(user, request)).finally(() =>
        this.inFlight.delete(key),
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  // Together the two keys identify the review's spec, as its JSON does in Go's cache; each field is
  // length-prefixed so no content can run into the next one.
  private identityKey(user: UserInfo): string {
    let key = this.identityKeys.get(user);
    if (key === undefined) {
      key = field(JSON.stringify([user.name, user.uid ?? '', user.groups, user.extra]));
      this.identityKeys.set(user, key);
    }
    return key;
  }

  private requestKey(r: RequestAttributes): string {
    let key = this.requestKeys.get(r);
    if (key === undefined) {
      if (r.resourceRequest) {
        const selector =
          r.labelSelector !== undefined && SELECTOR_VERBS.has(r.verb)
            ? JSON.stringify(r.labelSelector.requirements.flatMap(selectorRequirement))
            : '';
        key =
          `R${field(r.verb)}${field(r.namespace)}${field(r.apiGroup)}${field(r.apiVersion)}` +
          `${field(r.resource)}${field(r.subresource)}${field(r.name)}${field(selector)}`;
      } else {
        key = `N${field(r.verb)}${field(r.path)}`;
      }
      this.requestKeys.set(r, key);
    }
    return key;
  }

  private async review(
    api: KubernetesAuthApi,
    key: string,
    spec: SubjectAccessReviewSpec,
  ): Promise<AuthorizationDecision> {
    let decision: AuthorizationDecision;
    try {
      const status = await api.createSubjectAccessReview(spec);
      if (status.allowed && status.denied) {
        // Contradictory answers are an error, so they are neither allowed nor cached.
        return { error: 'webhook subject access review returned both allow and deny response' };
      }
      decision = status.allowed ? ALLOWED : { allowed: false, reason: status.reason ?? '' };
    } catch (error) {
      // No opinion on error ⇒ the request is not allowed; errors are not cached.
      return { error: (error as Error).message };
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    const ttl = 'allowed' in decision && decision.allowed ? this.allowTtlMs : this.denyTtlMs;
    this.cache.set(key, { decision, expiresAt: this.options.now() + ttl });
    return decision;
  }
}

function field(value: string): string {
  return `${value.length}:${value}`;
}

/** The review a Go apiserver sends for this user and request (§2.3 resourceAttributesFrom). */
export function subjectAccessReviewSpec(user: UserInfo, r: RequestAttributes): SubjectAccessReviewSpec {
  const identity = {
    user: user.name,
    groups: user.groups,
    ...(Object.keys(user.extra).length > 0 ? { extra: user.extra } : {}),
    ...(user.uid ? { uid: user.uid } : {}),
  };
  if (!r.resourceRequest) return { nonResourceAttributes: { path: r.path, verb: r.verb }, ...identity };
  const requirements =
    r.labelSelector !== undefined && SELECTOR_VERBS.has(r.verb)
      ? r.labelSelector.requirements.flatMap(selectorRequirement)
      : [];
  return {
    resourceAttributes: {
      ...(r.namespace ? { namespace: r.namespace } : {}),
      ...(r.verb ? { verb: r.verb } : {}),
      ...(r.apiGroup ? { group: r.apiGroup } : {}),
      ...(r.apiVersion ? { version: r.apiVersion } : {}),
      ...(r.resource ? { resource: r.resource } : {}),
      ...(r.subresource ? { subresource: r.subresource } : {}),
      ...(r.name ? { name: r.name } : {}),
      ...(requirements.length > 0 ? { labelSelector: { requirements } } : {}),
    },
    ...identity,
  };
}

/** `=`, `==`, `in` ⇒ In; `!=`, `notin` ⇒ NotIn; exists; `!` ⇒ DoesNotExist; `>`/`<` are dropped. */
function selectorRequirement(r: LabelRequirement): LabelSelectorRequirementJson[] {
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return [{ key: r.key, operator: 'In', values: r.values }];
    case '!=':
    case 'notin':
      return [{ key: r.key, operator: 'NotIn', values: r.values }];
    case 'exists':
      return [{ key: r.key, operator: 'Exists' }];
    case '!':
      return [{ key: r.key, operator: 'DoesNotExist' }];
    default:
      return [];
  }
}
