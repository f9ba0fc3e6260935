// Which of our routes a request addresses and the authorization attributes a Go apiserver would derive
// for it (external-metrics-api.md §1.2; apiserver pkg/endpoints/request/requestinfo.go NewRequestInfo).

import { EXTERNAL_METRICS_GROUP, EXTERNAL_METRICS_VERSION } from './discovery';
import type { HealthEndpoint } from './health';

export type Route =
  | { readonly kind: 'apis' }
  | { readonly kind: 'group' }
  | { readonly kind: 'resourceList' }
  | { readonly kind: 'valueList'; readonly namespace: string; readonly metric: string }
  | { readonly kind: 'health'; readonly endpoint: HealthEndpoint; readonly subPath: string | undefined }
  | { readonly kind: 'notFound' };

export interface RequestInfo {
  /** Percent-decoded path, as Go's req.URL.Path. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly route: Route;
  readonly resourceRequest: boolean;
  readonly verb: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
}

const HEALTH_ENDPOINTS: ReadonlySet<string> = new Set(['healthz', 'livez', 'readyz']);
// Path segments after `namespaces/{ns}` that are subresources of the namespace itself.
const NAMESPACE_SUBRESOURCES: ReadonlySet<string> = new Set(['status', 'finalize']);

/** Paths this server answers; everything else goes to the fallback handler (the REST API). */
export function ownsPath(rawUrl: string): boolean {
  return (
    hasPathPrefix(rawUrl, '/apis') ||
    hasPathPrefix(rawUrl, '/openapi') ||
    hasPathPrefix(rawUrl, '/healthz') ||
    hasPathPrefix(rawUrl, '/livez') ||
    hasPathPrefix(rawUrl, '/readyz')
  );
}

function hasPathPrefix(url: string, prefix: string): boolean {
  if (!url.startsWith(prefix)) return false;
  const next = url.charCodeAt(prefix.length);
  return Number.isNaN(next) || next === 0x2f /* / */ || next === 0x3f; /* ? */
}

/** Parses an owned request; undefined when the path's percent-encoding is malformed. */
export function requestInfo(method: string, rawUrl: string): RequestInfo | undefined {
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  let path: string;
  try {
    path = rawPath.includes('%') ? decodeURIComponent(rawPath) : rawPath;
  } catch {
    return undefined;
  }
  // §1.1: the aggregator re-encodes the query with url.Values.Encode; URLSearchParams decodes `+` as space.
  const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
  const segments = path.split('/').slice(1);
  const nonResource = {
    resourceRequest: false,
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  const verb = method.toLowerCase();

  const first = segments[0] ?? '';
  if (HEALTH_ENDPOINTS.has(first)) {
    const subPath = segments.length > 1 ? segments.slice(1).join('/') : undefined;
    const route: Route = { kind: 'health', endpoint: first as HealthEndpoint, subPath };
    return { path, query, route, verb, ...nonResource };
  }
  if (first !== 'apis' || segments.length < 4 || segments[3] === '') {
    return { path, query, route: discoveryRoute(segments), verb, ...nonResource };
  }

  // A resource request: /apis/<group>/<version>/<parts…>.
  const apiGroup = segments[1] ?? '';
  const apiVersion = segments[2] ?? '';
  let parts = segments.slice(3);
  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1] ?? '';
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2);
  }
  const resource = parts[0] ?? '';
  const name = parts[1] ?? '';
  const subresource = parts[2] ?? '';
  const isValueList =
    apiGroup === EXTERNAL_METRICS_GROUP &&
    apiVersion === EXTERNAL_METRICS_VERSION &&
    segments.length === 6 &&
    segments[3] === 'namespaces' &&
    namespace !== '' &&
    resource !== '' &&
    resource === segments[5];
  return {
    path,
    query,
    route: isValueList ? { kind: 'valueList', namespace, metric: resource } : { kind: 'notFound' },
    resourceRequest: true,
    verb: resourceVerb(method, name, query),
    apiGroup,
    apiVersion,
    namespace,
    resource,
    subresource,
    name,
  };
}

function discoveryRoute(segments: readonly string[]): Route {
  const [first, group, version, trailing] = segments;
  if (first !== 'apis') return { kind: 'notFound' };
  // `/apis/` is 404 (custom-metrics-apiserver TestExternalMetricsAPI); `/apis/<g>/<v>/` is served.
  if (segments.length === 1) return { kind: 'apis' };
  if (group !== EXTERNAL_METRICS_GROUP) return { kind: 'notFound' };
  if (segments.length === 2 || (segments.length === 3 && version === '')) return { kind: 'group' };
  if (version !== EXTERNAL_METRICS_VERSION) return { kind: 'notFound' };
  if (segments.length === 3 || (segments.length === 4 && trailing === '')) return { kind: 'resourceList' };
  return { kind: 'notFound' };
}

function resourceVerb(method: string, name: string, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
    case 'HEAD': {
      if (name !== '') return 'get';
      const watch = query.get('watch');
      return watch === 'true' || watch === '1' ? 'watch' : 'list';
    }
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name !== '' ? 'delete' : 'deletecollection';
    default:
      return '';
  }
}
