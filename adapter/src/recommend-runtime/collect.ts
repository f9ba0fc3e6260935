import type { Config, Policy, RecommendationSettings } from '../config/schema';
import { priceSetFromBook, priceSetFromNodes, type PriceSet } from '../domain';
import { currentReplicasQuery } from '../sources/kubeStateMetrics';
import type { KubeObject, WorkloadsApi } from '../k8s/workloads';
import {
  escapeRegex,
  fetchNodePrices,
  onlySeries,
  quoteString,
  type Backends,
  type Labels,
  type PrometheusQuerier,
  type QueryResponse,
} from '../sources';
import { isJsonObject } from '../recommend/mergePatch';
import { earlierDemandRange } from '../simulate';
import type { ContainerHistory, Scaling, WorkloadHistory, WorkloadInput } from '../recommend/types';

// What a workload's recommendations are derived from, read from Prometheus — demand (the policy's
// own query), replicas, per-pod CPU and memory (cAdvisor), requests and limits and the HPA
// (kube-state-metrics) — and, where the Kubernetes API is available, whether a PodDisruptionBudget
// covers the pods. Metric names: cost-inputs.md §1 and kube-state-metrics' HPA metrics.

export interface CollectOptions {
  readonly config: Config;
  readonly backends: Backends;
  readonly kube?: WorkloadsApi;
  /** Epoch ms; the window ends at the step before it. */
  readonly now: number;
}

/** The window every policy's history covers, aligned to the step. */
function historyWindow(
  settings: RecommendationSettings,
  now: number,
): { start: number; end: number; stepMs: number } {
  const stepMs = settings.stepSeconds * 1000;
  const end = Math.floor(now / stepMs) * stepMs - stepMs;
  return { start: end - Math.round(settings.historyDays * 86_400_000), end, stepMs };
}

/** Pod names a workload's controller gives: `<deployment>-<template hash>-<suffix>`, `<statefulset>-<ordinal>`. */
function podPattern(policy: Policy): string {
  const base = escapeRegex(policy.target.name);
  return policy.target.kind === 'StatefulSet' ? `${base}-[0-9]+` : `${base}-[a-z0-9]{1,10}-[a-z0-9]{5}`;
}

function containerSelector(policy: Policy): string {
  return [
    `namespace=${quoteString(policy.namespace)}`,
    `pod=~${quoteString(podPattern(policy))}`,
    'container!=""',
    'container!="POD"',
  ].join(', ');
}

export function cpuUsageQuery(policy: Policy, stepSeconds: number): string {
  // Mean usage over each step; at least two minutes so a 15–30 s scrape leaves several samples.
  return `sum by (pod, container) (rate(container_cpu_usage_seconds_total{${containerSelector(policy)}}[${Math.max(stepSeconds, 120)}s]))`;
}

export function memoryPeakQuery(policy: Policy, stepSeconds: number): string {
  return `max by (pod, container) (max_over_time(container_memory_working_set_bytes{${containerSelector(policy)}}[${stepSeconds}s]))`;
}

export function resourceQuery(policy: Policy, metric: 'requests' | 'limits'): string {
  const selector = `namespace=${quoteString(policy.namespace)}, pod=~${quoteString(podPattern(policy))}, resource=~"cpu|memory"`;
  return `max by (container, resource) (kube_pod_container_resource_${metric}{${selector}})`;
}

export function hpaInfoQuery(policy: Policy): string {
  return `kube_horizontalpodautoscaler_info{namespace=${quoteString(policy.namespace)}, scaletargetref_kind=${quoteString(policy.target.kind)}, scaletargetref_name=${quoteString(policy.target.name)}}`;
}

export function hpaSpecQuery(namespace: string, hpa: string): string {
  return `{__name__=~"kube_horizontalpodautoscaler_spec_(min|max)_replicas|kube_horizontalpodautoscaler_spec_target_metric", namespace=${quoteString(namespace)}, horizontalpodautoscaler=${quoteString(hpa)}}`;
}

/** Range results as series aligned to the window's steps (NaN where a series has no sample). */
function aligned(
  response: QueryResponse,
  window: { start: number; stepMs: number },
  steps: number,
): Array<{ labels: Labels; values: Float64Array }> {
  if (response.data.resultType !== 'matrix') return [];
  return response.data.series.map((s) => {
    const values = new Float64Array(steps).fill(Number.NaN);
    for (let i = 0; i < s.timestamps.length; i++) {
      const k = Math.round(((s.timestamps[i] as number) - window.start) / window.stepMs);
      if (k >= 0 && k < steps) values[k] = s.values[i] as number;
    }
    return { labels: s.labels, values };
  });
}

