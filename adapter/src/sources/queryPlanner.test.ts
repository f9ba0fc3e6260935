import { parseSubset } from './promql';
import { planQueries, type PolicyQuery } from './queryPlanner';

const demand = (query: string, backend = 'default'): PolicyQuery => ({ backend, query });

describe('planQueries merging', () => {
  it('merges queries that differ only in equality values into one grouped query', () => {
    const plan = planQueries([
      demand('sum(rate(http_requests_total{namespace="shop",service="web"}[2m]))'),
      demand('sum(rate(http_requests_total{namespace="shop",service="api"}[2m]))'),
      demand('sum(rate(http_requests_total{service="cart", namespace="shop"}[2m]))'),
    ]);
    expect(plan.queries).toEqual([
      {
        backend: 'default',
        query: 'sum by (service) (rate(http_requests_total{namespace="shop", service=~"api|cart|web"}[2m]))',
        splitLabels: ['service'],
        policies: [0, 1, 2],
      },
    ]);
    expect(plan.assignments).toEqual([
      { kind: 'query', queryIndex: 0, splitValues: ['web'] },
      { kind: 'query', queryIndex: 0, splitValues: ['api'] },
      { kind: 'query', queryIndex: 0, splitValues: ['cart'] },
    ]);
  });

  it('groups by every label that varies and keeps the original grouping', () => {
    const plan = planQueries([
      demand('max by (le) (m{ns="a", svc="x", env="prod"})'),
      demand('max by (le) (m{ns="b", svc="y", env="prod"})'),
    ]);
    expect(plan.queries.map((q) => q.query)).toEqual([
      'max by (le, ns, svc) (m{ns=~"a|b", svc=~"x|y", env="prod"})',
    ]);
    expect(plan.assignments[1]).toEqual({ kind: 'query', queryIndex: 0, splitValues: ['b', 'y'] });
  });

  it.each(['sum', 'avg', 'max', 'min', 'count'])('merges under %s', (op) => {
    const plan = planQueries([demand(`${op}(m{a="1"})`), demand(`${op} (m{a="2"})`)]);
    expect(plan.queries.map((q) => q.query)).toEqual([`${op} by (a) (m{a=~"1|2"})`]);
  });

  it('escapes regex metacharacters and quotes in merged values', () => {
    const plan = planQueries([demand('sum(m{path="/a.b"})'), demand('sum(m{path="x|y\\\\z\\""})')]);
    const merged = plan.queries[0]!.query;
    expect(merged).toBe(String.raw`sum by (path) (m{path=~"/a\\.b|x\\|y\\\\z\""})`);
    const regex = parseSubset(merged)!.selector.matchers[0]!.value;
    expect(regex).toBe(String.raw`/a\.b|x\|y\\z"`);
    const anchored = new RegExp(`^(?:${regex})$`);
    expect(['/a.b', 'x|y\\z"'].every((v) => anchored.test(v))).toBe(true);
    expect(['/aXb', 'x', 'y\\z"'].some((v) => anchored.test(v))).toBe(false);
  });

  it('runs identical questions once, whatever their spelling', () => {
    const plan = planQueries([
      demand('sum(rate(m{a="1"}[1m]))'),
      demand('  sum( rate(m{a="1"}[1m]) )  '),
      demand('sum(rate(m{a="1"}[1m])) * 2'),
      demand('sum(rate(m{a="1"}[1m])) * 2'),
    ]);
    expect(plan.queries).toEqual([
      { backend: 'default', query: 'sum(rate(m{a="1"}[1m])) * 2', splitLabels: [], policies: [2, 3] },
      { backend: 'default', query: 'sum(rate(m{a="1"}[1m]))', splitLabels: [], policies: [0, 1] },
    ]);
  });

  it('gives policies with equal values the same split values within a merged query', () => {
    const plan = planQueries([demand('sum(m{a="1"})'), demand('sum(m{a="2"})'), demand('sum(m{a="1"})')]);
    expect(plan.queries).toHaveLength(1);
    expect(plan.assignments[0]).toEqual(plan.assignments[2]);
  });

  it.each([
    ['different backends', demand('sum(m{a="1"})', 'x'), demand('sum(m{a="2"})', 'y')],
    ['different ranges', demand('sum(rate(m{a="1"}[1m]))'), demand('sum(rate(m{a="2"}[2m]))')],
    ['different functions', demand('sum(rate(m{a="1"}[1m]))'), demand('sum(irate(m{a="2"}[1m]))')],
    ['different aggregations', demand('sum(m{a="1"})'), demand('avg(m{a="2"})')],
    ['different groupings', demand('sum by (x) (m{a="1"})'), demand('sum by (y) (m{a="2"})')],
    ['different metrics', demand('sum(m{a="1"})'), demand('sum(n{a="2"})')],
    ['different offsets', demand('sum(m{a="1"} offset 1m)'), demand('sum(m{a="2"})')],
    ['regex values that differ', demand('sum(m{a=~"1.*"})'), demand('sum(m{a=~"2.*"})')],
    ['an equality against a regex', demand('sum(m{a="1"})'), demand('sum(m{a=~"2"})')],
    ['different label sets', demand('sum(m{a="1"})'), demand('sum(m{a="1", b="2"})')],
    ['names set by __name__', demand('sum({__name__="m", a="1"})'), demand('sum({__name__="n", a="2"})')],
    ['without grouping', demand('sum without (x) (m{a="1"})'), demand('sum without (x) (m{a="2"})')],
    ['no aggregation', demand('rate(m{a="1"}[1m])'), demand('rate(m{a="2"}[1m])')],
    ['a repeated equality label', demand('sum(m{a="1", a="1"})'), demand('sum(m{a="2", a="2"})')],
    ['queries outside the subset', demand('sum(m{a="1"}) / 2'), demand('sum(m{a="2"}) / 2')],
  ])('does not merge %s', (_what, p, q) => {
    const plan = planQueries([p, q]);
    expect(plan.queries).toHaveLength(2);
    expect(plan.queries.every((x) => x.splitLabels.length === 0)).toBe(true);
  });

  it('keeps fixed non-equality matchers in the merged query', () => {
    const plan = planQueries([
      demand('sum(rate(m{a="1", code!~"5..", b="z"}[1m]))'),
      demand('sum(rate(m{code!~"5..", b="z", a="2"}[1m]))'),
    ]);
    expect(plan.queries.map((q) => q.query)).toEqual([
      'sum by (a) (rate(m{a=~"1|2", code!~"5..", b="z"}[1m]))',
    ]);
  });

  it('splits a template over several queries when it has more value sets than allowed per query', () => {
    const policies = Array.from({ length: 7 }, (_, i) => demand(`sum(m{a="${i}"})`));
    const plan = planQueries(policies, { maxSeriesPerResult: 100, maxGroupsPerQuery: 3 });
    expect(plan.queries.map((q) => q.query)).toEqual([
      'sum by (a) (m{a=~"0|1|2"})',
      'sum by (a) (m{a=~"3|4|5"})',
      'sum(m{a="6"})',
    ]);
    expect(plan.assignments.map((a) => (a.kind === 'query' ? a.queryIndex : -1))).toEqual([
      0, 0, 0, 1, 1, 1, 2,
    ]);
  });

  it('plans one query per template for many policies over many templates', () => {
    const policies: PolicyQuery[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = i % 20;
      policies.push(demand(`sum(rate(metric_${t}_total{namespace="ns-${i % 7}", service="svc-${i}"}[2m]))`));
    }
    const plan = planQueries(policies);
    expect(plan.queries).toHaveLength(20);
    expect(new Set(plan.queries.map((q) => q.query)).size).toBe(20);
    expect(plan.queries.every((q) => q.policies.length === 100)).toBe(true);
  });
});

