import type { InstantQueryOptions, PrometheusQuerier } from './prometheusClient';
import { describeQueryFailure } from './prometheusError';
import type { InstantSample, QueryResponse } from './prometheusResponse';
import { escapeRegex, quoteString } from './promql';

// Price inputs read from Prometheus: OpenCost's per-node unit prices and a workload's resource
// requests from kube-state-metrics. Metric names and labels: shared/specs/cost-inputs.md §1
// (opencost pkg/costmodel/metrics.go; kube-state-metrics pod metrics).

export type SourceResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** One node's OpenCost prices (same shape as domain/pricing's NodePrice). */
export interface OpenCostNodePrice {
  readonly node: string;
  /** NaN when OpenCost exports no CPU price for the node. */
  readonly cpuCoreHour: number;
  /** Per GiB-hour; NaN when OpenCost exports no RAM price for the node. */
  readonly ramGiBHour: number;
  /** Only for nodes with GPUs, so GPU-less nodes' zero price does not dilute a mean. */
  readonly gpuHour?: number;
  readonly spot: boolean;
}

const NODE_PRICE_METRICS = [
  'node_cpu_hourly_cost',
  'node_ram_hourly_cost',
  'node_gpu_hourly_cost',
  'node_gpu_count',
  'kubecost_node_is_spot',
] as const;

// One request for all five metrics. `max` collapses duplicates from several OpenCost replicas or
// scrape jobs; the deprecated `instance` label is not used for the join (cost-inputs.md §1).
export const NODE_PRICES_QUERY = `max by (__name__, node) ({__name__=~"${NODE_PRICE_METRICS.join('|')}"})`;

/** OpenCost's node prices joined on `node`. */
export async function fetchNodePrices(
  client: PrometheusQuerier,
  options: InstantQueryOptions = {},
): Promise<SourceResult<OpenCostNodePrice[]>> {
  const response = await instant(client, NODE_PRICES_QUERY, options);
  if (!response.ok) return response;
  const samples = vectorSamples(response.value);
  if (typeof samples === 'string') return failure(client, NODE_PRICES_QUERY, samples);
  const byNode = new Map<string, Map<string, number>>();
  for (const s of samples) {
    const node = s.labels.node;
    const metric = s.labels.__name__;
    if (node === undefined || node === '' || metric === undefined) continue;
    let metrics = byNode.get(node);
    if (metrics === undefined) byNode.set(node, (metrics = new Map()));
    metrics.set(metric, s.value);
  }
  if (byNode.size === 0) {
    return failure(
      client,
      NODE_PRICES_QUERY,
      'no OpenCost node price series with a node label: is OpenCost running and scraped by this Prometheus?',
    );
  }
  const nodes = [...byNode.keys()].sort().map((node): OpenCostNodePrice => {
    const m = byNode.get(node)!;
    const gpuHour = m.get('node_gpu_hourly_cost');
    const gpuCount = m.get('node_gpu_count');
    const hasGpus = gpuCount === undefined ? gpuHour !== undefined && gpuHour > 0 : gpuCount > 0;
    return {
      node,
      cpuCoreHour: m.get('node_cpu_hourly_cost') ?? NaN,
      ramGiBHour: m.get('node_ram_hourly_cost') ?? NaN,
      ...(hasGpus && gpuHour !== undefined && { gpuHour }),
      spot: m.get('kubecost_node_is_spot') === 1,
    };
  });
  return { ok: true, value: nodes, warnings: response.value.warnings };
}

export interface WorkloadRef {
  readonly namespace: string;
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly name: string;
}

/** What one replica requests, averaged over the workload's current pods. */
export interface ReplicaRequests {
  readonly cpuCores: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  /** Pods the average was taken over. */
  readonly pods: number;
}

// kube-state-metrics names extended resources with `_` for `.` and `/`.
const GPU_RESOURCE = 'nvidia_com_gpu';
const GIB = 1024 ** 3;

/**
 * The pods a workload's controller creates: `<deployment>-<pod-template-hash>-<suffix>` or
 * `<statefulset>-<ordinal>`; a plain `<name>-` prefix would also match a sibling such as `<name>-worker`.
 */
