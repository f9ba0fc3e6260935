import fc from 'fast-check';
import { scanQueryResponse } from './prometheusBodyScanner';
import { parseQueryResponse } from './prometheusResponse';

/** What the client made of a body before the scanner: its bytes decoded, JSON.parse, then parseQueryResponse. */
function viaJsonParse(bytes: Buffer): unknown {
  try {
    return parseQueryResponse(JSON.parse(bytes.toString('utf8')));
  } catch {
    return 'not JSON';
  }
}

const labels = fc.dictionary(
  fc.oneof(fc.constantFrom('__name__', 'job', 'pod', '__proto__'), fc.string({ maxLength: 6 })),
  fc.string({ unit: 'binary', maxLength: 8 }),
  { maxKeys: 4 },
);
const seconds = fc.oneof(
  fc.integer({ min: 0, max: 2_000_000_000 }),
  fc.double({ min: 0, max: 2e9, noNaN: true }),
  fc.constant(1700000000.123),
);
const sampleValue = fc.oneof(
  fc.constantFrom('NaN', '+Inf', '-Inf', 'Inf', '', '1e+21', '-3e-7', '0.25', 'abc'),
  fc.double().map(String),
);
const point = fc.tuple(seconds, sampleValue);
const vector = fc.array(fc.record({ metric: labels, value: point }, { requiredKeys: ['value'] }), {
  maxLength: 5,
});
const matrix = fc.array(
  fc.record({ metric: labels, values: fc.array(point, { maxLength: 6 }) }, { requiredKeys: ['values'] }),
  { maxLength: 4 },
);
const body = fc
  .record(
    {
      status: fc.constant('success'),
      data: fc.oneof(
        vector.map((result) => ({ resultType: 'vector', result })),
        matrix.map((result) => ({ resultType: 'matrix', result })),
      ),
      warnings: fc.array(fc.string({ maxLength: 10 }), { maxLength: 2 }),
      infos: fc.array(fc.string({ maxLength: 10 }), { maxLength: 2 }),
    },
    { requiredKeys: ['status', 'data'] },
  )
  .chain((b) => fc.constantFrom(0, 1, '\t').map((indent) => JSON.stringify(b, null, indent)));

describe('scanQueryResponse', () => {
  it('reads every vector and matrix body as JSON.parse and parseQueryResponse do', () => {
    fc.assert(
      fc.property(body, (text) => {
        const bytes = Buffer.from(text);
        const scanned = scanQueryResponse(bytes);
        expect(scanned).toBeDefined();
        expect(scanned).toEqual(viaJsonParse(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('reads any body, cut or altered, as they do or leaves it to them', () => {
    const inserts = ['', ',', '"', '\\', '[', '}', ' ', 'x', '1', '-', '.', 'e', '\xe9', '\xf0\x9f'];
    const altered = fc
      .tuple(body, fc.nat(), fc.nat(), fc.constantFrom(...inserts))
      .map(([text, at, cut, insert]) => {
        const bytes = Buffer.from(text);
        const i = at % (bytes.length + 1);
        const end = Math.min(bytes.length, i + (cut % 3));
        return Buffer.concat([bytes.subarray(0, i), Buffer.from(insert, 'latin1'), bytes.subarray(end)]);
      });
    let read = 0;
    fc.assert(
      fc.property(altered, (bytes) => {
        const scanned = scanQueryResponse(bytes);
        if (scanned === undefined) return;
        read++;
        expect(scanned).toEqual(viaJsonParse(bytes));
      }),
      { numRuns: 2000 },
    );
    // Many alterations leave valid JSON (a space, a digit inside a label value): the comparison ran.
    expect(read).toBeGreaterThan(0);
  });

  it('reads a long matrix into typed arrays of its exact length', () => {
    const values = Array.from({ length: 5000 }, (_, i) => [1700000000 + 300 * i, String(i / 7)]);
    const text = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ values }] } });
    const scanned = scanQueryResponse(Buffer.from(text));
    if (scanned?.data.resultType !== 'matrix') throw new Error('not read as a matrix');
    expect(scanned.data.series[0]!.values).toEqual(Float64Array.from(values, (p) => Number(p[1])));
    expect(scanned.data.series[0]!.timestamps.length).toBe(5000);
    expect(scanned).toEqual(viaJsonParse(Buffer.from(text)));
  });

  it("holds a matrix's points in one array, every series' timestamps and values views of it", () => {
    const series = (offset: number, n: number) => ({
      metric: { service: `svc${offset}` },
      values: Array.from({ length: n }, (_, i) => [1700000000 + 300 * i, String(offset + i)]),
    });
    const result = [series(0, 3), series(10, 0), series(20, 2)];
    const text = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });
    const scanned = scanQueryResponse(Buffer.from(text));
    if (scanned?.data.resultType !== 'matrix') throw new Error('not read as a matrix');
    const arrays = scanned.data.series.flatMap((s) => [s.timestamps, s.values]);
    expect(new Set(arrays.map((a) => a.buffer)).size).toBe(1);
    expect(arrays[0]!.buffer.byteLength).toBe(2 * 5 * 8);
    expect(Array.from(scanned.data.series[2]!.values)).toEqual([20, 21]);
    expect(scanned).toEqual(viaJsonParse(Buffer.from(text)));
  });

  it.each([
    ['an API error', '{"status":"error","errorType":"bad_data","error":"parse error"}'],
    ['a scalar', '{"status":"success","data":{"resultType":"scalar","result":[5,"1"]}}'],
    ['a result before its type', '{"status":"success","data":{"result":[],"resultType":"vector"}}'],
    ['a key given twice', '{"status":"success","data":{"resultType":"vector","result":[]},"status":"error"}'],
    [
      'an escaped value',
      '{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"\\u0031"]}]}}',
    ],
    [
      'a native histogram',
      '{"status":"success","data":{"resultType":"vector","result":[{"histogram":[1,{}]}]}}',
    ],
    [
      'a point with a third element',
      '{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"2",3]}]}}',
    ],
    [
      'a number label',
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"2"]}]}}',
    ],
    [
      'a number JSON does not write',
      '{"status":"success","data":{"resultType":"vector","result":[{"value":[01,"2"]}]}}',
    ],
    [
      'a non-ASCII sample value',
      '{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"２"]}]}}',
    ],
    ['text after the body', '{"status":"success","data":{"resultType":"vector","result":[]}} x'],
    ['not JSON', 'upstream connect error'],
  ])('leaves %s to JSON.parse', (_, text) => {
    expect(scanQueryResponse(Buffer.from(text))).toBeUndefined();
  });
});
