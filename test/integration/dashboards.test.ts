import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Histogram } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import { budgetSchema, engineSchema } from '../../adapter/src/config/schema';
import { registerSnapshotMetrics } from '../../adapter/src/telemetry/snapshotMetrics';
import { registerDecisionSinkMetrics } from '../../adapter/src/telemetry/storeMetrics';
import { createTelemetry } from '../../adapter/src/telemetry/telemetry';
import { startPrometheus, toOpenMetrics, type PrometheusHandle } from '../support/prometheus';

// The shipped Grafana dashboards: classic JSON that Grafana file-provisions and app-imports, and
// every PromQL expression in them evaluated by a real Prometheus over backfilled samples of the
// metrics costscale exports, so a misspelled metric, label or function fails here.

const REPO = join(__dirname, '..', '..');
const DASHBOARDS = join(REPO, 'dashboards');
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}
interface Threshold {
  color: string;
  value: number | null;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
  fieldConfig?: {
    defaults: { unit?: string; thresholds?: { steps: Threshold[] } };
    overrides: { properties: { id: string; value: unknown }[] }[];
  };
}
interface Variable {
  type: string;
  name: string;
  query: unknown;
  definition?: string;
  datasource?: { type?: string; uid?: string };
}
interface Annotation {
  name: string;
  builtIn?: number;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  titleFormat?: string;
  textFormat?: string;
  tagKeys?: string;
}
interface Dashboard {
  id: null;
  annotations?: { list: Annotation[] };
  uid: string;
  title: string;
  tags: string[];
  schemaVersion: number;
  revision: number;
  templating: { list: Variable[] };
  panels: Panel[];
}

const files = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));
const dashboards = files.map((file) => ({
  file,
  json: JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard,
}));

/** Panels at any depth (collapsed rows keep theirs inside). */
const allPanels = (d: Dashboard): Panel[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const dataPanels = (d: Dashboard): Panel[] => allPanels(d).filter((p) => p.type !== 'row');

function panelByTitle(title: string): Panel {
  const found = dashboards.flatMap((d) => dataPanels(d.json)).filter((p) => p.title === title);
  expect(found).toHaveLength(1);
  return found[0] as Panel;
}

/** What Grafana's built-in variables stand for when we evaluate an expression ourselves. */
const BUILTINS: Record<string, string> = { __rate_interval: '1m', __interval: '1m', __range: '1h' };

const VARIABLE = /\$\{(\w+)\}|\$(\w+)/g;

/** Variables an expression refers to ($1 in a label_replace replacement is a capture group, not one). */
const usedVariables = (expr: string): string[] =>
  [...expr.matchAll(VARIABLE)].map((m) => (m[1] ?? m[2]) as string).filter((name) => !/^\d+$/.test(name));

/**
 * Replaces $var / ${var} with `.+` and built-ins with durations. Every backfilled series carries the
 * labels the dashboards filter on, so `.+` selects what the "All" value `.*` would, while a
 * misspelled label name selects nothing and fails. Unknown variables are left for Prometheus to reject.
 */
function substitute(expr: string, variables: readonly string[]): string {
  return expr.replace(VARIABLE, (match, braced?: string, bare?: string) => {
    const name = (braced ?? bare) as string;
    if (variables.includes(name)) return '.+';
    return BUILTINS[name] ?? match;
  });
}

const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2']);

/** Metric names selected by a PromQL expression (names in label matchers, strings and grouping lists are not). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const name = m[1] as string;
    if (m[2] === undefined && !PROMQL_WORDS.has(name)) names.add(name);
  }
  return [...names];
}

interface Expression {
  where: string;
  expr: string;
  /** Labels the legend shows, which every resulting series must carry. */
  legendLabels: string[];
}

function expressions(d: { file: string; json: Dashboard }): Expression[] {
  const names = d.json.templating.list.map((v) => v.name);
  return dataPanels(d.json).flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      where: `${d.file} › ${p.title} › ${t.refId}`,
      expr: substitute(t.expr, names),
      legendLabels: [...(t.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] as string),
    })),
  );
}

