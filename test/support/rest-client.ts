import type {
  ApiKey,
  ApiKeyRequest,
  AuditEntry,
  AuditQuery,
  Budget,
  BudgetEvent,
  BudgetSpecInput,
  CreatedApiKey,
  DecisionRecord,
  DecisionsQuery,
  DryRunResult,
  Forecast,
  ForecastQuery,
  List,
  Overview,
  Override,
  OverrideRequest,
  PageQuery,
  PoliciesQuery,
  Policy,
  PolicySpecInput,
  Problem,
  Recommendation,
  RecommendationsQuery,
  SimulationReport,
  SimulationRequest,
  Whoami,
} from '../../adapter/src/server/rest/client-types';

// A framework-free client of the REST API for the tests, typed by the client types: it drives the API
// as a script would, through any fetch-like function. (The Grafana plugin has its own, on backendSrv.)

export interface FetchInit {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
}

/** What the client reads from an answer; the standard Response has all of it. */
export interface FetchResponse {
  readonly status: number;
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface ClientOptions {
  /** Where /api/v1 lives, e.g. `https://costscale.costscale.svc` or a Grafana plugin proxy route. */
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  /** Sent as `Authorization: Bearer <token>` when given (a proxy may add it instead). */
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error answer: the HTTP status and the problem details the API sent. */
export class CostscaleApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'CostscaleApiError';
  }
}

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface CostscaleClient {
  whoami(): Promise<Whoami>;
  overview(): Promise<Overview>;
  listPolicies(query?: PoliciesQuery): Promise<List<Policy>>;
  getPolicy(namespace: string, name: string): Promise<Policy>;
  createPolicy(spec: PolicySpecInput): Promise<Policy>;
  updatePolicy(spec: PolicySpecInput): Promise<Policy>;
  deletePolicy(namespace: string, name: string): Promise<void>;
  dryRunPolicy(spec: PolicySpecInput): Promise<DryRunResult>;
  getForecast(namespace: string, name: string, query?: ForecastQuery): Promise<Forecast>;
  listOverrides(): Promise<List<Override>>;
  getOverride(namespace: string, name: string): Promise<Override>;
  setOverride(namespace: string, name: string, request: OverrideRequest): Promise<Override>;
  clearOverride(namespace: string, name: string): Promise<void>;
  listDecisions(query?: DecisionsQuery): Promise<List<DecisionRecord>>;
  listBudgets(): Promise<List<Budget>>;
  getBudget(name: string): Promise<Budget>;
  createBudget(spec: BudgetSpecInput): Promise<Budget>;
  updateBudget(spec: BudgetSpecInput): Promise<Budget>;
  deleteBudget(name: string): Promise<void>;
  listBudgetEvents(name: string, query?: PageQuery): Promise<List<BudgetEvent>>;
  listAudit(query?: AuditQuery): Promise<List<AuditEntry>>;
  listApiKeys(includeRevoked?: boolean): Promise<List<ApiKey>>;
  createApiKey(request: ApiKeyRequest): Promise<CreatedApiKey>;
  revokeApiKey(id: number): Promise<void>;
  listRecommendations(query?: RecommendationsQuery): Promise<List<Recommendation>>;
  getRecommendation(id: number): Promise<Recommendation>;
  applyRecommendation(id: number): Promise<Recommendation>;
  dismissRecommendation(id: number): Promise<Recommendation>;
  /** `force` restores the prior fields even when they were changed since the recommendation was applied. */
  rollBackRecommendation(id: number, force?: boolean): Promise<Recommendation>;
  simulatePolicy(namespace: string, name: string, request?: SimulationRequest): Promise<SimulationReport>;
}

export function createCostscaleClient(options: ClientOptions): CostscaleClient {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
  const seg = encodeURIComponent;

  async function call<T>(
    method: FetchInit['method'],
    path: string,
    query?: Query,
    body?: unknown,
  ): Promise<T> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) search.set(k, String(v));
    const qs = search.toString();
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await options.fetch(`${base}${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 400) {
      let problem: Problem | undefined;
      try {
        problem = JSON.parse(text) as Problem;
      } catch {
        problem = undefined;
      }
      throw new CostscaleApiError(res.status, problem);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  const policyPath = (namespace: string, name: string) => `/policies/${seg(namespace)}/${seg(name)}`;
  return {
    whoami: () => call('GET', '/whoami'),
    overview: () => call('GET', '/overview'),
    listPolicies: (query) => call('GET', '/policies', { ...query }),
    getPolicy: (namespace, name) => call('GET', policyPath(namespace, name)),
    createPolicy: (spec) => call('POST', '/policies', undefined, spec),
    updatePolicy: (spec) => call('PUT', policyPath(spec.namespace, spec.name), undefined, spec),
    deletePolicy: (namespace, name) => call('DELETE', policyPath(namespace, name)),
    dryRunPolicy: (spec) => call('POST', '/policies/dry-run', undefined, spec),
    getForecast: (namespace, name, query) =>
      call('GET', `${policyPath(namespace, name)}/forecast`, { ...query }),
    listOverrides: () => call('GET', '/overrides'),
    getOverride: (namespace, name) => call('GET', `${policyPath(namespace, name)}/override`),
    setOverride: (namespace, name, request) =>
      call('PUT', `${policyPath(namespace, name)}/override`, undefined, request),
    clearOverride: (namespace, name) => call('DELETE', `${policyPath(namespace, name)}/override`),
    listDecisions: (query) => call('GET', '/decisions', { ...query }),
    listBudgets: () => call('GET', '/budgets'),
    getBudget: (name) => call('GET', `/budgets/${seg(name)}`),
    createBudget: (spec) => call('POST', '/budgets', undefined, spec),
    updateBudget: (spec) => call('PUT', `/budgets/${seg(spec.name)}`, undefined, spec),
    deleteBudget: (name) => call('DELETE', `/budgets/${seg(name)}`),
    listBudgetEvents: (name, query) => call('GET', `/budgets/${seg(name)}/events`, { ...query }),
    listAudit: (query) => call('GET', '/audit', { ...query }),
    listApiKeys: (includeRevoked) =>
      call('GET', '/apikeys', includeRevoked === undefined ? undefined : { includeRevoked }),
    createApiKey: (request) => call('POST', '/apikeys', undefined, request),
    revokeApiKey: (id) => call('DELETE', `/apikeys/${id}`),
    listRecommendations: (query) => call('GET', '/recommendations', { ...query }),
    getRecommendation: (id) => call('GET', `/recommendations/${id}`),
    applyRecommendation: (id) => call('POST', `/recommendations/${id}/apply`),
    dismissRecommendation: (id) => call('POST', `/recommendations/${id}/dismiss`),
    rollBackRecommendation: (id, force) =>
      call('POST', `/recommendations/${id}/rollback`, force === undefined ? undefined : { force }),
    simulatePolicy: (namespace, name, request) =>
      call('POST', `${policyPath(namespace, name)}/simulate`, undefined, request ?? {}),
  };
}
