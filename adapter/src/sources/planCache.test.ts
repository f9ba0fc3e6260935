import { PlanCache } from './planCache';
import { DEFAULT_PLANNER_OPTIONS } from './queryPlanner';

describe('PlanCache', () => {
  const policies = [
    { backend: 'a', query: 'sum(m{x="1"})' },
    { backend: 'a', query: 'sum(m{x="2"})' },
  ];

  it('returns the same plan while backends, queries, order and options are unchanged', () => {
    const cache = new PlanCache();
    const first = cache.plan(policies);
    expect(first.queries).toHaveLength(1);
    expect(cache.plan(policies.map((p) => ({ ...p })))).toBe(first);
  });

  it('re-plans when a query, a backend, the order or the options change', () => {
    const cache = new PlanCache();
    const first = cache.plan(policies);
    const changedQuery = cache.plan([policies[0]!, { backend: 'a', query: 'sum(m{x="3"})' }]);
    expect(changedQuery).not.toBe(first);
    expect(changedQuery.queries[0]?.query).toBe('sum by (x) (m{x=~"1|3"})');
    const changedBackend = cache.plan([policies[0]!, { backend: 'b', query: 'sum(m{x="3"})' }]);
    expect(changedBackend.queries).toHaveLength(2);
    const reordered = cache.plan([policies[1]!, policies[0]!]);
    expect(reordered.assignments[0]).toEqual({ kind: 'query', queryIndex: 0, splitValues: ['2'] });
    const options = { ...DEFAULT_PLANNER_OPTIONS, maxSeriesPerResult: 7 };
    expect(cache.plan([policies[1]!, policies[0]!], options).maxSeriesPerResult).toBe(7);
  });
});