const everyExpression = dashboards.flatMap(expressions);

// ---------------------------------------------------------------------------------------------
// Backfilled samples: two hours every 15 s, ending ten minutes ago; instant queries are evaluated
// at the last sample so results do not depend on the wall clock.

const STEP = 15;
const END = Math.floor(Date.now() / 1000 / 60) * 60 - 600;
const START = END - 7200;
const TIMES = Array.from({ length: (END - START) / STEP + 1 }, (_, i) => START + i * STEP);

/** Two costscale replicas scraped by Prometheus: both export the same snapshot. */
const INSTANCES = ['10.0.0.1:8080', '10.0.0.2:8080'];
const scraped = (instance: string) => ({ job: 'costscale', instance });

const POLICIES = [
  {
    namespace: 'shop',
    policy: 'web',
    replicas: 4,
    load: 3.6,
    costPerHour: 0.52,
    costPerUnit: 0.000004,
    pressure: 0,
    risk: 0.02,
    tau: 0.95,
    inputsOk: 1,
    ageSeconds: 5,
    demand: 36,
    forecast: 42,
    bound: 'none',
    mode: 'balanced',
    forecastInUse: 1,
    mase: 0.7,
    smape: 12,
    coverage: 0.88,
    bias: 0.02,
  },
  {
    namespace: 'shop',
    policy: 'checkout',
    replicas: 6,
    load: 5.2,
    costPerHour: 0.78,
    costPerUnit: 0.00002,
    pressure: 0,
    risk: 0.01,
    tau: 0.98,
    inputsOk: 0,
    ageSeconds: 95,
    demand: 10,
    forecast: 13,
    bound: 'slo-guard',
    mode: 'sla-first',
    forecastInUse: 0,
    mase: 1.3,
    smape: 35,
    coverage: 0.7,
    bias: -0.1,
  },
  {
    namespace: 'batch',
    policy: 'reports',
    replicas: 2,
    load: 2.4,
    costPerHour: 0.26,
    costPerUnit: 0.001,
    pressure: 0.7,
    risk: 0.2,
    tau: 0.6,
    inputsOk: 1,
    ageSeconds: 5,
    demand: 0.2,
    forecast: 0.3,
    bound: 'budget-emergency',
    mode: 'budget-first',
    forecastInUse: 1,
    mase: 0.9,
    smape: 20,
    coverage: 0.92,
    bias: 0,
  },
];

/** kube-state-metrics: `checkout` runs as Deployment `checkout-v2`, so it cannot be matched by name. */
const DEPLOYMENTS = [
  { namespace: 'shop', deployment: 'web', replicas: 3 },
  { namespace: 'shop', deployment: 'checkout-v2', replicas: 6 },
  { namespace: 'batch', deployment: 'reports', replicas: 2 },
];

/** `research` is at 50 % with a warning threshold of 40 %: Warning by its own thresholds, OK by the defaults. */
const BUDGETS = [
  { budget: 'platform', amount: 1000, utilisation: 0.5, warning: 0.8, critical: 0.95, exhaustsIn: null },
  { budget: 'shop', amount: 2000, utilisation: 0.85, warning: 0.8, critical: 0.95, exhaustsIn: 2 * 86400 },
  { budget: 'batch', amount: 300, utilisation: 0.97, warning: 0.8, critical: 0.95, exhaustsIn: 6 * 3600 },
  { budget: 'research', amount: 500, utilisation: 0.5, warning: 0.4, critical: 0.9, exhaustsIn: null },
];
const EXPECTED_STATE: Record<string, number> = { platform: 0, shop: 1, batch: 2, research: 1 };

type Series = Parameters<typeof toOpenMetrics>[0][number];

