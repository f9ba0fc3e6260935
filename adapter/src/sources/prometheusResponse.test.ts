import { onlySeries, parseQueryResponse, parseSampleValue, seriesCount } from './prometheusResponse';

describe('parseSampleValue', () => {
  it('reads Prometheus float strings, including the special values', () => {
    expect(['1', '0.25', '-3e-7', '1e+21', 'NaN', '+Inf', '-Inf'].map(parseSampleValue)).toEqual([
      1,
      0.25,
      -3e-7,
      1e21,
      NaN,
      Infinity,
      -Infinity,
    ]);
    expect(parseSampleValue('')).toBeNaN();
    expect(parseSampleValue('abc')).toBeNaN();
  });
});

describe('parseQueryResponse', () => {
  it('reads a vector with millisecond timestamps and warnings', () => {
    const parsed = parseQueryResponse({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { job: 'a' }, value: [1700000000.123, '2.5'] },
          { metric: {}, value: [1700000000.123, 'NaN'] },
        ],
      },
      warnings: ['PromQL info: metric might not be a counter'],
    });
    expect(parsed).toEqual({
      data: {
        resultType: 'vector',
        samples: [
          { labels: { job: 'a' }, timestamp: 1700000000123, value: 2.5 },
          { labels: {}, timestamp: 1700000000123, value: NaN },
        ],
      },
      warnings: ['PromQL info: metric might not be a counter'],
    });
  });

  it('reads a matrix into typed arrays', () => {
    const parsed = parseQueryResponse({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { s: 'x' },
            values: [
              [10, '1'],
              [25, '+Inf'],
              [40, '-2'],
            ],
          },
        ],
      },
    });
    if ('kind' in parsed) throw new Error(JSON.stringify(parsed));
    if (parsed.data.resultType !== 'matrix') throw new Error('not a matrix');
    const s = parsed.data.series[0]!;
    expect(s.timestamps).toEqual(Float64Array.of(10000, 25000, 40000));
    expect(s.values).toEqual(Float64Array.of(1, Infinity, -2));
    expect(seriesCount(parsed.data)).toBe(1);
  });

  it('reads scalars and strings', () => {
    expect(
      parseQueryResponse({ status: 'success', data: { resultType: 'scalar', result: [5, '-Inf'] } }),
    ).toEqual({
      data: { resultType: 'scalar', timestamp: 5000, value: -Infinity },
      warnings: [],
    });
    expect(
      parseQueryResponse({ status: 'success', data: { resultType: 'string', result: [5, 'hi'] } }),
    ).toEqual({
      data: { resultType: 'string', timestamp: 5000, value: 'hi' },
      warnings: [],
    });
  });

  it('reports API errors with their type', () => {
    expect(
      parseQueryResponse({
        status: 'error',
        errorType: 'bad_data',
        error: '1:5: parse error: unexpected "}"',
      }),
    ).toEqual({ kind: 'api-error', errorType: 'bad_data', error: '1:5: parse error: unexpected "}"' });
  });

  it.each([
    [null, 'body is not a JSON object'],
    [{ status: 'ok' }, 'status is "ok"'],
    [{ status: 'success' }, 'data is missing'],
    [{ status: 'success', data: { resultType: 'table', result: [] } }, 'unknown resultType "table"'],
    [{ status: 'success', data: { resultType: 'vector', result: {} } }, 'vector result is not an array'],
    [{ status: 'success', data: { resultType: 'vector', result: [{ value: [1, 2] }] } }, 'sample is not'],
    [
      { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, histogram: [1, {}] }] } },
      'native histogram',
    ],
    [
      { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1]] }] } },
      'matrix point',
    ],
    [
      { status: 'success', data: { resultType: 'vector', result: [{ metric: { a: 1 }, value: [1, '1'] }] } },
      'label',
    ],
  ])('reports a malformed body %#', (body, detail) => {
    expect(parseQueryResponse(body)).toEqual({ kind: 'malformed', detail: expect.stringContaining(detail) });
  });
});

describe('onlySeries', () => {
  const series = (n: number) => ({
    labels: { n: String(n) },
    timestamps: Float64Array.of(1000),
    values: Float64Array.of(n),
  });
  test('is the one series of a matrix, and nothing for none, several or an instant answer', () => {
    const one = series(1);
    expect(onlySeries({ data: { resultType: 'matrix', series: [one] }, warnings: [] })).toBe(one);
    expect(onlySeries({ data: { resultType: 'matrix', series: [] }, warnings: [] })).toBeUndefined();
    expect(
      onlySeries({ data: { resultType: 'matrix', series: [series(1), series(2)] }, warnings: [] }),
    ).toBeUndefined();
    expect(
      onlySeries({ data: { resultType: 'scalar', timestamp: 1, value: 1 }, warnings: [] }),
    ).toBeUndefined();
  });
});
