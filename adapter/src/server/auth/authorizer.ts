// Delegated authorization (external-metrics-api.md §2.3; apiserver pkg/server/options/authorization.go
// NewDelegatingAuthorizationOptions and plugin/pkg/authorizer/webhook): always-allowed paths and groups,
// then a SubjectAccessReview whose allowed and denied answers are each cached for 10 s, keyed by what
// the review's spec contains.

import type { LabelRequirement, LabelSelector } from '../../k8s';
import type { UserInfo } from './authenticator';
import type { KubernetesAuthApi, LabelSelectorRequirementJson, SubjectAccessReviewSpec } from './kube-api';

export interface AuthorizationAttributes {
  readonly user: UserInfo;
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
const ALWAYS_ALLOW_GROUPS: readonly string[] = ['system:masters'];
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
  private readonly selectorKeys = new WeakMap<LabelSelector, string>();
  private readonly allowTtlMs: number;
  private readonly denyTtlMs: number;

  constructor(private readonly options: AuthorizerOptions) {
    this.allowTtlMs = options.allowCacheTtlMs ?? 10_000;
    this.denyTtlMs = options.denyCacheTtlMs ?? 10_000;
  }

  /** Synchronous when no review is needed or its answer is cached. */
  authorize(attributes: AuthorizationAttributes): AuthorizationDecision | Promise<AuthorizationDecision> {
    // The path authorizer only speaks for non-resource requests.
    if (!attributes.resourceRequest && ALWAYS_ALLOW_PATHS.has(attributes.path)) return ALLOWED;
    if (attributes.user.groups.some((g) => ALWAYS_ALLOW_GROUPS.includes(g))) return ALLOWED;
    const api = this.options.api;
    if (api === undefined) return DENIED_WITHOUT_REVIEWER;

    const key = this.reviewKey(attributes);
    const cached = this.cache.get(key);
    if (cached !== undefined && this.options.now() < cached.expiresAt) return cached.decision;
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.review(api, key, subjectAccessReviewSpec(attributes)).finally(() =>
        this.inFlight.delete(key),
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /**
   * Identifies the review the attributes would send, as the JSON of its spec does, without building
   * the spec on the request path: identity and selector parts are memoised per (cached) object, and
   * every field is length-prefixed so no content can run into the next field.
   */
  private reviewKey(a: AuthorizationAttributes): string {
    let identity = this.identityKeys.get(a.user);
    if (identity === undefined) {
      identity = JSON.stringify([a.user.name, a.user.uid ?? '', a.user.groups, a.user.extra]);
      this.identityKeys.set(a.user, identity);
    }
    if (!a.resourceRequest) return `N${field(identity)}${field(a.verb)}${field(a.path)}`;
    let selector = '';
    if (a.labelSelector !== undefined && SELECTOR_VERBS.has(a.verb)) {
      selector = this.selectorKeys.get(a.labelSelector) ?? '';
      if (selector === '') {
        selector = JSON.stringify(a.labelSelector.requirements.flatMap(selectorRequirement));
        this.selectorKeys.set(a.labelSelector, selector);
      }
    }
    return (
      `R${field(identity)}${field(a.verb)}${field(a.namespace)}${field(a.apiGroup)}${field(a.apiVersion)}` +
      `${field(a.resource)}${field(a.subresource)}${field(a.name)}${field(selector)}`
    );
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

/** The review a Go apiserver sends for these attributes (§2.3 resourceAttributesFrom). */
export function subjectAccessReviewSpec(a: AuthorizationAttributes): SubjectAccessReviewSpec {
  const identity = {
    user: a.user.name,
    groups: a.user.groups,
    ...(Object.keys(a.user.extra).length > 0 ? { extra: a.user.extra } : {}),
    ...(a.user.uid ? { uid: a.user.uid } : {}),
  };
  if (!a.resourceRequest) return { nonResourceAttributes: { path: a.path, verb: a.verb }, ...identity };
  const requirements =
    a.labelSelector !== undefined && SELECTOR_VERBS.has(a.verb)
      ? a.labelSelector.requirements.flatMap(selectorRequirement)
      : [];
  return {
    resourceAttributes: {
      ...(a.namespace ? { namespace: a.namespace } : {}),
      ...(a.verb ? { verb: a.verb } : {}),
      ...(a.apiGroup ? { group: a.apiGroup } : {}),
      ...(a.apiVersion ? { version: a.apiVersion } : {}),
      ...(a.resource ? { resource: a.resource } : {}),
      ...(a.subresource ? { subresource: a.subresource } : {}),
      ...(a.name ? { name: a.name } : {}),
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
