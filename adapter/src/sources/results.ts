import { describeQueryFailure } from './prometheusError';
import type { Labels, QueryResponse } from './prometheusResponse';
import type { QueryPlan } from './queryPlanner';

// Each policy's share of the planned queries' results. Anything but exactly one finite value is an
// explicit error: KEDA's Prometheus scaler turns an empty result into 0 and users scale to the
// floor without knowing why (kedacore/keda #3907); here the explanation says what happened.

/** How one planned query ended, aligned with `plan.queries`. */
export type QueryOutcome =
  { readonly ok: true; readonly response: QueryResponse } | { readonly ok: false; readonly error: Error };

export type PolicySample =
  | {
      readonly ok: true;
      readonly value: number;
      /** Epoch milliseconds of the sample. */
      readonly timestamp: number;
      readonly labels: Labels;
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

export type PolicySeries =
  | {
      readonly ok: true;
      /** Epoch milliseconds. */
      readonly timestamps: Float64Array;
      /** Gaps and NaN points are kept as Prometheus returned them. */
      readonly values: Float64Array;
      readonly labels: Labels;
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

/**
 * Per planned policy, its one sample from instant-query outcomes: demand, replicas, latency, error
 * ratio or spend, whatever the plan asked.
 */
export function policySamples(plan: QueryPlan, outcomes: readonly QueryOutcome[]): PolicySample[] {
  const shares = new ShareIndex(plan, outcomes);
  return plan.policies.map((policy, i): PolicySample => {
    const share = shares.of(i);
    if (!share.ok) return share;
    const fail = (reason: string): PolicySample => ({
      ok: false,
      error: describeQueryFailure(policy.backend, policy.query, reason),
    });
    const data = share.response.data;
    let value: number;
    let timestamp: number;
    let labels: Labels = {};
    if (data.resultType === 'scalar') {
      ({ value, timestamp } = data);
    } else if (data.resultType === 'vector') {
      const picked = share.rows.length;
      if (picked === 0) return fail('query returned no series');
      if (picked > 1) return fail(`query returned ${picked} series; a demand query must return exactly one`);
      const sample = data.samples[share.rows[0]!]!;
      ({ value, timestamp, labels } = sample);
    } else {
      return fail(`query returned a ${data.resultType}; an instant vector or scalar was expected`);
    }
    if (Number.isNaN(value)) return fail('query returned NaN');
    if (!Number.isFinite(value)) return fail(`query returned ${value > 0 ? '+Inf' : '-Inf'}`);
    return { ok: true, value, timestamp, labels, warnings: share.response.warnings };
  });
}

/** Per planned policy, its one series from range-query outcomes. */
export function policySeries(plan: QueryPlan, outcomes: readonly QueryOutcome[]): PolicySeries[] {
  const shares = new ShareIndex(plan, outcomes);
  return plan.policies.map((policy, i): PolicySeries => {
    const share = shares.of(i);
    if (!share.ok) return share;
    const fail = (reason: string): PolicySeries => ({
      ok: false,
      error: describeQueryFailure(policy.backend, policy.query, reason),
    });
    const data = share.response.data;
    if (data.resultType !== 'matrix')
      return fail(`query returned a ${data.resultType}; a range vector was expected`);
    if (share.rows.length === 0) return fail('query returned no series');
    if (share.rows.length > 1) {
      return fail(`query returned ${share.rows.length} series; a demand query must return exactly one`);
    }
    const { timestamps, values, labels } = data.series[share.rows[0]!]!;
    return { ok: true, timestamps, values, labels, warnings: share.response.warnings };
  });
}

type Share =
  | { readonly ok: true; readonly response: QueryResponse; readonly rows: readonly number[] }
  | { readonly ok: false; readonly error: string };

/** Finds each policy's rows in its query's result; rows are grouped by split-label values once per query. */
class ShareIndex {
  private readonly rowsByKey: Array<Map<string, number[]> | undefined> = [];

  constructor(
    private readonly plan: QueryPlan,
    private readonly outcomes: readonly QueryOutcome[],
  ) {}

  of(policy: number): Share {
    const assignment = this.plan.assignments[policy]!;
    if (assignment.kind === 'rejected') {
      const p = this.plan.policies[policy]!;
      return { ok: false, error: describeQueryFailure(p.backend, p.query, `rejected: ${assignment.error}`) };
    }
    const outcome = this.outcomes[assignment.queryIndex];
    if (outcome === undefined) throw new RangeError(`no outcome for planned query ${assignment.queryIndex}`);
    if (!outcome.ok) return { ok: false, error: outcome.error.message };
    const query = this.plan.queries[assignment.queryIndex]!;
    const data = outcome.response.data;
    const rowLabels =
      data.resultType === 'vector' ? data.samples : data.resultType === 'matrix' ? data.series : undefined;
    if (rowLabels === undefined) return { ok: true, response: outcome.response, rows: [] };
    if (rowLabels.length > this.plan.maxSeriesPerResult) {
      const reason = `query returned ${rowLabels.length} series, more than the limit of ${this.plan.maxSeriesPerResult}`;
      return { ok: false, error: describeQueryFailure(query.backend, query.query, reason) };
    }
    if (query.splitLabels.length === 0) {
      return { ok: true, response: outcome.response, rows: rowLabels.map((_, i) => i) };
    }
    let index = this.rowsByKey[assignment.queryIndex];
    if (index === undefined) {
      index = new Map();
      rowLabels.forEach((row, i) => {
        const key = rowKey(query.splitLabels, row.labels);
        const rows = index!.get(key);
        if (rows === undefined) index!.set(key, [i]);
        else rows.push(i);
      });
      this.rowsByKey[assignment.queryIndex] = index;
    }
    return {
      ok: true,
      response: outcome.response,
      rows: index.get(joinKey(assignment.splitValues)) ?? [],
    };
  }
}

// Keys of split-label values; a single label (the usual case) is its value, with no allocation.
function joinKey(values: readonly string[]): string {
  return values.length === 1 ? values[0]! : values.join('\u0000');
}

function rowKey(splitLabels: readonly string[], labels: Labels): string {
  let key = labels[splitLabels[0]!] ?? '';
  for (let k = 1; k < splitLabels.length; k++) key += `\u0000${labels[splitLabels[k]!] ?? ''}`;
  return key;
}
