import type { z } from 'zod';
import type * as S from './schemas';

// Types of the costscale REST API (/api/v1) for clients such as the Grafana app plugin, derived from
// the zod schemas in schemas.ts, which also validate requests, type the handlers' answers and generate
// the OpenAPI document: the contract is written once. Every import is `import type`, so a bundle that
// imports this module gets neither zod nor server code.

/** An answer as the server sends it (defaults filled in): the OpenAPI response component `K`. */
type Answer<K extends keyof typeof S.RESPONSES> = z.output<(typeof S.RESPONSES)[K]>;
/** A request body as a client may send it (fields with defaults may be left out). */
type RequestBody<K extends keyof typeof S.REQUESTS> = z.input<(typeof S.REQUESTS)[K]>;
/** Query parameters as the server reads them; a client sends each value as a string. */
type Query<T extends z.ZodType> = z.output<T>;

/** Every list: a page of items and the cursor of the next page (null on the last page). */
export type List<T> = z.output<ReturnType<typeof S.listOf<z.ZodType<T>>>>;

/** RFC 9457 problem details, the body of every error answer. */
export type Problem = Answer<'Problem'>;
export type FieldError = NonNullable<Problem['errors']>[number];

// ---- policies, overrides and decisions -------------------------------------------------------------

/** A policy spec as the API returns it (defaults filled in). */
export type PolicySpec = Answer<'PolicySpec'>;
/** A policy spec as a client sends it (fields with defaults may be left out). */
export type PolicySpecInput = RequestBody<'PolicySpecInput'>;
export type PolicyMode = PolicySpec['mode'];
export type ScheduleProfile = PolicySpec['schedules'][number];
export type Weekday = ScheduleProfile['days'][number];
export type SloTarget = NonNullable<PolicySpec['slo']['latencySeconds']>;
export type SpecOverride = PolicySpec['overrides'][number];

export type Policy = Answer<'Policy'>;
export type Source = Policy['source'];
export type PolicyStatus = Answer<'PolicyStatus'>;
export type PolicyState = PolicyStatus['state'];
export type Override = Answer<'Override'>;
export type OverrideRequest = RequestBody<'OverrideRequest'>;
export type DryRunResult = Answer<'DryRunResult'>;
export type QueryPreview = DryRunResult['queries'][number];

export type Decision = Answer<'Decision'>;
export type Explanation = Answer<'Explanation'>;
export type ActingBound = Decision['actingBound'];
export type Bound = Explanation['bounds'][number]['bound'];
export type DecisionRecord = Answer<'DecisionRecord'>;

export type Forecast = Answer<'Forecast'>;
export type ForecastAccuracy = NonNullable<Forecast['accuracy']>;

export type Anomaly = Answer<'Anomaly'>;
export type AnomalyDetail = Answer<'AnomalyDetail'>;

// ---- budgets, overview, keys and audit -------------------------------------------------------------

export type BudgetSpec = Answer<'BudgetSpec'>;
export type BudgetSpecInput = RequestBody<'BudgetSpecInput'>;
export type BudgetStatus = Answer<'BudgetStatus'>;
export type ThresholdState = BudgetStatus['state'];
export type Budget = Answer<'Budget'>;
export type BudgetEvent = Answer<'BudgetEvent'>;

export type Overview = Answer<'Overview'>;

export type Whoami = Answer<'Whoami'>;
export type Role = Whoami['role'];
export type ApiKey = Answer<'ApiKey'>;
export type ApiKeyRequest = RequestBody<'ApiKeyRequest'>;
export type CreatedApiKey = Answer<'CreatedApiKey'>;
export type AuditEntry = Answer<'AuditEntry'>;

// ---- recommendations and simulation ----------------------------------------------------------------

export type Recommendation = Answer<'Recommendation'>;
export type RecommendationKind = Recommendation['kind'];
export type RecommendationStatus = Recommendation['status'];
export type ObjectChange = Answer<'ObjectChange'>;
export type WorkloadRef = Extract<ObjectChange, { type: 'workload-replicas' }>['workload'];
export type Toleration = Extract<ObjectChange, { type: 'spot-placement' }>['tolerations'][number];
export type SlaCheck = Answer<'SlaCheck'>;
export type SimulationFigures = SlaCheck['before'];
export type ConfigChange = Answer<'ConfigChange'>;

/** A what-if run over the policy's own Prometheus history. */
export type SimulationRequest = RequestBody<'SimulationRequest'>;
export type SimulationSummary = Answer<'SimulationSummary'>;
export type SimulationReport = Answer<'SimulationReport'>;

// ---- query parameters ------------------------------------------------------------------------------

export type PoliciesQuery = Query<typeof S.policiesQuery>;
export type DecisionsQuery = Query<typeof S.decisionsQuery>;
export type ForecastQuery = Query<typeof S.forecastQuery>;
export type PageQuery = Query<typeof S.pageQuery>;
export type AuditQuery = Query<typeof S.auditQuery>;
export type RecommendationsQuery = Query<typeof S.recommendationsQuery>;
export type AnomaliesQuery = Query<typeof S.anomaliesQuery>;
