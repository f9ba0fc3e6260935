// Prometheus as a source: plan one request per query template, run it through per-backend clients,
// split the results back per policy; OpenCost prices and kube-state-metrics requests.
export { backoffDelayMs, DEFAULT_BACKOFF, parseRetryAfter } from './backoff';
export type { BackoffOptions } from './backoff';
export { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER } from './circuitBreaker';
export type { CircuitBreakerOptions, CircuitState, Permit } from './circuitBreaker';
export { ConcurrencyLimit } from './concurrencyLimit';
export { PlanCache } from './planCache';
export { executeInstantPlan, executeRangePlan } from './executePlan';
export type { Backends } from './executePlan';
export { createHttpTransport, TransportError } from './httpTransport';
export type { HttpResponse, HttpTransport, HttpTransportOptions, TlsFiles } from './httpTransport';
export {
  fetchNodePrices,
  fetchReplicaRequests,
  NODE_PRICES_QUERY,
  podPattern,
  replicaRequestsQuery,
  workloadKey,
} from './prices';
export type { OpenCostNodePrice, ReplicaRequests, SourceResult, WorkloadRef } from './prices';
export { NOOP_OBSERVER, PrometheusClient } from './prometheusClient';
export type {
  Endpoint,
  InstantQueryOptions,
  PrometheusClientOptions,
  PrometheusObserver,
  PrometheusQuerier,
  RangeQueryOptions,
} from './prometheusClient';
export { describeQueryFailure, isRetryableStatus, PrometheusError } from './prometheusError';
export type { PrometheusErrorDetails, PrometheusErrorKind } from './prometheusError';
export { onlySeries, parseQueryResponse, parseSampleValue, seriesCount } from './prometheusResponse';
export type {
  InstantSample,
  Labels,
  QueryData,
  QueryResponse,
  RangeSeries,
  ResponseProblem,
} from './prometheusResponse';
export { escapeRegex, formatQuery, parseSubset, quoteString } from './promql';
export type {
  Aggregation,
  AggregationOp,
  LabelMatcher,
  MatchOp,
  SubsetQuery,
  VectorSelector,
} from './promql';
export { DEFAULT_PLANNER_OPTIONS, planQueries } from './queryPlanner';
export type { PlannedQuery, PlannerOptions, PolicyQuery, QueryAssignment, QueryPlan } from './queryPlanner';
export { policySamples, policySeries } from './results';
export type { PolicySample, PolicySeries, QueryOutcome } from './results';
