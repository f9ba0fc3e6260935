import fc from 'fast-check';
import type { InstantSample, Labels, QueryData, QueryResponse } from './prometheusResponse';
import { parseSubset, type SubsetQuery } from './promql';
import { planQueries, type PolicyQuery, type QueryPlan } from './queryPlanner';
import { policySeries, policySamples, type QueryOutcome } from './results';

const vector = (...samples: Array<[Labels, number]>): QueryOutcome => ({
  ok: true,
  response: {
    data: {
      resultType: 'vector',
      samples: samples.map(([labels, value]) => ({ labels, timestamp: 1000, value })),
    },
    warnings: [],
  },
});

const policies = (...queries: string[]): PolicyQuery[] =>
  queries.map((query) => ({ backend: 'prom', query }));

describe('policySamples', () => {
  const merged = planQueries(policies('sum(m{svc="web"})', 'sum(m{svc="api"})', 'sum(m{svc="db"})'));

  it('hands each policy the series carrying its label values', () => {
    const out = policySamples(merged, [vector([{ svc: 'api' }, 2], [{ svc: 'web' }, 1], [{ svc: 'db' }, 3])]);
    expect(out.map((r) => (r.ok ? r.value : r.error))).toEqual([1, 2, 3]);
    expect(out[0]).toEqual({ ok: true, value: 1, timestamp: 1000, labels: { svc: 'web' }, warnings: [] });
  });

  it('makes a missing series an error naming the backend and the policy query, not a zero', () => {
    const out = policySamples(merged, [vector([{ svc: 'api' }, 2], [{ svc: 'db' }, 3])]);
    expect(out[0]).toEqual({
      ok: false,
      error: 'Prometheus backend "prom": query returned no series (query: sum(m{svc="web"}))',
    });
    expect(out[1]).toMatchObject({ ok: true, value: 2 });
  });

  it.each([
    [NaN, 'query returned NaN'],
    [Infinity, 'query returned +Inf'],
    [-Infinity, 'query returned -Inf'],
  ])('makes %s an error', (value, message) => {
    const out = policySamples(merged, [vector([{ svc: 'web' }, value], [{ svc: 'api' }, 0])]);
    expect(out[0]).toEqual({ ok: false, error: expect.stringContaining(message) });
    expect(out[1]).toMatchObject({ ok: true, value: 0 });
  });

  it('makes several series for one policy an error naming the count', () => {
    const plan = planQueries(policies('sum by (pod) (m{svc="web"})'));
    const out = policySamples(plan, [vector([{ pod: 'a' }, 1], [{ pod: 'b' }, 2], [{ pod: 'c' }, 3])]);
    expect(out[0]).toEqual({ ok: false, error: expect.stringContaining('query returned 3 series') });
  });

  it('passes a failed query on to every policy it served, and a rejection to its policy only', () => {
    const plan = planQueries(policies('sum(m{svc="web"})', 'sum(m{svc="api"})', 'm'));
    const failure: QueryOutcome = {
      ok: false,
      error: new Error('Prometheus backend "prom": bad_data: boom'),
    };
    const out = policySamples(plan, [failure]);
    expect(out).toEqual([
      { ok: false, error: 'Prometheus backend "prom": bad_data: boom' },
      { ok: false, error: 'Prometheus backend "prom": bad_data: boom' },
      {
        ok: false,
        error: expect.stringMatching(/^Prometheus backend "prom": rejected: selector m has no equality/),
      },
    ]);
  });

  it('refuses a result with more series than allowed', () => {
    const plan: QueryPlan = {
      ...planQueries(policies('sum by (pod) (m{svc="web"})')),
      maxSeriesPerResult: 2,
    };
    const out = policySamples(plan, [vector([{ pod: 'a' }, 1], [{ pod: 'b' }, 2], [{ pod: 'c' }, 3])]);
    expect(out[0]).toEqual({
      ok: false,
      error: expect.stringContaining('3 series, more than the limit of 2'),
    });
  });

  it('accepts a scalar result and refuses a string or a matrix', () => {
    const plan = planQueries(policies('scalar(sum(m{a="1"}))', 'vector("x") + 1', 'sum(m{a="1"}) > 0'));
    const data: QueryData[] = [
      { resultType: 'scalar', timestamp: 5, value: 4 },
      { resultType: 'string', timestamp: 5, value: 'x' },
      { resultType: 'matrix', series: [] },
    ];
    const out = policySamples(
      plan,
      data.map((d) => ({ ok: true, response: { data: d, warnings: ['w'] } })),
    );
    expect(out[0]).toEqual({ ok: true, value: 4, timestamp: 5, labels: {}, warnings: ['w'] });
    expect(out[1]).toEqual({ ok: false, error: expect.stringContaining('query returned a string') });
    expect(out[2]).toEqual({ ok: false, error: expect.stringContaining('query returned a matrix') });
  });
});