describe('planQueries guard rails', () => {
  it.each([
    ['sum({})', /would match every series/],
    ['sum(rate({job=~".+"}[5m]))', /would match every series/],
    ['count({__name__=~"node_.*"})', /would match every series/],
    ['http_requests_total', /no equality matcher besides the metric name and no aggregation/],
    ['rate(http_requests_total{code!="200"}[5m])', /no equality matcher besides the metric name/],
    ['rate({__name__="http_requests_total", job=""}[5m])', /no equality matcher besides the metric name/],
    ['sum(rate(m[5m])) / sum(rate({}[5m]))', /empty selector \{\}/],
    ['histogram_quantile(0.9, sum by (le) (rate( { } [5m])))', /empty selector \{\}/],
  ])('rejects %s', (query, error) => {
    const plan = planQueries([demand(query), demand('sum(m{a="1"})')]);
    expect(plan.assignments[0]).toEqual({ kind: 'rejected', error: expect.stringMatching(error) });
    expect(plan.queries.map((q) => q.query)).toEqual(['sum(m{a="1"})']);
  });

  it.each([
    'sum(rate(http_requests_total[5m]))',
    'sum by (service) (rate(http_requests_total[5m]))',
    'rate(http_requests_total{service="web"}[5m])',
    'sum(m{label="{}"})',
    'sum(m{a="1"}) # a comment with {}',
    'sum(up{}) * 2',
  ])('accepts %s', (query) => {
    expect(planQueries([demand(query)]).assignments[0]?.kind).toBe('query');
  });
});