function vector(response: QueryResponse): Array<{ labels: Labels; value: number }> {
  return response.data.resultType === 'vector'
    ? response.data.samples.map((s) => ({ labels: s.labels, value: s.value }))
    : [];
}

/** The one series a query must return, or an error naming the query. */
function single(series: Array<{ values: Float64Array }>, what: string, query: string): Float64Array {
  if (series.length !== 1) {
    throw new Error(`${what}: ${query} returned ${series.length} series; exactly one is needed`);
  }
  return (series[0] as { values: Float64Array }).values;
}

/** How the HPA on the workload (if any) scales it, from kube-state-metrics. */
async function scalingOf(
  client: PrometheusQuerier,
  policy: Policy,
  at: number,
): Promise<{ scaling: Scaling; warnings: string[] }> {
  const infos = vector(await client.instant(hpaInfoQuery(policy), { time: at }))
    .map((s) => s.labels.horizontalpodautoscaler)
    .filter((name): name is string => name !== undefined)
    .sort();
  const hpa = infos[0];
  if (hpa === undefined) return { scaling: { kind: 'none' }, warnings: [] };
  const warnings = infos.length > 1 ? [`${infos.length} HPAs scale ${policy.target.name}; using ${hpa}`] : [];
  const rows = vector(await client.instant(hpaSpecQuery(policy.namespace, hpa), { time: at }));
  const metric = (name: string) => rows.find((r) => r.labels.__name__ === name)?.value;
  const min = metric('kube_horizontalpodautoscaler_spec_min_replicas') ?? 1;
  const max = metric('kube_horizontalpodautoscaler_spec_max_replicas') ?? policy.replicas.max;
  const cpu = rows.find(
    (r) =>
      r.labels.__name__ === 'kube_horizontalpodautoscaler_spec_target_metric' &&
      r.labels.metric_name === 'cpu' &&
      r.labels.metric_target_type === 'utilization',
  );
  const scaling: Scaling =
    cpu !== undefined
      ? { kind: 'hpa-cpu', hpa, minReplicas: min, maxReplicas: max, targetUtilization: cpu.value / 100 }
      : { kind: 'hpa-external', hpa, minReplicas: min, maxReplicas: max };
  return { scaling, warnings };
}

