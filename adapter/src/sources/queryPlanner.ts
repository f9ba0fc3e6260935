import { escapeRegex, formatQuery, parseSubset, type LabelMatcher, type SubsetQuery } from './promql';

// One PromQL request per distinct query template per tick. Policies whose demand queries differ only
// in the values of equality matchers under a sum/avg/max/min/count aggregation share one request:
//   sum(rate(m{ns="shop",svc="web"}[2m]))  +  sum(rate(m{ns="shop",svc="api"}[2m]))
//   ⇒ sum by (svc) (rate(m{ns="shop", svc=~"api|web"}[2m]))
// Each policy then takes the group carrying its own label values. That is exact: an aggregation
// computed per group over the union of matched series equals the aggregation over the series each
// original selector matched, because the groups are cut along the very labels the policies fix.

/** A policy's query as the planner sees it. */
export interface PolicyQuery {
  readonly backend: string;
  readonly query: string;
}

export interface PlannerOptions {
  /** A query's result may hold at most this many series; more is an error for all its policies. */
  readonly maxSeriesPerResult: number;
  /** At most this many distinct label-value combinations go into one merged query (request size). */
  readonly maxGroupsPerQuery: number;
}

export const DEFAULT_PLANNER_OPTIONS: PlannerOptions = {
  maxSeriesPerResult: 50_000,
  maxGroupsPerQuery: 2_000,
};

/** One request to run. */
export interface PlannedQuery {
  readonly backend: string;
  readonly query: string;
  /** Labels whose values tell this query's policies apart; empty when the query is not merged. */
  readonly splitLabels: readonly string[];
  /** Indices (into the planned policies) of the policies this query serves. */
  readonly policies: readonly number[];
}

/** Where a policy's value comes from: a query and the values of its split labels, or why it has none. */
export type QueryAssignment =
  | { readonly kind: 'query'; readonly queryIndex: number; readonly splitValues: readonly string[] }
  | { readonly kind: 'rejected'; readonly error: string };

export interface QueryPlan {
  /** The planned policies' queries, as given. */
  readonly policies: readonly PolicyQuery[];
  readonly queries: readonly PlannedQuery[];
  /** Aligned with the planned policies. */
  readonly assignments: readonly QueryAssignment[];
  readonly maxSeriesPerResult: number;
}

interface Mergeable {
  readonly index: number;
  readonly parsed: SubsetQuery;
  /** Values of the template's equality labels, in template order. */
  readonly values: readonly string[];
}

interface Template {
  readonly backend: string;
  readonly equalityLabels: readonly string[];
  readonly members: Mergeable[];
}

/** Plans the requests for `policies` (pure; deterministic for a given input order). */
export function planQueries(
  policies: readonly PolicyQuery[],
  options: PlannerOptions = DEFAULT_PLANNER_OPTIONS,
): QueryPlan {
  const assignments: QueryAssignment[] = new Array<QueryAssignment>(policies.length);
  const queries: PlannedQuery[] = [];
  const exact = new Map<string, { queryIndex: number; policies: number[] }>();
  const templates = new Map<string, Template>();

  const runAsIs = (index: number, backend: string, query: string): void => {
    const key = `${backend}\u0000${query}`;
    let entry = exact.get(key);
    if (entry === undefined) {
      entry = { queryIndex: queries.length, policies: [] };
      exact.set(key, entry);
      queries.push({ backend, query, splitLabels: [], policies: entry.policies });
    }
    entry.policies.push(index);
    assignments[index] = { kind: 'query', queryIndex: entry.queryIndex, splitValues: [] };
  };

  policies.forEach((p, index) => {
    const query = p.query.trim();
    const parsed = parseSubset(query);
    const rejection = parsed === undefined ? rejectUnparsed(query) : rejectUnbounded(parsed);
    if (rejection !== undefined) {
      assignments[index] = { kind: 'rejected', error: rejection };
      return;
    }
    const shape = parsed === undefined ? undefined : templateOf(parsed);
    if (parsed === undefined || shape === undefined) {
      runAsIs(index, p.backend, query);
      return;
    }
    const key = `${p.backend}\u0000${shape.key}`;
    let template = templates.get(key);
    if (template === undefined) {
      template = { backend: p.backend, equalityLabels: shape.equalityLabels, members: [] };
      templates.set(key, template);
    }
    template.members.push({
      index,
      parsed,
      values: shape.equalityLabels.map((l) => equalityValue(parsed, l)),
    });
  });

  for (const template of templates.values()) {
    planTemplate(template, options.maxGroupsPerQuery, queries, assignments, runAsIs);
  }
  return { policies, queries, assignments, maxSeriesPerResult: options.maxSeriesPerResult };
}