function history(): Series[] {
  const series: Series[] = [];
  const constant = (name: string, labels: Record<string, string>, value: number) =>
    series.push({ name, labels, samples: TIMES.map((t) => [t, value]) });
  const counter = (name: string, labels: Record<string, string>, perSecond: number) =>
    series.push({ name, labels, samples: TIMES.map((t) => [t, (t - START) * perSecond]) });
  /** A classic histogram whose observations per second follow `cdf` over `buckets`. */
  const histogram = (
    name: string,
    labels: Record<string, string>,
    perSecond: number,
    buckets: number[],
    cdf: number[],
    meanSeconds: number,
  ) => {
    buckets.forEach((le, i) =>
      counter(`${name}_bucket`, { ...labels, le: String(le) }, perSecond * (cdf[i] ?? 1)),
    );
    counter(`${name}_bucket`, { ...labels, le: '+Inf' }, perSecond);
    counter(`${name}_count`, labels, perSecond);
    counter(`${name}_sum`, labels, perSecond * meanSeconds);
  };

  for (const [i, instance] of INSTANCES.entries()) {
    const s = scraped(instance);
    for (const p of POLICIES) {
      const l = { ...s, namespace: p.namespace, policy: p.policy };
      constant('costscale_replicas', l, p.replicas);
      constant('costscale_load', l, p.load);
      constant('costscale_cost_per_hour', l, p.costPerHour);
      constant('costscale_cost_per_unit', l, p.costPerUnit);
      constant('costscale_budget_pressure', l, p.pressure);
      constant('costscale_slo_miss_risk', l, p.risk);
      constant('costscale_cost_optimal_quantile', l, p.tau);
      constant('costscale_policy_inputs_ok', l, p.inputsOk);
      constant('costscale_policy_values_age_seconds', l, p.ageSeconds);
      constant('costscale_forecast_demand', { ...l, quantile: 'current' }, p.demand);
      constant('costscale_forecast_demand', { ...l, quantile: 'target' }, p.forecast);
      constant('costscale_decision_info', { ...l, bound: p.bound, mode: p.mode }, 1);
      constant('costscale_policy_target_info', { ...l, target_kind: 'Deployment', target_name: p.policy }, 1);
      constant('costscale_forecast_in_use', l, p.forecastInUse);
      constant('costscale_forecast_mase', l, p.mase);
      constant('costscale_forecast_smape', l, p.smape);
      constant('costscale_forecast_interval_coverage_ratio', l, p.coverage);
      constant('costscale_forecast_bias_ratio', l, p.bias);
      const demand = { ...l, signal: 'demand' };
      constant('costscale_anomaly_score', demand, 1 - p.forecastInUse * 0.9);
      constant('costscale_anomaly_active', demand, 1 - p.forecastInUse);
      counter('costscale_anomalies_total', demand, 1 / 86400);
    }
    for (const b of BUDGETS) {
      const l = { ...s, budget: b.budget };
      constant('costscale_budget_amount', l, b.amount);
      constant('costscale_budget_spend', l, b.amount * b.utilisation);
      constant('costscale_budget_projected_spend', l, b.amount * b.utilisation * 1.4);
      constant('costscale_budget_utilisation_ratio', l, b.utilisation);
      constant('costscale_budget_burn_rate_per_hour', l, b.amount / 500);
      constant('costscale_budget_shadow_price', l, b.utilisation > 0.9 ? 0.4 : 0);
      constant('costscale_budget_threshold_ratio', { ...l, level: 'warning' }, b.warning);
      constant('costscale_budget_threshold_ratio', { ...l, level: 'critical' }, b.critical);
      if (b.exhaustsIn !== null) {
        const at = END + b.exhaustsIn;
        series.push({
          name: 'costscale_budget_exhaustion_timestamp_seconds',
          labels: l,
          samples: TIMES.map((t) => [t, at]),
        });
      }
    }

    const tickBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
    histogram(
      'costscale_engine_tick_duration_seconds',
      { ...s, outcome: 'success' },
      1 / 15,
      tickBuckets,
      [0, 0.1, 0.5, 0.8, 0.9, 0.95, 0.99],
      0.2,
    );
    histogram(
      'costscale_engine_tick_duration_seconds',
      { ...s, outcome: 'failure' },
      1 / 150,
      tickBuckets,
      [0, 0, 0, 0, 0, 0, 0, 0.5],
      6,
    );
    const query = (backend: string, outcome: string, servedBy: string, perSecond: number) =>
      counter(
        'costscale_prometheus_queries_total',
        { ...s, backend, endpoint: 'query', outcome, served_by: servedBy },
        perSecond,
      );
    query('default', 'success', 'backend', 2);
    query('default', 'success', 'cache', 1);
    query('default', 'success', 'in-flight', 0.5);
    query('default', 'timeout', 'backend', 0.1);
    query('thanos', 'success', 'backend', 1);
    query('thanos', 'circuit-open', 'backend', 0.5);
    counter(
      'costscale_prometheus_empty_results_total',
      { ...s, backend: 'default', endpoint: 'query' },
      0.05,
    );
    const requestBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    const requestCdf = [0.05, 0.2, 0.6, 0.85, 0.95, 0.99];
    histogram(
      'costscale_prometheus_request_duration_seconds',
      { ...s, backend: 'default', endpoint: 'query', outcome: 'success' },
      2.1,
      requestBuckets,
      requestCdf,
      0.03,
    );
    histogram(
      'costscale_prometheus_request_duration_seconds',
      { ...s, backend: 'thanos', endpoint: 'query', outcome: 'success' },
      1,
      requestBuckets,
      requestCdf,
      0.03,
    );
    constant('costscale_prometheus_circuit_open', { ...s, backend: 'default' }, 0);
    constant('costscale_prometheus_circuit_open', { ...s, backend: 'thanos' }, 1);
    constant('costscale_snapshot_age_seconds', s, 7);
    constant('costscale_decisions_queued', s, i * 3);
    constant('costscale_spool_bytes', s, i * 2048);
    constant('costscale_decisions_dropped_total', s, 0);
    constant('costscale_database_up', s, 1 - i);
    counter('costscale_config_reloads_total', { ...s, outcome: 'success' }, 1 / 1800);
    counter('costscale_config_reloads_total', { ...s, outcome: 'failure' }, 1 / 3600);
    counter('costscale_process_process_cpu_seconds_total', s, 0.05);
    constant('costscale_process_process_start_time_seconds', s, START - 100);
    constant('costscale_process_process_resident_memory_bytes', s, 120e6);
    constant('costscale_process_nodejs_heap_size_used_bytes', s, 40e6);
    constant('costscale_process_nodejs_eventloop_lag_p50_seconds', s, 0.01);
    constant('costscale_process_nodejs_eventloop_lag_p99_seconds', s, 0.03);
    counter('costscale_process_nodejs_gc_duration_seconds_sum', { ...s, kind: 'minor' }, 0.002);
    counter('costscale_process_nodejs_gc_duration_seconds_sum', { ...s, kind: 'major' }, 0.0005);
  }
  for (const d of DEPLOYMENTS)
    constant(
      'kube_deployment_status_replicas',
      { job: 'kube-state-metrics', instance: 'ksm:8080', namespace: d.namespace, deployment: d.deployment },
      d.replicas,
    );
  return series;
}