/** Whether a metav1.LabelSelector (as JSON) selects `labels`; a missing selector selects nothing. */
export function labelSelectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isJsonObject(selector)) return false;
  const matchLabels = isJsonObject(selector.matchLabels) ? selector.matchLabels : {};
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return expressions.every((e: unknown) => {
    if (!isJsonObject(e) || typeof e.key !== 'string') return false;
    const values = Array.isArray(e.values) ? (e.values as unknown[]) : [];
    const has = e.key in labels;
    switch (e.operator) {
      case 'In':
        return has && values.includes(labels[e.key]);
      case 'NotIn':
        return !has || !values.includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/**
 * Whether a PodDisruptionBudget selects the workload's pods; null without the Kubernetes API or when
 * it cannot be read (the spot recommender then says so).
 */
async function podDisruptionBudget(
  kube: WorkloadsApi | undefined,
  policy: Policy,
  warnings: string[],
): Promise<boolean | null> {
  if (kube === undefined) return null;
  try {
    return await podDisruptionBudgetOf(kube, policy);
  } catch (err) {
    warnings.push(`PodDisruptionBudgets unknown: ${(err as Error).message}`);
    return null;
  }
}

async function podDisruptionBudgetOf(kube: WorkloadsApi, policy: Policy): Promise<boolean | null> {
  const workload: KubeObject | undefined = await kube.get({
    kind: policy.target.kind,
    namespace: policy.namespace,
    name: policy.target.name,
  });
  const template = workload?.spec?.template;
  const podLabels =
    isJsonObject(template) && isJsonObject(template.metadata) && isJsonObject(template.metadata.labels)
      ? (template.metadata.labels as Record<string, string>)
      : undefined;
  if (podLabels === undefined) return null;
  const budgets = await kube.listPodDisruptionBudgets(policy.namespace);
  return budgets.some((b) => labelSelectorMatches(b.spec?.selector, podLabels));
}

/** Unit prices as the engine would use them: the price book, or OpenCost's node prices. */
export async function recommendationPrices(
  config: Config,
  backends: Backends,
  now: number,
): Promise<{ prices: PriceSet; warnings: string[] }> {
  const book = priceSetFromBook(config.prices.book);
  if (config.prices.source === 'book') return { prices: book, warnings: [] };
  const client = backends.get(config.prices.backend);
  if (client === undefined)
    return {
      prices: book,
      warnings: [`no backend ${config.prices.backend} for OpenCost prices; using the price book`],
    };
  const nodes = await fetchNodePrices(client, { time: now });
  if (!nodes.ok)
    return { prices: book, warnings: [`OpenCost prices unavailable (${nodes.error}); using the price book`] };
  const estimate = priceSetFromNodes(nodes.value, book);
  return { prices: estimate.prices, warnings: [...estimate.warnings] };
}

/** Everything one policy's recommendations need; throws with the failing query when a source fails. */
export async function collectWorkload(
  policy: Policy,
  options: CollectOptions,
  prices: PriceSet,
): Promise<{ input: WorkloadInput; warnings: string[] }> {
  const { config, backends, now } = options;
  const settings = config.recommendations;
  const client = backends.get(policy.backend);
  if (client === undefined) throw new Error(`no Prometheus backend named ${policy.backend}`);
  const window = historyWindow(settings, now);
  const steps = Math.round((window.end - window.start) / window.stepMs) + 1;
  const range = { start: window.start, end: window.end, stepMs: window.stepMs };
  const stepSeconds = settings.stepSeconds;
  const replicasQuery = currentReplicasQuery(policy);
  const pdbWarnings: string[] = [];
  const [demand, earlier, replicas, cpu, memory, requests, limits, scaling, pdb] = await Promise.all([
    client.range(policy.demand.query, range),
    // The SLA check's costscale warm-starts from it, as the engine does; without it, it starts cold.
    client
      .range(policy.demand.query, earlierDemandRange(window.start, settings.simulationStepSeconds * 1000))
      .catch(() => undefined),
    client.range(replicasQuery, range),
    client.range(cpuUsageQuery(policy, stepSeconds), range),
    client.range(memoryPeakQuery(policy, stepSeconds), range),
    client.instant(resourceQuery(policy, 'requests'), { time: window.end }),
    client.instant(resourceQuery(policy, 'limits'), { time: window.end }),
    scalingOf(client, policy, window.end),
    podDisruptionBudget(options.kube, policy, pdbWarnings),
  ]);
  const timesMs = Float64Array.from({ length: steps }, (_, i) => window.start + i * window.stepMs);
  const demandSeries = single(aligned(demand, window, steps), 'demand', policy.demand.query);
  const replicaSeries = aligned(replicas, window, steps);
  const cpuSeries = aligned(cpu, window, steps);
  const memorySeries = aligned(memory, window, steps);
  const requestRows = vector(requests);
  const limitRows = vector(limits);
  const names = [...new Set([...cpuSeries, ...memorySeries].map((s) => s.labels.container ?? ''))]
    .filter((n) => n !== '')
    .sort();
  const resource = (rows: typeof requestRows, container: string, name: string): number | null =>
    rows.find((r) => r.labels.container === container && r.labels.resource === name)?.value ?? null;
  const containers: ContainerHistory[] = names.map((name) => ({
    name,
    cpuCores: cpuSeries.filter((s) => s.labels.container === name).map((s) => s.values),
    memoryBytes: memorySeries.filter((s) => s.labels.container === name).map((s) => s.values),
    requests: {
      cpuCores: resource(requestRows, name, 'cpu'),
      memoryBytes: resource(requestRows, name, 'memory'),
    },
    limits: { cpuCores: resource(limitRows, name, 'cpu'), memoryBytes: resource(limitRows, name, 'memory') },
  }));
  const earlierSeries = earlier && onlySeries(earlier);
  const history: WorkloadHistory = {
    stepMs: window.stepMs,
    timesMs,
    demand: demandSeries,
    ...(earlierSeries && { earlierDemand: earlierSeries }),
    replicas:
      replicaSeries.length === 1
        ? (replicaSeries[0] as { values: Float64Array }).values
        : new Float64Array(steps).fill(Number.NaN),
    containers,
  };
  const warnings = [...scaling.warnings, ...pdbWarnings];
  if (replicaSeries.length !== 1)
    warnings.push(`${replicasQuery} returned ${replicaSeries.length} series; replicas unknown`);
  if (containers.length === 0) warnings.push('no container usage series (cAdvisor) for the workload’s pods');
  return {
    input: {
      policy,
      workloadKind: policy.target.kind,
      history,
      scaling: scaling.scaling,
      podDisruptionBudget: pdb,
      prices,
      currency: config.prices.book.currency,
      settings,
    },
    warnings,
  };
}