export function podPattern(workload: WorkloadRef): RegExp {
  const base = escapeRegex(workload.name);
  const pods = workload.kind === 'StatefulSet' ? `${base}-[0-9]+` : `${base}-[a-z0-9]{1,10}-[a-z0-9]{5}`;
  return new RegExp(`^(?:${pods})$`);
}

export function workloadKey(w: WorkloadRef): string {
  return `${w.namespace}/${w.kind}/${w.name}`;
}

/**
 * One query for the per-pod requests of every pod in the workloads' namespaces; pods are assigned to
 * workloads here, so many policies cost one request (not one each). The inner `max` collapses the same
 * container reported by more than one exporter (kube-state-metrics and OpenCost's re-export).
 */
export function replicaRequestsQuery(workloads: readonly WorkloadRef[]): string {
  const namespaces = [...new Set(workloads.map((w) => w.namespace))].sort().map(escapeRegex).join('|');
  const selector = [
    `namespace=~${quoteString(namespaces)}`,
    `resource=~${quoteString(`cpu|memory|${GPU_RESOURCE}`)}`,
  ].join(', ');
  return `sum by (namespace, pod, resource) (max by (namespace, pod, container, resource) (kube_pod_container_resource_requests{${selector}}))`;
}

/** Each workload's replica requests (summed over containers, averaged over pods), by `workloadKey`. */
export async function fetchReplicaRequests(
  client: PrometheusQuerier,
  workloads: readonly WorkloadRef[],
  options: InstantQueryOptions = {},
): Promise<SourceResult<Map<string, SourceResult<ReplicaRequests>>>> {
  const query = replicaRequestsQuery(workloads);
  const response = await instant(client, query, options);
  if (!response.ok) return response;
  const samples = vectorSamples(response.value);
  if (typeof samples === 'string') return failure(client, query, samples);
  const byNamespace = new Map<string, InstantSample[]>();
  for (const s of samples) {
    const ns = s.labels.namespace;
    if (ns !== undefined) byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), s]);
  }
  const results = new Map<string, SourceResult<ReplicaRequests>>();
  for (const w of workloads) {
    const pattern = podPattern(w);
    const own = (byNamespace.get(w.namespace) ?? []).filter((s) => pattern.test(s.labels.pod ?? ''));
    results.set(
      workloadKey(w),
      summarizeRequests(own, w, (reason) => failure(client, query, reason)),
    );
  }
  return { ok: true, value: results, warnings: response.value.warnings };
}

function summarizeRequests(
  samples: readonly InstantSample[],
  workload: WorkloadRef,
  fail: (reason: string) => { ok: false; error: string },
): SourceResult<ReplicaRequests> {
  const pods = new Set<string>();
  let cpu = 0;
  let memoryBytes = 0;
  let gpus = 0;
  for (const s of samples) {
    const pod = s.labels.pod!;
    if (!Number.isFinite(s.value)) return fail(`pod ${pod} has a non-finite ${s.labels.resource} request`);
    pods.add(pod);
    if (s.labels.resource === 'cpu') cpu += s.value;
    else if (s.labels.resource === 'memory') memoryBytes += s.value;
    else if (s.labels.resource === GPU_RESOURCE) gpus += s.value;
  }
  if (pods.size === 0) {
    return fail(
      `query returned no series: no kube_pod_container_resource_requests for ${workload.kind} ${workload.namespace}/${workload.name}; set the policy's resources or check kube-state-metrics`,
    );
  }
  const n = pods.size;
  return {
    ok: true,
    value: { cpuCores: cpu / n, memoryGiB: memoryBytes / GIB / n, gpus: gpus / n, pods: n },
    warnings: [],
  };
}

async function instant(
  client: PrometheusQuerier,
  query: string,
  options: InstantQueryOptions,
): Promise<SourceResult<QueryResponse>> {
  try {
    return { ok: true, value: await client.instant(query, options), warnings: [] };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function vectorSamples(response: QueryResponse): readonly InstantSample[] | string {
  return response.data.resultType === 'vector'
    ? response.data.samples
    : `query returned a ${response.data.resultType}; an instant vector was expected`;
}

function failure(client: PrometheusQuerier, query: string, reason: string): { ok: false; error: string } {
  return { ok: false, error: describeQueryFailure(client.name, query, reason) };
}