const HISTORY = history();
const BACKFILLED = new Set(HISTORY.map((s) => s.name));
/** Series from other exporters the dashboards may use, with the labels those exporters set. */
const EXTERNAL: Record<string, string[]> = { kube_deployment_status_replicas: ['namespace', 'deployment'] };
const SCRAPE_LABELS = ['job', 'instance'];

/** Metric names and label names the service registers (everything in adapter/src/telemetry/). */
function exportedMetrics(): Map<string, { labels: string[]; histogram: boolean }> {
  const telemetry = createTelemetry();
  registerSnapshotMetrics(telemetry.registry, { current: () => undefined });
  registerDecisionSinkMetrics(telemetry.registry, () => ({
    queued: 0,
    spooledBytes: 0,
    dropped: 0,
    flushed: 0,
    healthy: true,
  }));
  const exported = new Map<string, { labels: string[]; histogram: boolean }>();
  for (const m of telemetry.registry.getMetricsAsArray()) {
    const labels = (m as unknown as { labelNames?: string[] }).labelNames ?? [];
    exported.set(m.name, { labels: [...labels], histogram: m instanceof Histogram });
  }
  return exported;
}

// ---------------------------------------------------------------------------------------------

describe('dashboard JSON', () => {
  const defaultThresholds = budgetSchema.parse({ name: 'b', period: 'daily', amount: 1 }).thresholds;

  test('the overview and engine dashboards are there, with unique uids and titles', () => {
    expect(files).toEqual(expect.arrayContaining(['costscale-engine.json', 'costscale-overview.json']));
    const uids = dashboards.map((d) => d.json.uid);
    const titles = dashboards.map((d) => d.json.title);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(titles).size).toBe(titles.length);
  });

  describe.each(dashboards)('$file', ({ json }) => {
    test('is classic JSON (schemaVersion 42) without import placeholders', () => {
      expect(json.schemaVersion).toBe(42);
      expect(json.id).toBeNull();
      expect(json.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
      expect(json.title).toMatch(/^costscale \/ /);
      expect(Number.isInteger(json.revision) && json.revision >= 1).toBe(true);
      expect(json.tags).toContain('costscale');
      for (const key of ['__inputs', '__requires', 'elements', 'layout', 'apiVersion', 'kind', 'spec'])
        expect(json).not.toHaveProperty(key);
      expect(JSON.stringify(json)).not.toMatch(/\$\{DS_/);
    });

    test('has a prometheus datasource variable and query variables on it', () => {
      const list = json.templating.list;
      expect(list[0]).toMatchObject({ type: 'datasource', name: 'datasource', query: 'prometheus' });
      const queries = list.filter((v) => v.type === 'query');
      expect(queries.length).toBeGreaterThan(0);
      for (const v of queries) {
        expect(v.datasource).toEqual(DATASOURCE);
        expect(v.definition).toMatch(/^label_values\(/);
        expect(v.query).toMatchObject({ query: v.definition });
      }
      expect(new Set(list.map((v) => v.name)).size).toBe(list.length);
    });

    test('panels have unique ids, titles, descriptions and units, and use the datasource variable', () => {
      const panels = allPanels(json);
      expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
      for (const p of dataPanels(json)) {
        expect(p.title).not.toBe('');
        expect(p.description?.length ?? 0).toBeGreaterThan(20);
        expect(p.datasource).toEqual(DATASOURCE);
        expect(p.targets?.length ?? 0).toBeGreaterThan(0);
        for (const t of p.targets ?? []) {
          expect(t.datasource).toEqual(DATASOURCE);
          expect(t.expr.trim()).not.toBe('');
        }
        expect(new Set(p.targets?.map((t) => t.refId)).size).toBe(p.targets?.length);
        if (!['table', 'state-timeline'].includes(p.type)) expect(p.fieldConfig?.defaults.unit).toBeDefined();
      }
    });

    test('the grid fits 24 columns and no two panels overlap', () => {
      const boxes = allPanels(json).map((p) => ({ title: p.title, ...p.gridPos }));
      for (const b of boxes) {
        for (const v of [b.x, b.y, b.w, b.h]) expect(Number.isInteger(v)).toBe(true);
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(0);
        expect(b.w).toBeGreaterThanOrEqual(1);
        expect(b.h).toBeGreaterThanOrEqual(1);
        expect(b.x + b.w).toBeLessThanOrEqual(24);
      }
      const overlaps = boxes.flatMap((a, i) =>
        boxes
          .slice(i + 1)
          .filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
          .map((b) => `${a.title} × ${b.title}`),
      );
      expect(overlaps).toEqual([]);
    });

    test('every variable an expression uses is defined or a Grafana built-in', () => {
      const defined = [...json.templating.list.map((v) => v.name), ...Object.keys(BUILTINS)];
      const exprs = [
        ...dataPanels(json).flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
        ...json.templating.list.map((v) => v.definition ?? ''),
      ];
      const used = exprs.flatMap(usedVariables);
      expect(used.length).toBeGreaterThan(0);
      expect(used.filter((name) => !defined.includes(name))).toEqual([]);
    });
  });

  test('the overview filters by namespace, policy and budget', () => {
    const overview = dashboards.find((d) => d.json.uid === 'costscale-overview')?.json as Dashboard;
    const names = overview.templating.list.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['namespace', 'policy', 'budget']));
    const perPolicy = dataPanels(overview)
      .flatMap((p) => p.targets ?? [])
      .filter((t) => /costscale_(replicas|load|cost_per_hour|slo_miss_risk|decision_info)\{/.test(t.expr));
    expect(perPolicy.length).toBeGreaterThan(5);
    for (const t of perPolicy) expect(t.expr).toContain('namespace=~"$namespace", policy=~"$policy"');
    const perBudget = dataPanels(overview)
      .flatMap((p) => p.targets ?? [])
      .filter((t) => /costscale_budget_(amount|spend|utilisation_ratio)\{/.test(t.expr));
    expect(perBudget.length).toBeGreaterThan(3);
    for (const t of perBudget) expect(t.expr).toContain('budget=~"$budget"');
  });

  test('static budget colours are the default thresholds the alert rules apply', () => {
    const steps = dashboards
      .flatMap((d) => dataPanels(d.json))
      .filter((p) => p.targets?.some((t) => t.expr.includes('costscale_budget_utilisation_ratio')))
      .flatMap((p) => [
        p.fieldConfig?.defaults.thresholds,
        ...(p.fieldConfig?.overrides ?? []).flatMap((o) =>
          o.properties.filter((x) => x.id === 'thresholds').map((x) => x.value as { steps: Threshold[] }),
        ),
      ])
      .map((t) => t?.steps.map((s) => s.value) ?? [])
      .filter((values) => values.some((v) => v !== null && v > 0 && v < 1));
    expect(steps.length).toBeGreaterThan(1);
    for (const values of steps)
      expect(values).toEqual([null, defaultThresholds.warning, defaultThresholds.critical]);
  });

  test('engine thresholds are those of the alert rules and the staleness bound', () => {
    const rules = parseYaml(readFileSync(join(REPO, 'alerts', 'costscale.rules.yaml'), 'utf8')) as {
      groups: { rules: { alert?: string; expr: string }[] }[];
    };
    const limit = (alert: string): number => {
      const rule = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
      const m = /> (\d+(?:\.\d+)?)\s*$/.exec(rule?.expr ?? '');
      expect(m).not.toBeNull();
      return Number(m?.[1]);
    };
    const redAt = (title: string) =>
      panelByTitle(title).fieldConfig?.defaults.thresholds?.steps.find((s) => s.color === 'red')?.value;
    expect(redAt('Snapshot age')).toBe(limit('CostscaleSnapshotStale'));
    expect(redAt('Tick duration')).toBe(limit('CostscaleSlowTicks'));
    expect(redAt('Age of served values')).toBe(engineSchema.parse({}).stalenessSeconds);
  });

  test('metric names are extracted from PromQL without label names, strings or functions', () => {
    expect(
      metricNames(
        'sum by (le, x) (rate(a_bucket{x="y{z}", b!="c"}[5m])) / on (b) group_left () max(c) and bool d - 1e3 * time()',
      ).sort(),
    ).toEqual(['a_bucket', 'c', 'd']);
    expect(metricNames('label_replace(k{n=~".*"}, "p", "$1", "d", "(.+)")')).toEqual(['k']);
  });
});

describe('backfilled samples', () => {
  test('use only metric and label names the service exports (or kube-state-metrics)', () => {
    const exported = exportedMetrics();
    const problems: string[] = [];
    for (const s of HISTORY) {
      const labels = Object.keys(s.labels ?? {});
      const base = s.name.replace(/_(bucket|sum|count)$/, '');
      const histogram = exported.get(base)?.histogram === true && base !== s.name;
      const known = EXTERNAL[s.name] ?? exported.get(histogram ? base : s.name)?.labels;
      if (known === undefined) {
        problems.push(`${s.name} is not exported`);
        continue;
      }
      const allowed = new Set([
        ...known,
        ...SCRAPE_LABELS,
        ...(s.name.endsWith('_bucket') && histogram ? ['le'] : []),
      ]);
      for (const l of labels) if (!allowed.has(l)) problems.push(`${s.name} has no label ${l}`);
    }
    expect(problems).toEqual([]);
  });

  test('cover every costscale metric of the service except the process metrics, all of them shown on a dashboard', () => {
    const used = new Set(everyExpression.flatMap((e) => metricNames(e.expr)));
    const usedBase = new Set([...used].map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    const service = [...exportedMetrics().keys()].filter((n) => !n.startsWith('costscale_process_'));
    expect(service.filter((n) => !usedBase.has(n) && !used.has(n))).toEqual([]);
  });
});

describe('every PromQL expression against a real Prometheus', () => {
  let prom: PrometheusHandle;
  beforeAll(async () => {
    prom = await startPrometheus({ backfill: toOpenMetrics(HISTORY) });
  });
  afterAll(async () => {
    await prom?.destroy();
  });

  interface Sample {
    metric: Record<string, string>;
    value: [number, string];
  }
  async function query(
    expr: string,
  ): Promise<{ status: string; data?: { result: Sample[] }; error?: string; warnings?: string[] }> {
    const url = `${prom.url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(END) })}`;
    return (await (await fetch(url)).json()) as {
      status: string;
      data?: { result: Sample[] };
      warnings?: string[];
    };
  }
  async function instant(expr: string): Promise<Sample[]> {
    const body = await query(expr);
    expect(body).toMatchObject({ status: 'success' });
    return body.data?.result ?? [];
  }
  const variables = (title: string) =>
    dashboards
      .find((d) => dataPanels(d.json).some((p) => p.title === title))
      ?.json.templating.list.map((v) => v.name) ?? [];
  /** The panel's target `refId` with its variables at their "All" value. */
  const panelExpr = (title: string, refId = 'A'): string => {
    const t = panelByTitle(title).targets?.find((x) => x.refId === refId);
    expect(t).toBeDefined();
    return substitute(t?.expr ?? '', variables(title));
  };
  const value = (s: Sample | undefined) => Number(s?.value[1]);

  test.each(everyExpression)('$where', async ({ expr, legendLabels }) => {
    expect(metricNames(expr).filter((name) => !BACKFILLED.has(name))).toEqual([]);
    const body = await query(expr);
    expect({ expr, status: body.status, error: body.error, warnings: body.warnings }).toEqual({
      expr,
      status: 'success',
      error: undefined,
      warnings: undefined,
    });
    const result = body.data?.result ?? [];
    expect(result.length).toBeGreaterThan(0);
    const unlabelled = result.flatMap((r) => legendLabels.filter((l) => r.metric[l] === undefined));
    expect(unlabelled).toEqual([]);
  });

  test.each(
    dashboards.flatMap((d) =>
      d.json.templating.list
        .filter((v) => v.type === 'query')
        .map((v) => ({ file: d.file, v, names: d.json.templating.list.map((x) => x.name) })),
    ),
  )('$file variable $v.name lists values', async ({ v, names }) => {
    const m = /^label_values\((.+),\s*(\w+)\)$/.exec(v.definition ?? '');
    expect(m).not.toBeNull();
    const [, selector, label] = m as RegExpExecArray;
    const params = new URLSearchParams({
      'match[]': substitute(selector as string, names),
      start: String(START),
      end: String(END),
    });
    const body = (await (await fetch(`${prom.url}/api/v1/label/${label}/values?${params}`)).json()) as {
      status: string;
      data: string[];
    };
    expect(body.status).toBe('success');
    expect(body.data.length).toBeGreaterThan(0);
  });

  test('Budget state compares each budget with its own thresholds, as the alert rules do', async () => {
    const result = await instant(panelExpr('Budget state'));
    expect(Object.fromEntries(result.map((s) => [s.metric.budget, value(s)]))).toEqual(EXPECTED_STATE);
  });

  test('Exhausts in: time from now to the exhaustion timestamp, only for budgets that run out', async () => {
    const result = await instant(panelExpr('Exhausts in'));
    const expected = BUDGETS.filter((b) => b.exhaustsIn !== null).map((b) => [b.budget, b.exhaustsIn]);
    expect(result.map((s) => [s.metric.budget, value(s)]).sort()).toEqual(expected.sort());
  });

  test('cost per hour counts each policy once although every costscale replica exports it', async () => {
    const total = POLICIES.reduce((sum, p) => sum + p.costPerHour, 0);
    expect(value((await instant(panelExpr('Cost per hour')))[0])).toBeCloseTo(total, 9);
    const byNamespace = await instant(panelExpr('Cost per hour by namespace'));
    expect(value(byNamespace.find((s) => s.metric.namespace === 'shop'))).toBeCloseTo(
      POLICIES.filter((p) => p.namespace === 'shop').reduce((sum, p) => sum + p.costPerHour, 0),
      9,
    );
  });

  test('decided minus actual replicas joins each policy to its target Deployment', async () => {
    const title = 'Decided and actual replicas';
    const diff = await instant(panelExpr(title, 'C'));
    const expected = POLICIES.flatMap((p) => {
      const d = DEPLOYMENTS.find((x) => x.namespace === p.namespace && x.deployment === p.policy);
      return d ? [[`${p.namespace}/${p.policy}`, p.replicas - d.replicas]] : [];
    });
    expect(diff.map((s) => [`${s.metric.namespace}/${s.metric.policy}`, value(s)]).sort()).toEqual(
      expected.sort(),
    );
    const actual = await instant(panelExpr(title, 'B'));
    expect(actual.map((s) => s.metric.policy).sort()).toEqual(
      expected.map(([k]) => String(k).split('/')[1]).sort(),
    );
  });

  test('failing inputs list exactly the policies with costscale_policy_inputs_ok = 0', async () => {
    const failing = POLICIES.filter((p) => p.inputsOk === 0);
    expect(value((await instant(panelExpr('Policies with failing inputs')))[0])).toBe(failing.length);
    const table = await instant(panelExpr('Failing policies', 'B'));
    expect(table.map((s) => [s.metric.policy, value(s)])).toEqual(
      failing.map((p) => [p.policy, p.ageSeconds]),
    );
  });

  test('the overview annotates the anomaly episodes of each policy and signal while they are active', async () => {
    const overview = dashboards.find((d) => d.json.uid === 'costscale-overview')!.json;
    const annotation = overview.annotations?.list.find((a) => a.name === 'Anomalies');
    expect(annotation).toMatchObject({ datasource: DATASOURCE, tagKeys: 'namespace,policy,signal' });
    const names = overview.templating.list.map((v) => v.name);
    expect(usedVariables(annotation!.expr!).filter((v) => !names.includes(v))).toEqual([]);
    const active = await instant(substitute(annotation!.expr!, names));
    // Both replicas export each series; the annotation shows each episode once.
    expect(active.map((s) => `${s.metric.namespace}/${s.metric.policy}/${s.metric.signal}`).sort()).toEqual(
      POLICIES.filter((p) => p.forecastInUse === 0)
        .map((p) => `${p.namespace}/${p.policy}/demand`)
        .sort(),
    );
    for (const format of [annotation!.titleFormat!, annotation!.textFormat!]) {
      const labels = [...format.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
      for (const s of active) for (const l of labels) expect(s.metric[l!]).toBeDefined();
    }
  });

  test('acting bounds count the policies by the bound that acted', async () => {
    const result = await instant(panelExpr('Acting bounds'));
    const expected: Record<string, number> = {};
    for (const p of POLICIES) expected[p.bound] = (expected[p.bound] ?? 0) + 1;
    expect(Object.fromEntries(result.map((s) => [s.metric.bound, value(s)]))).toEqual(expected);
  });
});
