import type { PriceBook } from '../config/schema';

// A replica's cost per hour: its resource requests times unit prices, with on-demand and spot prices
// blended by the share of replicas expected to run on spot capacity.

/** Resources one replica requests (sum over its containers). */
export interface ReplicaResources {
  readonly cpuCores: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

/** Per-hour prices of one unit of each resource. */
export interface UnitPrices {
  readonly cpuCoreHour: number;
  readonly ramGiBHour: number;
  readonly gpuHour: number;
}

/** Unit prices for on-demand and for spot (preemptible) capacity. */
export interface PriceSet {
  readonly onDemand: UnitPrices;
  readonly spot: UnitPrices;
}

/** The price set a price book describes. */
export function priceSetFromBook(book: PriceBook): PriceSet {
  return {
    onDemand: { cpuCoreHour: book.cpuCoreHour, ramGiBHour: book.ramGiBHour, gpuHour: book.gpuHour },
    spot: { cpuCoreHour: book.spotCpuCoreHour, ramGiBHour: book.spotRamGiBHour, gpuHour: book.spotGpuHour },
  };
}

/** Unit prices when a share `spotShare` (clamped to [0, 1]) of capacity runs on spot. */
export function blendedUnitPrices(prices: PriceSet, spotShare: number): UnitPrices {
  const s = Math.min(1, Math.max(0, spotShare));
  const blend = (onDemand: number, spot: number): number => (1 - s) * onDemand + s * spot;
  return {
    cpuCoreHour: blend(prices.onDemand.cpuCoreHour, prices.spot.cpuCoreHour),
    ramGiBHour: blend(prices.onDemand.ramGiBHour, prices.spot.ramGiBHour),
    gpuHour: blend(prices.onDemand.gpuHour, prices.spot.gpuHour),
  };
}

/** Cost of one replica-hour: requests × unit prices. */
export function costPerReplicaHour(resources: ReplicaResources, unitPrices: UnitPrices): number {
  return (
    resources.cpuCores * unitPrices.cpuCoreHour +
    resources.memoryGiB * unitPrices.ramGiBHour +
    resources.gpus * unitPrices.gpuHour
  );
}

/** Cost of one replica-hour with on-demand and spot prices blended by `spotShare`. */
export function blendedCostPerReplicaHour(
  resources: ReplicaResources,
  prices: PriceSet,
  spotShare: number,
): number {
  return costPerReplicaHour(resources, blendedUnitPrices(prices, spotShare));
}

/**
 * One node's prices as OpenCost exports them (`node_cpu_hourly_cost`, `node_ram_hourly_cost`,
 * `node_gpu_hourly_cost`, `kubecost_node_is_spot`, joined on the `node` label; cost-inputs.md §1).
 */
export interface NodePrice {
  readonly node: string;
  readonly cpuCoreHour: number;
  readonly ramGiBHour: number;
  /** Only for nodes with GPUs (`node_gpu_count` > 0); other nodes' zero GPU price would dilute the mean. */
  readonly gpuHour?: number;
  readonly spot: boolean;
}

/** Unit prices estimated from node prices, with what they were estimated from. */
export interface NodePriceEstimate {
  readonly prices: PriceSet;
  /** `workload`: the nodes the workload runs on; `all`: every priced node (the workload's had none). */
  readonly scope: 'workload' | 'all';
  readonly onDemandNodes: number;
  readonly spotNodes: number;
  /** Prices taken from the fallback because no node offered them, or nodes skipped for bad prices. */
  readonly warnings: readonly string[];
}

/**
 * Effective unit prices from node prices: the mean over the nodes the workload runs on (or over all
 * nodes when none of those is priced), separately for on-demand and spot nodes. A price no node
 * offers (no spot nodes, no GPU nodes) comes from `fallback`, typically the price book. Nodes whose
 * CPU or RAM price is missing, negative or not finite are skipped — OpenCost users regularly see
 * missing prices (opencost #2243, #2796), and averaging a NaN in would poison every decision.
 */
export function priceSetFromNodes(
  nodes: readonly NodePrice[],
  fallback: PriceSet,
  workloadNodes?: readonly string[],
): NodePriceEstimate {
  const warnings: string[] = [];
  const priced = nodes.filter((n) => {
    const ok = isPrice(n.cpuCoreHour) && isPrice(n.ramGiBHour);
    if (!ok) warnings.push(`node ${n.node} skipped: CPU or RAM price missing or invalid`);
    return ok;
  });
  const wanted = workloadNodes === undefined ? undefined : new Set(workloadNodes);
  const onWorkload = wanted === undefined ? [] : priced.filter((n) => wanted.has(n.node));
  const scope: 'workload' | 'all' = onWorkload.length > 0 ? 'workload' : 'all';
  if (wanted !== undefined && wanted.size > 0 && scope === 'all') {
    warnings.push("none of the workload's nodes is priced; using the mean over all nodes");
  }
  const chosen = scope === 'workload' ? onWorkload : priced;
  const onDemandNodes = chosen.filter((n) => !n.spot);
  const spotNodes = chosen.filter((n) => n.spot);
  return {
    prices: {
      onDemand: meanUnitPrices(onDemandNodes, fallback.onDemand, 'on-demand', warnings),
      spot: meanUnitPrices(spotNodes, fallback.spot, 'spot', warnings),
    },
    scope,
    onDemandNodes: onDemandNodes.length,
    spotNodes: spotNodes.length,
    warnings,
  };
}

function meanUnitPrices(
  nodes: readonly NodePrice[],
  fallback: UnitPrices,
  kind: string,
  warnings: string[],
): UnitPrices {
  if (nodes.length === 0) {
    warnings.push(`no ${kind} nodes priced; ${kind} prices from the fallback price book`);
    return fallback;
  }
  let cpu = 0;
  let ram = 0;
  let gpu = 0;
  let gpuNodes = 0;
  for (const n of nodes) {
    cpu += n.cpuCoreHour;
    ram += n.ramGiBHour;
    if (n.gpuHour !== undefined && isPrice(n.gpuHour)) {
      gpu += n.gpuHour;
      gpuNodes += 1;
    }
  }
  return {
    cpuCoreHour: cpu / nodes.length,
    ramGiBHour: ram / nodes.length,
    gpuHour: gpuNodes > 0 ? gpu / gpuNodes : fallback.gpuHour,
  };
}

function isPrice(x: number): boolean {
  return Number.isFinite(x) && x >= 0;
}