function planTemplate(
  template: Template,
  maxGroups: number,
  queries: PlannedQuery[],
  assignments: QueryAssignment[],
  runAsIs: (index: number, backend: string, query: string) => void,
): void {
  // Members with the same label values ask the same question.
  const byValues = new Map<string, Mergeable[]>();
  for (const m of template.members) {
    const key = m.values.join('\u0000');
    const same = byValues.get(key);
    if (same === undefined) byValues.set(key, [m]);
    else same.push(m);
  }
  const groups = [...byValues.values()];
  for (let start = 0; start < groups.length; start += maxGroups) {
    const chunk = groups.slice(start, start + maxGroups);
    const only = chunk.length === 1 ? chunk[0] : undefined;
    if (only !== undefined) {
      const text = formatQuery(only[0]!.parsed);
      for (const m of only) runAsIs(m.index, template.backend, text);
      continue;
    }
    const varying = template.equalityLabels
      .map((label, i) => ({ label, i }))
      .filter(({ i }) => new Set(chunk.map((g) => g[0]!.values[i])).size > 1);
    const splitLabels = varying.map((v) => v.label);
    const queryIndex = queries.length;
    const members: number[] = [];
    for (const group of chunk) {
      const splitValues = varying.map(({ i }) => group[0]!.values[i]!);
      for (const m of group) {
        members.push(m.index);
        assignments[m.index] = { kind: 'query', queryIndex, splitValues };
      }
    }
    const alternatives = varying.map(({ i }) => [...new Set(chunk.map((g) => g[0]!.values[i]!))].sort());
    queries.push({
      backend: template.backend,
      // Labels that do not vary keep the chunk's own value, which may differ from other chunks'.
      query: formatQuery(mergedQuery(chunk[0]![0]!.parsed, splitLabels, alternatives)),
      splitLabels,
      policies: members,
    });
  }
}

/** The template's query with each split label's equality matcher widened to an anchored alternation. */
function mergedQuery(
  representative: SubsetQuery,
  splitLabels: readonly string[],
  alternatives: string[][],
): SubsetQuery {
  const aggregation = representative.aggregation!;
  const matchers: LabelMatcher[] = representative.selector.matchers.map((m) => {
    const at = m.op === '=' ? splitLabels.indexOf(m.name) : -1;
    return at < 0 ? m : { name: m.name, op: '=~', value: alternatives[at]!.map(escapeRegex).join('|') };
  });
  const by = [...aggregation.labels, ...splitLabels.filter((l) => !aggregation.labels.includes(l))];
  return {
    ...representative,
    aggregation: { ...aggregation, grouping: 'by', labels: by },
    selector: { ...representative.selector, matchers },
  };
}

/**
 * The template key of a mergeable query (everything but the values of its equality matchers), or
 * undefined when the query must run as written: no aggregation, `without` grouping, or a label with
 * two equality matchers.
 */
function templateOf(q: SubsetQuery): { key: string; equalityLabels: string[] } | undefined {
  const a = q.aggregation;
  if (a === undefined || a.grouping !== 'by') return undefined;
  const equalityLabels: string[] = [];
  const fixed: string[] = [];
  for (const m of q.selector.matchers) {
    if (m.op === '=' && m.name !== '__name__') {
      if (equalityLabels.includes(m.name)) return undefined;
      equalityLabels.push(m.name);
    } else {
      fixed.push(`${m.name}${m.op}${m.value.length}:${m.value}`); // length-prefixed: unambiguous
    }
  }
  equalityLabels.sort();
  fixed.sort();
  const s = q.selector;
  const key = [
    a.op,
    [...a.labels].sort().join(','),
    q.rangeFunction ?? '',
    s.metric ?? '',
    s.range ?? '',
    s.offset ?? '',
    fixed.join(','),
    equalityLabels.join(','),
  ].join('\u0000');
  return { key, equalityLabels };
}

function equalityValue(q: SubsetQuery, label: string): string {
  return q.selector.matchers.find((m) => m.op === '=' && m.name === label)!.value;
}

/**
 * Guard rail for parsed queries: a selector that matches every series (no metric name and no
 * non-empty equality matcher), or a bare metric name returned unaggregated (one result series per
 * series in the TSDB).
 */
function rejectUnbounded(q: SubsetQuery): string | undefined {
  const s = q.selector;
  const named =
    s.metric !== undefined || s.matchers.some((m) => m.name === '__name__' && m.op === '=' && m.value !== '');
  const narrowed = s.matchers.some((m) => m.name !== '__name__' && m.op === '=' && m.value !== '');
  if (!named && !narrowed) {
    return `selector ${formatQuery({ selector: { matchers: s.matchers } })} would match every series: name a metric or add an equality matcher`;
  }
  if (!narrowed && q.aggregation === undefined) {
    return `selector ${formatQuery({ selector: s })} has no equality matcher besides the metric name and no aggregation, so it returns every series of the metric: add a label matcher or aggregate (sum, sum by (…))`;
  }
  return undefined;
}

/** Guard rail for queries outside the subset: an empty selector `{}` anywhere. */
function rejectUnparsed(query: string): string | undefined {
  const code = stripStringsAndComments(query);
  const empty = /(^|[^a-zA-Z0-9_:\s])\s*\{\s*\}/.exec(code);
  return empty === null
    ? undefined
    : 'empty selector {} would match every series: name a metric or add a matcher';
}

/** `query` with string literals emptied and comments removed, so braces inside them are not seen. */
function stripStringsAndComments(query: string): string {
  return query.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`|#[^\n]*/g, (m) =>
    m.startsWith('#') ? '' : '""',
  );
}
