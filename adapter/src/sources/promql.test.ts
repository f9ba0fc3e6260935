import fc from 'fast-check';
import { escapeRegex, formatQuery, parseSubset, quoteString } from './promql';

describe('parseSubset', () => {
  it('reads an aggregation over a range function over a selector', () => {
    expect(parseSubset('sum(rate(http_requests_total{namespace="shop",service="web"}[2m]))')).toEqual({
      aggregation: { op: 'sum', grouping: 'by', labels: [] },
      rangeFunction: 'rate',
      selector: {
        metric: 'http_requests_total',
        matchers: [
          { name: 'namespace', op: '=', value: 'shop' },
          { name: 'service', op: '=', value: 'web' },
        ],
        range: '2m',
      },
    });
  });

  it('reads grouping before or after the body, all matcher operators, offset and comments', () => {
    const q = `avg by (pod,) ( # per pod
      irate(cpu{a!="x", b=~'y.*', c!~\`z\`,}[1h30m] offset -5m)
    )`;
    expect(parseSubset(q)).toEqual({
      aggregation: { op: 'avg', grouping: 'by', labels: ['pod'] },
      rangeFunction: 'irate',
      selector: {
        metric: 'cpu',
        matchers: [
          { name: 'a', op: '!=', value: 'x' },
          { name: 'b', op: '=~', value: 'y.*' },
          { name: 'c', op: '!~', value: 'z' },
        ],
        range: '1h30m',
        offset: '-5m',
      },
    });
    expect(parseSubset('max(up{job="a"}) without (instance)')?.aggregation).toEqual({
      op: 'max',
      grouping: 'without',
      labels: ['instance'],
    });
  });

  it('reads bare selectors, selectors without a metric name, and a metric named like an aggregation', () => {
    expect(parseSubset('queue_depth{queue="orders"}')).toEqual({
      selector: { metric: 'queue_depth', matchers: [{ name: 'queue', op: '=', value: 'orders' }] },
    });
    expect(parseSubset('count({__name__="up", job="x"})')?.selector.metric).toBeUndefined();
    expect(parseSubset('sum')).toEqual({ selector: { metric: 'sum', matchers: [] } });
  });

  it('decodes Go string escapes', () => {
    const q = parseSubset(String.raw`sum(m{a="q\"uo\\te\n\x41\u00e9\101"})`);
    expect(q?.selector.matchers[0]?.value).toBe('q"uo\\te\nAéA');
    expect(parseSubset(String.raw`sum(m{a='it\'s'})`)?.selector.matchers[0]?.value).toBe("it's");
  });

  it.each([
    'sum(rate(m{a="b"}[5m])) * 60',
    'histogram_quantile(0.9, sum by (le) (rate(m_bucket[5m])))',
    'topk(3, m)',
    'sum(rate(m[5m:1m]))',
    'sum(rate(m{a="b"}[5m]) @ 1700000000)',
    'sum(rate(m{a="b"}[5m])',
    'sum(rat(m{a="b"}[5m]))',
    'sum(rate(m{a="b"}[5x]))',
    'sum(rate(m{a="b"}))',
    'sum(m{a=="b"})',
    'sum(m{a="b})',
    'sum by (a) (m) by (b)',
    'sum(sum(m))',
    '',
  ])('leaves %s to Prometheus', (q) => {
    expect(parseSubset(q)).toBeUndefined();
  });
});

describe('formatQuery', () => {
  it('renders what it parsed as equivalent PromQL', () => {
    const q = 'sum by (pod) (rate(http_requests_total{ns="shop", path=~"/api/.*"}[2m] offset 1m))';
    const parsed = parseSubset(q)!;
    expect(formatQuery(parsed)).toBe(q);
    expect(parseSubset(formatQuery(parsed))).toEqual(parsed);
    expect(formatQuery(parseSubset('{job="x"}')!)).toBe('{job="x"}');
    expect(formatQuery(parseSubset('count without () (up)')!)).toBe('count without () (up)');
  });

  it('round-trips any label value through quoting and parsing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const parsed = parseSubset(`sum(m{l=${quoteString(value)}})`);
        expect(parsed?.selector.matchers[0]?.value).toBe(value);
      }),
    );
  });
});

describe('escapeRegex', () => {
  it('makes any string match itself literally and nothing else', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (value, other) => {
        const re = new RegExp(`^(?:${escapeRegex(value)})$`, 'u');
        expect(re.test(value)).toBe(true);
        expect(re.test(other)).toBe(other === value);
      }),
    );
  });

  it('escapes every RE2 metacharacter', () => {
    expect(escapeRegex('a.b+c*d?(e)|[f]{g}^h$\\')).toBe(
      'a\\.b\\+c\\*d\\?\\(e\\)\\|\\[f\\]\\{g\\}\\^h\\$\\\\',
    );
  });
});
