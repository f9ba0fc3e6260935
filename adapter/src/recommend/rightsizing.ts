import { DEFAULT_CONTROLLER_CONFIG } from '../hpa';
import {
  recommendation,
  replicaCost,
  round,
  simulatedSavings,
  worth,
  type RecommenderContext,
  type RecommenderOutcome,
} from './context';
import { CPU_SCALE, MEMORY_SCALE } from './histogram';
import { cpuOperatingPoint, memoryPeakSamples, type CpuOperatingPoint } from './operatingPoint';
import {
  POD_MIN_CPU_CORES,
  POD_MIN_MEMORY_BYTES,
  requestEstimate,
  withPodMinimum,
  type RequestEstimate,
} from './requestEstimate';
import { slaCheck } from './simulation';
import type { Evidence, ObjectChange } from './types';

// Request right-sizing, VPA-style (cost-inputs.md §3) on samples taken at the workload's operating
// point (operatingPoint.ts). As the VPA updater does, a request is changed only when it lies outside
// the [lower, upper] bounds of the estimate, and then set to the target; never above the container's
// limit. The SLA check simulates the workload with the new price and, where the new CPU request is
// below what a replica uses at κ, with the capacity that request can carry.

const MIB = 1024 * 1024;
/** The HPA's default tolerance (external-metrics-api.md §4), as the HPA model has it. */
const HPA_TOLERANCE = DEFAULT_CONTROLLER_CONFIG.tolerance;

/** CPU as a whole number of millicores (rounded up) and memory as whole MiB (rounded up). */
export const cpuQuantity = (cores: number): string => `${Math.ceil(cores * 1000 - 1e-9)}m`;
export const memoryQuantity = (bytes: number): string => `${Math.ceil(bytes / MIB - 1e-9)}Mi`;
const roundedCpu = (cores: number): number => Math.ceil(cores * 1000 - 1e-9) / 1000;
const roundedMemory = (bytes: number): number => Math.ceil(bytes / MIB - 1e-9) * MIB;

interface ResourcePlan {
  readonly current: number | null;
  readonly estimate: RequestEstimate | undefined;
  readonly limit: number | null;
  /** The request to set, or null to keep the current one. */
  readonly proposed: number | null;
  readonly cappedByLimit: boolean;
}

function plan(
  current: number | null,
  estimate: RequestEstimate | undefined,
  limit: number | null,
  rounding: (x: number) => number,
): ResourcePlan {
  if (current === null || estimate === undefined) {
    return { current, estimate, limit, proposed: null, cappedByLimit: false };
  }
  if (current >= estimate.lower && current <= estimate.upper) {
    return { current, estimate, limit, proposed: null, cappedByLimit: false };
  }
  const cappedByLimit = limit !== null && estimate.target > limit;
  const proposed = rounding(cappedByLimit ? limit : estimate.target);
  return { current, estimate, limit, proposed: proposed === current ? null : proposed, cappedByLimit };
}

/** Estimates with the per-pod minimum shared between the containers. */
function withMinimum(
  estimates: Array<RequestEstimate | undefined>,
  podMinimum: number,
): Array<RequestEstimate | undefined> {
  const targets = withPodMinimum(
    estimates.map((e) => e?.target ?? 0),
    podMinimum,
  );
  return estimates.map((e, i) => {
    if (e === undefined) return undefined;
    const target = targets[i] as number;
    // Raised to the minimum: anything below it is out of bounds.
    return target === e.target ? e : { lower: target, target, upper: Math.max(e.upper, target) };
  });
}

