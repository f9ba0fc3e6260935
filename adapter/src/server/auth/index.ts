// Delegated authentication and authorization for the aggregated API server (external-metrics-api.md §2),
// assembled from options; `local` mode switches both off and says so in the log.

import type { Logger } from 'pino';
import type { ServerConfig } from '../../config/schema';
import type { KubeConnection } from '../../k8s/connection';
import { DelegatingAuthenticator } from './authenticator';
import { DelegatingAuthorizer } from './authorizer';
import type { KubernetesAuthApi } from './kube-api';
import { createKubernetesAuthApi } from './kube-api';
import type { RequestHeaderFiles, TrustSource } from './trust';
import { configMapTrustSource, fileTrustSource, NO_TRUST } from './trust';

export { ANONYMOUS, DelegatingAuthenticator } from './authenticator';
export type { Authentication, UserInfo } from './authenticator';
export { DelegatingAuthorizer, subjectAccessReviewSpec } from './authorizer';
export type { AuthorizationDecision, RequestAttributes } from './authorizer';
export { createKubernetesAuthApi } from './kube-api';
export type {
  KubernetesAuthApi,
  SubjectAccessReviewSpec,
  SubjectAccessReviewStatus,
  TokenReviewStatus,
} from './kube-api';
export { parseAuthenticationConfigMap } from './trust';
export type { AuthenticationTrust, RequestHeaderFiles } from './trust';

export type ApiAuthOptions =
  | { readonly mode: 'local' }
  | {
      readonly mode: 'delegated';
      /** TokenReview, SubjectAccessReview and the authentication ConfigMap. */
      readonly kubeApi?: KubernetesAuthApi;
      /** Front-proxy trust from files; with neither this nor clientCAFile the ConfigMap is read. */
      readonly requestHeader?: RequestHeaderFiles;
      readonly clientCAFile?: string;
      /** How often CA files or the ConfigMap are re-read (default 60 s). */
      readonly trustRefreshIntervalMs?: number;
      /** TTL of token-review and access-review caches (default 10 s, §2.2, §2.3). */
      readonly cacheTtlMs?: number;
    };

export interface DelegatedAuth {
  readonly authenticator: DelegatingAuthenticator;
  readonly authorizer: DelegatingAuthorizer;
  close(): void;
}

/** Builds the authenticator and authorizer; undefined in local mode. */
export async function createDelegatedAuth(
  options: ApiAuthOptions,
  deps: { now: () => number; logger?: Logger },
): Promise<DelegatedAuth | undefined> {
  const { logger, now } = deps;
  if (options.mode === 'local') {
    logger?.warn(
      'server.auth.mode is "local": the External Metrics API performs no authentication or authorization; use only for development',
    );
    return undefined;
  }
  const intervalMs = options.trustRefreshIntervalMs ?? 60_000;
  let trust: TrustSource;
  if (options.requestHeader !== undefined || options.clientCAFile !== undefined) {
    trust = await fileTrustSource({
      requestHeader: options.requestHeader,
      clientCAFile: options.clientCAFile,
      intervalMs,
      logger,
    });
  } else if (options.kubeApi !== undefined) {
    trust = await configMapTrustSource(options.kubeApi, { intervalMs, logger });
  } else {
    logger?.warn(
      'no client CA configured and no Kubernetes API available: client certificates are not trusted',
    );
    trust = NO_TRUST;
  }
  if (options.kubeApi === undefined) {
    logger?.warn(
      'no Kubernetes API available: bearer tokens are ignored and only system:masters and health paths are authorized',
    );
  }
  const ttl = options.cacheTtlMs ?? 10_000;
  return {
    authenticator: new DelegatingAuthenticator({ trust, api: options.kubeApi, tokenCacheTtlMs: ttl, now }),
    authorizer: new DelegatingAuthorizer({
      api: options.kubeApi,
      allowCacheTtlMs: ttl,
      denyCacheTtlMs: ttl,
      now,
    }),
    close: () => trust.close(),
  };
}

/**
 * Auth options from the `server.auth` config section, with the Kubernetes API over `connection` (from
 * `kubeconfig`, else the pod's service account; k8s/connection.ts) when there is one.
 */
export function apiAuthOptionsFromConfig(
  auth: ServerConfig['auth'],
  connection: KubeConnection | undefined,
): ApiAuthOptions {
  if (auth.mode === 'local') return { mode: 'local' };
  const requestHeader = auth.requestHeader;
  if (requestHeader !== undefined && requestHeader.clientCAFile === undefined) {
    throw new Error(
      'server.auth.requestHeader.clientCAFile is required when server.auth.requestHeader is set',
    );
  }
  return {
    mode: 'delegated',
    kubeApi: connection === undefined ? undefined : createKubernetesAuthApi(connection),
    requestHeader:
      requestHeader?.clientCAFile === undefined
        ? undefined
        : { ...requestHeader, clientCAFile: requestHeader.clientCAFile },
    clientCAFile: auth.clientCAFile,
  };
}
