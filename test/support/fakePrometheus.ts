import type {
  InstantQueryOptions,
  Labels,
  PrometheusQuerier,
  QueryResponse,
  RangeQueryOptions,
} from '../../adapter/src/sources';

// An in-process Prometheus behind the engine's PrometheusQuerier seam that answers PromQL from a table
// keyed by the exact query text, as prometheus-adapter's pkg/client/fake serves its provider tests.
// A query missing from the table gets the fallback answer if one is set, else an empty result, as
// Prometheus answers a selector with no series.

/** One series: its labels and its value (instant queries), or a value per step (range queries). */
export interface FakeSeries {
  readonly labels?: Labels;
  /** Instant value; range queries repeat it at every step unless `at` is given. */
  readonly value: number;
  /** A range query's value at `t` (epoch ms), or undefined where the series has no sample (Prometheus
   *  leaves such steps out of a matrix); defaults to `value`. */
  readonly at?: (t: number) => number | undefined;
  /** Sample time of an instant value (epoch ms); defaults to the query's evaluation time. */
  readonly timestamp?: number;
}

/** The answer to one query: its series, or the error the client raises (a PrometheusError, say). */
export type FakeAnswer = readonly FakeSeries[] | Error;

export interface AskedQuery {
  readonly kind: 'instant' | 'range';
  readonly query: string;
  readonly time?: number;
  readonly range?: RangeQueryOptions;
}

export class FakePrometheus implements PrometheusQuerier {
  /** Every query asked, in order. */
  readonly asked: AskedQuery[] = [];
  private readonly table = new Map<string, FakeAnswer>();
  private fallback: FakeAnswer = [];

  constructor(
    readonly name = 'default',
    table: Record<string, FakeAnswer> = {},
  ) {
    for (const [query, answer] of Object.entries(table)) this.table.set(query, answer);
  }

  /** Sets (or replaces) the answer to `query`. */
  answer(query: string, answer: FakeAnswer): this {
    this.table.set(query, answer);
    return this;
  }

  /** Sets the answer to every query the table does not hold. */
  answerOthers(answer: FakeAnswer): this {
    this.fallback = answer;
    return this;
  }

  async instant(query: string, options: InstantQueryOptions = {}): Promise<QueryResponse> {
    this.asked.push({ kind: 'instant', query, ...(options.time !== undefined && { time: options.time }) });
    const time = options.time ?? Date.now();
    const series = this.lookup(query);
    return {
      data: {
        resultType: 'vector',
        samples: series.map((s) => ({
          labels: s.labels ?? {},
          timestamp: s.timestamp ?? time,
          value: s.value,
        })),
      },
      warnings: [],
    };
  }

  async range(query: string, options: RangeQueryOptions): Promise<QueryResponse> {
    this.asked.push({ kind: 'range', query, range: options });
    const steps = Math.floor((options.end - options.start) / options.stepMs) + 1;
    const timestamps = Float64Array.from({ length: steps }, (_, i) => options.start + i * options.stepMs);
    return {
      data: {
        resultType: 'matrix',
        series: this.lookup(query).map((s) => {
          if (!s.at) return { labels: s.labels ?? {}, timestamps, values: timestamps.map(() => s.value) };
          const at = s.at;
          const present = timestamps.filter((t) => at(t) !== undefined);
          return { labels: s.labels ?? {}, timestamps: present, values: present.map((t) => at(t)!) };
        }),
      },
      warnings: [],
    };
  }

  /** The queries asked of one kind, in order. */
  queries(kind: AskedQuery['kind']): string[] {
    return this.asked.filter((a) => a.kind === kind).map((a) => a.query);
  }

  private lookup(query: string): readonly FakeSeries[] {
    const answer = this.table.get(query) ?? this.fallback;
    if (answer instanceof Error) throw answer;
    return answer;
  }
}