export function rightsizing(ctx: RecommenderContext): RecommenderOutcome {
  const { input, sim } = ctx;
  const { history, scaling, settings } = input;
  const containers = history.containers;
  if (containers.length === 0) return { note: 'no container usage or requests in Prometheus' };
  const n = history.timesMs.length;
  const endMs = (history.timesMs[n - 1] as number) + history.stepMs;
  const days = (endMs - (history.timesMs[0] as number)) / 86_400_000;
  const margin = settings.safetyMargin;

  const cpuPoints: CpuOperatingPoint[] = containers.map((c) =>
    cpuOperatingPoint(c, history, scaling, sim.capacityPerReplica, margin),
  );
  const cpuEstimates = withMinimum(
    cpuPoints.map((p) => {
      const e = requestEstimate(p.samples, CPU_SCALE, endMs, days);
      // An HPA leaves usage anywhere within its tolerance of the target, so requests that far off
      // the estimate are as good as it.
      return e === undefined || p.mode !== 'hpa-target'
        ? e
        : { lower: e.lower * (1 - HPA_TOLERANCE), target: e.target, upper: e.upper * (1 + HPA_TOLERANCE) };
    }),
    POD_MIN_CPU_CORES,
  );
  const memoryEstimates = withMinimum(
    containers.map((c) =>
      requestEstimate(memoryPeakSamples(c, history.timesMs, endMs, margin), MEMORY_SCALE, endMs, days),
    ),
    POD_MIN_MEMORY_BYTES,
  );

  const evidence: Record<string, number | string | boolean | null> = {
    historyDays: round(days, 2),
    safetyMargin: margin,
    scaling: scaling.kind,
    capacityPerReplica: sim.capacityPerReplica,
  };
  if (scaling.kind === 'hpa-cpu') evidence.hpaTargetUtilization = scaling.targetUtilization;
  const changes: Array<{ name: string; cpu?: string; memory?: string }> = [];
  const phrases: string[] = [];
  let cpuBefore = 0;
  let cpuAfter = 0;
  let memoryBefore = 0;
  let memoryAfter = 0;
  let ratioBefore = 1;
  let ratioAfter = 1;
  containers.forEach((c, i) => {
    const cpu = plan(c.requests.cpuCores, cpuEstimates[i], c.limits.cpuCores, roundedCpu);
    const memory = plan(c.requests.memoryBytes, memoryEstimates[i], c.limits.memoryBytes, roundedMemory);
    const point = cpuPoints[i] as CpuOperatingPoint;
    const key = (s: string) => `${c.name}.${s}`;
    evidence[key('cpu.request')] = c.requests.cpuCores;
    evidence[key('cpu.limit')] = c.limits.cpuCores;
    evidence[key('cpu.lower')] = cpu.estimate ? round(cpu.estimate.lower) : null;
    evidence[key('cpu.target')] = cpu.estimate ? round(cpu.estimate.target) : null;
    evidence[key('cpu.upper')] = cpu.estimate ? round(cpu.estimate.upper) : null;
    evidence[key('cpu.samples')] = point.mode;
    evidence[key('cpu.hpaHeldShare')] = round(point.heldShare, 3);
    evidence[key('cpu.perDemandUnit')] = point.fit ? round(point.fit.slope, 6) : null;
    evidence[key('cpu.atCapacity')] = point.cpuAtCapacity === null ? null : round(point.cpuAtCapacity);
    evidence[key('memory.request')] = c.requests.memoryBytes;
    evidence[key('memory.limit')] = c.limits.memoryBytes;
    evidence[key('memory.lower')] = memory.estimate ? Math.round(memory.estimate.lower) : null;
    evidence[key('memory.target')] = memory.estimate ? Math.round(memory.estimate.target) : null;
    evidence[key('memory.upper')] = memory.estimate ? Math.round(memory.estimate.upper) : null;
    if (cpu.cappedByLimit) evidence[key('cpu.cappedByLimit')] = true;
    if (memory.cappedByLimit) evidence[key('memory.cappedByLimit')] = true;

    const cpuNow = c.requests.cpuCores ?? 0;
    const cpuNew = cpu.proposed ?? cpuNow;
    cpuBefore += cpuNow;
    cpuAfter += cpuNew;
    memoryBefore += c.requests.memoryBytes ?? 0;
    memoryAfter += memory.proposed ?? c.requests.memoryBytes ?? 0;
    // A CPU request below what a replica uses at κ caps what it can be relied on to serve.
    if (point.cpuAtCapacity !== null && point.cpuAtCapacity > 0) {
      ratioBefore = Math.min(ratioBefore, cpuNow / point.cpuAtCapacity);
      ratioAfter = Math.min(ratioAfter, cpuNew / point.cpuAtCapacity);
    }
    if (cpu.proposed === null && memory.proposed === null) return;
    const change: { name: string; cpu?: string; memory?: string } = { name: c.name };
    if (cpu.proposed !== null) {
      change.cpu = cpuQuantity(cpu.proposed);
      phrases.push(`${c.name} cpu ${cpuQuantity(cpuNow)} → ${change.cpu}`);
    }
    if (memory.proposed !== null) {
      change.memory = memoryQuantity(memory.proposed);
      phrases.push(`${c.name} memory ${memoryQuantity(c.requests.memoryBytes ?? 0)} → ${change.memory}`);
    }
    changes.push(change);
  });
  if (changes.length === 0) return { note: 'every request lies within its estimated bounds' };

  const resources = {
    cpuCores: ctx.resources.cpuCores - cpuBefore + cpuAfter,
    memoryGiB: ctx.resources.memoryGiB + (memoryAfter - memoryBefore) / 1024 ** 3,
    gpus: ctx.resources.gpus,
  };
  const capacityShare = Math.min(1, Math.min(1, ratioAfter) / Math.max(Math.min(1, ratioBefore), 1e-9));
  const after = sim.run({
    costPerReplicaHour: replicaCost(input, resources),
    servedPerReplica: sim.capacityPerReplica * capacityShare,
  });
  evidence.costPerReplicaHourBefore = round(sim.costPerReplicaHour, 6);
  evidence.costPerReplicaHourAfter = round(replicaCost(input, resources), 6);
  evidence.servedPerReplicaAfter = round(sim.capacityPerReplica * capacityShare);
  const check = slaCheck(sim, after, settings.slaToleranceMinutesPerDay);
  const savings = simulatedSavings(sim, after);
  const workload = { kind: input.workloadKind, name: input.policy.target.name };
  const change: ObjectChange = { type: 'container-requests', workload, containers: changes };
  const raises = cpuAfter > cpuBefore || memoryAfter > memoryBefore;
  const judged = worth(ctx, savings, check);
  // Raising a request that is below its lower bound protects the workload; it is offered at a cost.
  const worthwhile = judged.worthwhile || raises;
  return {
    recommendation: recommendation(ctx, {
      kind: 'rightsizing',
      target: workload,
      summary: `${workload.kind} ${workload.name}: set requests ${phrases.join(', ')}`,
      monthlySavings: savings,
      evidence: evidence as Evidence,
      slaCheck: check,
      changes: [change],
    }),
    worthwhile,
    why: worthwhile && !judged.worthwhile ? 'raises requests below their lower bound' : judged.why,
  };
}
