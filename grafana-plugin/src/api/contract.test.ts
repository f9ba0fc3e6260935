import type { z } from 'zod';
import { type REQUESTS, RESPONSES } from '../../../adapter/src/server/rest/schemas';
import * as fixtures from '../testing/fixtures';
import type * as Api from './types';

// The plugin's view of the REST API is the server's contract. At compile time: each type the plugin
// reads (types.ts, from the adapter's client-types.ts) is exactly the output of the schema the server
// answers with, or the input of the schema it validates a request with; this file stops typechecking
// when they drift. At run time: the answers the plugin's tests mock are answers the server could send.
// Only tests import the schemas; the bundle gets the types alone.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Answer<K extends keyof typeof RESPONSES> = z.output<(typeof RESPONSES)[K]>;
type RequestBody<K extends keyof typeof REQUESTS> = z.input<(typeof REQUESTS)[K]>;

const sameAsServer: [
  Same<Api.Problem, Answer<'Problem'>>,
  Same<Api.Policy, Answer<'Policy'>>,
  Same<Api.List<Api.Policy>, Answer<'PolicyList'>>,
  Same<Api.PolicySpec, Answer<'PolicySpec'>>,
  Same<Api.PolicyStatus, Answer<'PolicyStatus'>>,
  Same<Api.Decision, Answer<'Decision'>>,
  Same<Api.Explanation, Answer<'Explanation'>>,
  Same<Api.DecisionRecord, Answer<'DecisionRecord'>>,
  Same<Api.List<Api.DecisionRecord>, Answer<'DecisionList'>>,
  Same<Api.Forecast, Answer<'Forecast'>>,
  Same<Api.Budget, Answer<'Budget'>>,
  Same<Api.List<Api.Budget>, Answer<'BudgetList'>>,
  Same<Api.BudgetSpec, Answer<'BudgetSpec'>>,
  Same<Api.BudgetStatus, Answer<'BudgetStatus'>>,
  Same<Api.BudgetEvent, Answer<'BudgetEvent'>>,
  Same<Api.List<Api.BudgetEvent>, Answer<'BudgetEventList'>>,
  Same<Api.Overview, Answer<'Overview'>>,
  Same<Api.Whoami, Answer<'Whoami'>>,
  Same<Api.Recommendation, Answer<'Recommendation'>>,
  Same<Api.List<Api.Recommendation>, Answer<'RecommendationList'>>,
  Same<Api.SlaCheck, Answer<'SlaCheck'>>,
  Same<Api.SimulationSummary, Answer<'SimulationSummary'>>,
  Same<Api.SimulationReport, Answer<'SimulationReport'>>,
  Same<Api.Anomaly, Answer<'Anomaly'>>,
  Same<Api.List<Api.Anomaly>, Answer<'AnomalyList'>>,
  Same<Api.AnomalyDetail, Answer<'AnomalyDetail'>>,
  Same<Api.BudgetSpecInput, RequestBody<'BudgetSpecInput'>>,
  Same<Api.SimulationRequest, RequestBody<'SimulationRequest'>>,
] = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];

describe("the plugin's view of the REST API", () => {
  it('is the type of what the server answers (checked by the compiler)', () => {
    expect(sameAsServer.every(Boolean)).toBe(true);
  });

  it.each<[string, keyof typeof RESPONSES, unknown]>([
    ['policy', 'Policy', fixtures.policy],
    ['failingPolicy', 'Policy', fixtures.failingPolicy],
    ['decision', 'Decision', fixtures.decision],
    ['explanation', 'Explanation', fixtures.explanation],
    ['decisionRecords', 'DecisionList', fixtures.page(fixtures.decisionRecords)],
    ['failedDecisionRecord', 'DecisionRecord', fixtures.failedDecisionRecord],
    ['overview', 'Overview', fixtures.overview],
    ['forecast', 'Forecast', fixtures.forecast],
    ['budget', 'Budget', fixtures.budget],
    ['configBudget', 'Budget', fixtures.configBudget],
    ['budgetEvents', 'BudgetEventList', fixtures.page(fixtures.budgetEvents)],
    ['anomalies', 'AnomalyList', fixtures.page([fixtures.anomaly, fixtures.endedAnomaly])],
    ['anomalyDetail', 'AnomalyDetail', fixtures.anomalyDetail],
  ])('mocks with fixture %s an answer the server could send (%s)', (_name, component, answer) => {
    const parsed = RESPONSES[component].safeParse(answer);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });
});