describe('policySeries', () => {
  it('splits range results per policy and keeps the typed arrays', () => {
    const plan = planQueries(policies('sum(rate(m{svc="web"}[1m]))', 'sum(rate(m{svc="api"}[1m]))'));
    const web = {
      labels: { svc: 'web' },
      timestamps: Float64Array.of(0, 15000),
      values: Float64Array.of(1, 2),
    };
    const outcome: QueryOutcome = {
      ok: true,
      response: { data: { resultType: 'matrix', series: [web] }, warnings: [] },
    };
    const out = policySeries(plan, [outcome]);
    expect(out[0]).toEqual({ ok: true, ...web, warnings: [] });
    expect(out[0]?.ok && out[0].values).toBe(web.values);
    expect(out[1]).toEqual({ ok: false, error: expect.stringContaining('query returned no series') });
  });
});

// Merging must not change any policy's answer: evaluate every policy's own query and the merged plan
// with the same small PromQL evaluator over random series, and compare.
describe('merged plans answer like the original queries', () => {
  const VALUES = ['', 'x', 'y', 'x.y', 'x|y', 'a"b', 'c\\d', '(z)'];
  const value = fc.constantFrom(...VALUES);
  const seriesArb = fc.array(
    fc.record({
      a: fc.option(value, { nil: undefined }),
      b: fc.option(value, { nil: undefined }),
      v: fc.integer({ min: -50, max: 50 }),
    }),
    { maxLength: 30 },
  );
  const policyArb = fc.record({ a: value, b: fc.option(value, { nil: undefined }) });

  it('for sum, avg, max, min and count', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sum', 'avg', 'max', 'min', 'count'),
        seriesArb,
        fc.array(policyArb, { minLength: 1, maxLength: 8 }),
        (op, rawSeries, rawPolicies) => {
          const series = rawSeries.map((s) => ({
            labels: compact({ a: s.a, b: s.b, c: 'fixed' }),
            value: s.v,
          }));
          const queries = policies(
            ...rawPolicies.map((p) => {
              const b = p.b === undefined ? '' : `, b=${JSON.stringify(p.b)}`;
              return `${op}(m{c="fixed", a=${JSON.stringify(p.a)}${b}})`;
            }),
          );
          const plan = planQueries(queries, { maxSeriesPerResult: 1000, maxGroupsPerQuery: 3 });
          const outcomes = plan.queries.map((q) => evaluate(parseSubset(q.query)!, series));
          const expected = queries.map(
            (q) => policySamples(planQueries([q]), [evaluate(parseSubset(q.query)!, series)])[0],
          );
          const actual = policySamples(plan, outcomes);
          expect(actual.map(valueOrError)).toEqual(expected.map(valueOrError));
        },
      ),
      { numRuns: 300 },
    );
  });

  function valueOrError(r: ReturnType<typeof policySamples>[number] | undefined): number | string {
    if (r === undefined) return 'missing';
    return r.ok ? r.value : r.error.replace(/\(query: .*\)$/, '');
  }

  function compact(labels: Record<string, string | undefined>): Labels {
    return Object.fromEntries(
      Object.entries(labels).filter(([, v]) => v !== undefined && v !== ''),
    ) as Labels;
  }

  /** Instant-vector evaluation of an aggregation over a selector, as Prometheus defines it. */
  function evaluate(q: SubsetQuery, series: Array<{ labels: Labels; value: number }>): QueryOutcome {
    const matched = series.filter((s) =>
      q.selector.matchers.every((m) => {
        const v = s.labels[m.name] ?? '';
        const re = new RegExp(`^(?:${m.value})$`);
        if (m.op === '=') return v === m.value;
        if (m.op === '!=') return v !== m.value;
        return m.op === '=~' ? re.test(v) : !re.test(v);
      }),
    );
    const by = q.aggregation!.labels;
    const groups = new Map<string, { labels: Labels; values: number[] }>();
    for (const s of matched) {
      const labels = compact(Object.fromEntries(by.map((l) => [l, s.labels[l]])));
      const key = JSON.stringify(by.map((l) => s.labels[l] ?? ''));
      const g = groups.get(key) ?? { labels, values: [] };
      g.values.push(s.value);
      groups.set(key, g);
    }
    const aggregate = (vs: number[]): number => {
      switch (q.aggregation!.op) {
        case 'sum':
          return vs.reduce((x, y) => x + y, 0);
        case 'avg':
          return vs.reduce((x, y) => x + y, 0) / vs.length;
        case 'max':
          return Math.max(...vs);
        case 'min':
          return Math.min(...vs);
        case 'count':
          return vs.length;
      }
    };
    const samples: InstantSample[] = [...groups.values()].map((g) => ({
      labels: g.labels,
      timestamp: 0,
      value: aggregate(g.values),
    }));
    const response: QueryResponse = { data: { resultType: 'vector', samples }, warnings: [] };
    return { ok: true, response };
  }
});
