import type { SimulationResult, Timeline } from './types';

// Plain renderings of simulation results for people and programs.

export interface ResultSummary {
  readonly name: string;
  readonly hours: number;
  readonly replicaHours: number;
  readonly meanReplicas: number;
  readonly peakReplicas: number;
  readonly cost: number | null;
  readonly sloMissMinutes: number;
  readonly unmetDemand: number;
  /** unmetDemand / total demand. */
  readonly unmetFraction: number;
  readonly scaleUps: number;
  readonly scaleDowns: number;
}

export function summarize(result: SimulationResult): ResultSummary {
  return {
    name: result.name,
    hours: result.hours,
    replicaHours: result.replicaHours,
    meanReplicas: result.hours > 0 ? result.replicaHours / result.hours : 0,
    peakReplicas: result.peakReplicas,
    cost: result.cost,
    sloMissMinutes: result.sloMissMinutes,
    unmetDemand: result.unmetDemand,
    unmetFraction: result.totalDemand > 0 ? result.unmetDemand / result.totalDemand : 0,
    scaleUps: result.scaleUps,
    scaleDowns: result.scaleDowns,
  };
}

/** `timestamp,demand,desired_replicas,ready_replicas,capacity`, one row per step, ISO 8601 UTC times. */
export function timelineCsv(timeline: Timeline): string {
  const rows = ['timestamp,demand,desired_replicas,ready_replicas,capacity'];
  for (let i = 0; i < timeline.timesMs.length; i++) {
    rows.push(
      `${new Date(timeline.timesMs[i] as number).toISOString()},${round(timeline.demand[i] as number)},` +
        `${timeline.desiredReplicas[i]},${timeline.readyReplicas[i]},${round(timeline.capacity[i] as number)}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A fixed-width table of the summaries, with each scenario's cost relative to the first. */
export function resultTable(summaries: readonly ResultSummary[], currency: string): string {
  const baseline = summaries[0]?.cost ?? null;
  const header = [
    'scenario',
    'replica-h',
    'mean',
    'peak',
    `cost (${currency})`,
    'vs first',
    'SLO-miss min',
    'unmet %',
    'ups',
    'downs',
  ];
  const rows = summaries.map((s) => [
    s.name,
    s.replicaHours.toFixed(1),
    s.meanReplicas.toFixed(2),
    String(s.peakReplicas),
    s.cost === null ? '-' : s.cost.toFixed(2),
    s.cost === null || baseline === null || baseline === 0
      ? '-'
      : `${((s.cost / baseline) * 100).toFixed(1)} %`,
    s.sloMissMinutes.toFixed(1),
    (s.unmetFraction * 100).toFixed(3),
    String(s.scaleUps),
    String(s.scaleDowns),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
