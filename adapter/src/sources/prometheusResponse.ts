// The Prometheus HTTP API's query response (prometheus.io/docs/prometheus/latest/querying/api):
// {"status":"success"|"error","data":{"resultType":…,"result":…},"errorType":…,"error":…,"warnings":[…]}.
// Sample values travel as strings so that "NaN", "+Inf" and "-Inf" survive JSON; timestamps are
// float seconds. Here timestamps become epoch milliseconds and range values typed arrays.

export type Labels = Readonly<Record<string, string>>;

export interface InstantSample {
  readonly labels: Labels;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly value: number;
}

export interface RangeSeries {
  readonly labels: Labels;
  /** Epoch milliseconds. */
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export type QueryData =
  | { readonly resultType: 'vector'; readonly samples: readonly InstantSample[] }
  | { readonly resultType: 'matrix'; readonly series: readonly RangeSeries[] }
  | { readonly resultType: 'scalar'; readonly timestamp: number; readonly value: number }
  | { readonly resultType: 'string'; readonly timestamp: number; readonly value: string };

export interface QueryResponse {
  readonly data: QueryData;
  readonly warnings: readonly string[];
}

/** Why a response body is not a successful query result. */
export type ResponseProblem =
  | { readonly kind: 'api-error'; readonly errorType: string; readonly error: string }
  | { readonly kind: 'malformed'; readonly detail: string };

/** Parses a sample value as Prometheus formats it (Go's strconv.FormatFloat, plus "+Inf"/"-Inf"/"NaN"). */
export function parseSampleValue(text: string): number {
  switch (text) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    default:
      return text.length === 0 ? NaN : Number(text);
  }
}

/** The one series of a range query's answer; undefined when it holds none, several or no matrix. */
export function onlySeries(response: QueryResponse): RangeSeries | undefined {
  return response.data.resultType === 'matrix' && response.data.series.length === 1
    ? response.data.series[0]
    : undefined;
}

/** Number of series (or 1 for scalar and string results) in `data`. */
export function seriesCount(data: QueryData): number {
  if (data.resultType === 'vector') return data.samples.length;
  if (data.resultType === 'matrix') return data.series.length;
  return 1;
}

/** Interprets a decoded JSON body; a problem when it is an API error or not the documented shape. */
export function parseQueryResponse(body: unknown): QueryResponse | ResponseProblem {
  if (!isObject(body)) return malformed('body is not a JSON object');
  const warnings = Array.isArray(body.warnings) ? body.warnings.map(String) : [];
  if (body.status === 'error') {
    return {
      kind: 'api-error',
      errorType: typeof body.errorType === 'string' ? body.errorType : 'unknown',
      error: typeof body.error === 'string' ? body.error : 'no error message',
    };
  }
  if (body.status !== 'success') return malformed(`status is ${JSON.stringify(body.status)}`);
  const data = body.data;
  if (!isObject(data)) return malformed('data is missing');
  const result = data.result;
  try {
    switch (data.resultType) {
      case 'vector':
        if (!Array.isArray(result)) return malformed('vector result is not an array');
        return { data: { resultType: 'vector', samples: result.map(instantSample) }, warnings };
      case 'matrix':
        if (!Array.isArray(result)) return malformed('matrix result is not an array');
        return { data: { resultType: 'matrix', series: result.map(rangeSeries) }, warnings };
      case 'scalar': {
        const [timestamp, value] = pair(result);
        return { data: { resultType: 'scalar', timestamp, value: parseSampleValue(value) }, warnings };
      }
      case 'string': {
        const [timestamp, value] = pair(result);
        return { data: { resultType: 'string', timestamp, value }, warnings };
      }
      default:
        return malformed(`unknown resultType ${JSON.stringify(data.resultType)}`);
    }
  } catch (err) {
    if (err instanceof MalformedSample) return malformed(err.message);
    throw err;
  }
}

class MalformedSample extends Error {}

function instantSample(entry: unknown): InstantSample {
  if (!isObject(entry)) throw new MalformedSample('vector sample is not an object');
  if (entry.value === undefined && entry.histogram !== undefined) {
    throw new MalformedSample('native histogram sample where a float sample was expected');
  }
  const [timestamp, value] = pair(entry.value);
  return { labels: labelsOf(entry.metric), timestamp, value: parseSampleValue(value) };
}

function rangeSeries(entry: unknown): RangeSeries {
  if (!isObject(entry)) throw new MalformedSample('matrix series is not an object');
  const points = entry.values;
  if (!Array.isArray(points)) {
    if (entry.histograms !== undefined)
      throw new MalformedSample('native histogram series where floats were expected');
    throw new MalformedSample('matrix series has no values');
  }
  const timestamps = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const p: unknown = points[i];
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'string') {
      throw new MalformedSample('matrix point is not [seconds, "value"]');
    }
    timestamps[i] = Math.round(p[0] * 1000);
    values[i] = parseSampleValue(p[1]);
  }
  return { labels: labelsOf(entry.metric), timestamps, values };
}

function pair(p: unknown): [number, string] {
  if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'string') {
    throw new MalformedSample('sample is not [seconds, "value"]');
  }
  return [Math.round(p[0] * 1000), p[1]];
}

function labelsOf(metric: unknown): Labels {
  if (metric === undefined) return {};
  if (!isObject(metric)) throw new MalformedSample('metric is not an object');
  for (const v of Object.values(metric)) {
    if (typeof v !== 'string') throw new MalformedSample('label value is not a string');
  }
  return metric as Labels;
}

function malformed(detail: string): ResponseProblem {
  return { kind: 'malformed', detail };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
