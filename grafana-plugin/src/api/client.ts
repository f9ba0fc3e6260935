import { grafanaTransport, type Transport } from './transport';
import type {
  Anomaly,
  AnomalyDetail,
  Budget,
  BudgetEvent,
  BudgetSpecInput,
  DecisionRecord,
  Forecast,
  Overview,
  List,
  Policy,
  Recommendation,
  RecommendationAction,
  SimulationReport,
  SimulationRequest,
  Whoami,
} from './types';

// The typed client of the adapter's REST API: one function per endpoint, plain data in and out.
// Components never fetch; they call these (through hooks) and the transport does the HTTP.

const segment = encodeURIComponent;
const isoOrUndefined = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

export interface DecisionQuery {
  readonly namespace?: string;
  readonly policy?: string;
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, exclusive. */
  readonly to?: number;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ForecastQuery {
  /** How far back actuals go, as a duration such as `6h` (the adapter caps it at 7d). */
  readonly window?: string;
  /** Resolution of actuals, e.g. `1m`. */
  readonly step?: string;
}

export interface AnomalyQuery {
  readonly namespace?: string;
  readonly policy?: string;
  readonly signal?: string;
  /** Epoch ms: episodes that started at or after it. */
  readonly from?: number;
  /** Epoch ms: episodes that started before it. */
  readonly to?: number;
  /** Only episodes that last (true) or ended (false). */
  readonly active?: boolean;
  readonly limit?: number;
  readonly cursor?: string;
}

export function createCostscaleClient(transport: Transport) {
  return {
    whoami: () => transport<Whoami>({ method: 'GET', path: '/whoami' }),

    overview: () => transport<Overview>({ method: 'GET', path: '/overview' }),

    policies: () => transport<List<Policy>>({ method: 'GET', path: '/policies' }),

    policy: (namespace: string, name: string) =>
      transport<Policy>({ method: 'GET', path: `/policies/${segment(namespace)}/${segment(name)}` }),

    decisions: (query: DecisionQuery = {}) =>
      transport<List<DecisionRecord>>({
        method: 'GET',
        path: '/decisions',
        query: {
          namespace: query.namespace,
          policy: query.policy,
          from: isoOrUndefined(query.from),
          to: isoOrUndefined(query.to),
          limit: query.limit,
          cursor: query.cursor,
        },
      }),

    forecast: (namespace: string, name: string, query: ForecastQuery = {}) =>
      transport<Forecast>({
        method: 'GET',
        path: `/policies/${segment(namespace)}/${segment(name)}/forecast`,
        query: { window: query.window, step: query.step },
      }),

    anomalies: (query: AnomalyQuery = {}) =>
      transport<List<Anomaly>>({
        method: 'GET',
        path: '/anomalies',
        query: {
          namespace: query.namespace,
          policy: query.policy,
          signal: query.signal,
          from: isoOrUndefined(query.from),
          to: isoOrUndefined(query.to),
          active: query.active === undefined ? undefined : String(query.active),
          limit: query.limit,
          cursor: query.cursor,
        },
      }),

    anomaly: (id: number) => transport<AnomalyDetail>({ method: 'GET', path: `/anomalies/${id}` }),

    budgets: () => transport<List<Budget>>({ method: 'GET', path: '/budgets' }),

    budget: (name: string) => transport<Budget>({ method: 'GET', path: `/budgets/${segment(name)}` }),

    createBudget: (spec: BudgetSpecInput) =>
      transport<Budget>({ method: 'POST', path: '/budgets', body: spec }),

    updateBudget: (name: string, spec: BudgetSpecInput) =>
      transport<Budget>({ method: 'PUT', path: `/budgets/${segment(name)}`, body: spec }),

    budgetEvents: (name: string, page: { limit?: number; cursor?: string } = {}) =>
      transport<List<BudgetEvent>>({
        method: 'GET',
        path: `/budgets/${segment(name)}/events`,
        query: { limit: page.limit, cursor: page.cursor },
      }),

    recommendations: (page: { limit?: number; cursor?: string } = {}) =>
      transport<List<Recommendation>>({
        method: 'GET',
        path: '/recommendations',
        query: { limit: page.limit, cursor: page.cursor },
      }),

    actOnRecommendation: (id: number, action: RecommendationAction) =>
      transport<Recommendation>({ method: 'POST', path: `/recommendations/${id}/${action}` }),

    simulate: (namespace: string, name: string, request: SimulationRequest) =>
      transport<SimulationReport>({
        method: 'POST',
        path: `/policies/${segment(namespace)}/${segment(name)}/simulate`,
        body: request,
      }),

    /** The API paths the adapter serves, from its OpenAPI document (to find out which features it has). */
    apiPaths: async () =>
      Object.keys(
        (await transport<{ paths?: Record<string, unknown> }>({ method: 'GET', path: '/openapi.json' }))
          .paths ?? {},
      ),
  };
}

export type CostscaleClient = ReturnType<typeof createCostscaleClient>;

/** The client the pages use: through Grafana's plugin proxy. */
export const costscale: CostscaleClient = createCostscaleClient(grafanaTransport);
