import type { Config, Policy } from '../config/schema';
import {
  decide,
  decisionHorizonSeconds,
  startupShare,
  decisionHorizonSteps,
  growthHistogramFor,
  lagCorrectedDemand,
  lagSteps,
  rateLagSeconds,
  reactiveFlooredByForecast,
  reactivePeakDistribution,
  recentDemandPeak,
  type LagCorrection,
  type DecisionInput,
  type DemandDistribution,
} from '../domain';
import {
  DISPLAY_STEPS,
  forecastTrack,
  trackDistributions,
  type ForecastSettings,
  type ForecastTrack,
} from './forecastTrack';
import { observeDemand, type MetricPipeline, type ObservedDemand } from './pipeline';
import type { DemandTrace } from './trace';
import type { MetricScaler } from './types';

// costscale as the simulated adapter, on the live service's decision path: at every engine tick the
// demand the query returned, extrapolated over its `rate()` lag, the peak-demand distribution the engine
// would use (the reactive distribution, the decayed growth histogram fed every tick or while it is still
// short the empirical one over the last hour of ticks, floored at the forecast's median peak, never above
// the query's recent highest, while the accuracy gate trusts the forecast), and decide()
// with every bound; the HPA reads the value the latest tick served, `costscale_replicas`, as an
// AverageValue target of 1. A tick without a decision keeps the last good value until it is stale.

/** Engine settings the decision path depends on (config `engine`; defaults as there). */
export interface EngineSettings {
  /** engine.hpaSyncSeconds: part of the horizon. */
  readonly hpaSyncSeconds: number;
  /** engine.stalenessSeconds: last good values are served at most this long. */
  readonly stalenessSeconds: number;
  /** engine.forecast.coverageMargin. */
  readonly coverageMargin: number;
  /** Ticks of recent demand the engine keeps (240: 1 h at 15 s), read while the growth histogram is short. */
  readonly historySamples: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  hpaSyncSeconds: 15,
  stalenessSeconds: 120,
  coverageMargin: 0.1,
  historySamples: 240,
};

/** The engine settings of a configuration. */
export function engineSettingsOf(engine: Config['engine']): EngineSettings {
  return {
    hpaSyncSeconds: engine.hpaSyncSeconds,
    stalenessSeconds: engine.stalenessSeconds,
    coverageMargin: engine.forecast.coverageMargin,
    historySamples: DEFAULT_ENGINE_SETTINGS.historySamples,
  };
}

/**
 * What costscale observes of one trace: the demand query's value at each tick and the forecast tracks
 * over it (built once per forecast setting), shared by every scenario of the trace, since neither depends
 * on a decision.
 */
export interface CostscaleObservation {
  readonly demand: ObservedDemand;
  /**
   * What the demand query returned at the tick step before the trace (oldest first, the last one tick
   * before its start), where the history has it: the live engine warm-starts the growth histogram from a
   * day of it (engine/gather.ts), so a what-if replaying Prometheus does too. Empty for a bare trace.
   */
  readonly earlier: Float64Array;
  /** D(t) at tick k extrapolated over the pipeline's `rate()` lag, as the engine does (demandLag.ts). */
  corrected(k: number): LagCorrection;
  forecast(settings: ForecastSettings): ForecastTrack;
}

/**
 * What costscale observes of a trace through the metric pipeline, with what the demand query returned at
 * the tick step before it, if known.
 */
export function observeForCostscale(
  trace: DemandTrace,
  stepMs: number,
  interpolation: 'linear' | 'hold',
  pipeline: MetricPipeline,
  earlier: Float64Array = new Float64Array(0),
): CostscaleObservation {
  return observationOf(observeDemand(trace, stepMs, interpolation, pipeline), earlier);
}

/** The observation built on demand values already read at each tick. */
export function observationOf(
  demand: ObservedDemand,
  earlier: Float64Array = new Float64Array(0),
): CostscaleObservation {
  const values = demand.values;
  const lagSeconds = rateLagSeconds(demand.pipeline.rateWindowMs);
  const steps = lagSteps(lagSeconds, demand.stepMs / 1000);
  const corrected = (k: number): LagCorrection =>
    lagCorrectedDemand(values[k] as number, values.subarray(Math.max(0, k - steps), k), steps, lagSeconds);
  const tracks = new Map<string, ForecastTrack>();
  return {
    demand,
    earlier,
    corrected,
    forecast(settings) {
      const key = JSON.stringify(settings);
      let track = tracks.get(key);
      if (track === undefined) {
        track = forecastTrack(demand, settings);
        tracks.set(key, track);
      }
      return track;
    },
  };
}

export type SimulatedPolicy = Pick<
  Policy,
  | 'name'
  | 'mode'
  | 'sloMissCostPerHour'
  | 'hpaTolerance'
  | 'replicas'
  | 'schedules'
  | 'holidays'
  | 'demand'
  | 'overrides'
  | 'forecast'
  | 'readinessDelaySeconds'
>;

export interface CostscaleScalerParams {
  readonly policy: SimulatedPolicy;
  /** κ costscale decides with (it may differ from what a replica really serves). */
  readonly capacityPerReplica: number;
  readonly costPerReplicaHour: number;
  readonly observation: CostscaleObservation;
  readonly engine?: EngineSettings;
}

/**
 * The DecisionInput of one policy at one tick, assembled as the engine assembles it from what it
 * gathered (engine/evaluate.ts); without budgets, SLO queries or provenance, which a trace lacks.
 */
export function simulatedDecisionInput(
  policy: SimulatedPolicy,
  params: {
    readonly at: number;
    readonly demand: number | undefined;
    readonly demandLag?: DecisionInput['demandLag'];
    readonly distribution: DemandDistribution | undefined;
    readonly capacityPerReplica: number;
    readonly costPerReplicaHour: number;
    readonly currentReplicas: number;
    readonly startupShare: number;
    readonly overrides: DecisionInput['overrides'];
    readonly staleAfterMs: number;
  },
): DecisionInput {
  return {
    policy: policy.name,
    at: params.at,
    mode: policy.mode,
    demand: params.demand,
    ...(params.demandLag && { demandLag: params.demandLag }),
    demandUnit: policy.demand.unit,
    distribution: params.distribution,
    capacityPerReplica: params.capacityPerReplica,
    costPerReplicaHour: params.costPerReplicaHour,
    sloMissCostPerHour: policy.sloMissCostPerHour,
    currentReplicas: params.currentReplicas,
    hpaTolerance: policy.hpaTolerance,
    startupShare: params.startupShare,
    readinessSeconds: policy.readinessDelaySeconds,
    minReplicas: policy.replicas.min,
    maxReplicas: policy.replicas.max,
    schedules: policy.schedules,
    holidays: policy.holidays,
    overrides: params.overrides,
    staleAfterMs: params.staleAfterMs,
  };
}

export function costscaleScaler(params: CostscaleScalerParams): MetricScaler {
  const { policy, observation } = params;
  const engine = params.engine ?? DEFAULT_ENGINE_SETTINGS;
  const { t0, stepMs, values: observed, pipeline } = observation.demand;
  const tickSeconds = stepMs / 1000;
  const timing = { hpaSyncSeconds: engine.hpaSyncSeconds, intervalSeconds: tickSeconds };
  const horizon = decisionHorizonSeconds(policy, timing);
  const horizonSteps = decisionHorizonSteps(policy, timing);
  const forecastSteps = Math.max(1, Math.ceil(horizon / policy.forecast.stepSeconds));
  const forecastAt = policy.forecast.enabled
    ? trackDistributions(
        observation.forecast({
          stepSeconds: policy.forecast.stepSeconds,
          refitHours: policy.forecast.refitHours,
          coverageMargin: engine.coverageMargin,
          fitHorizon: Math.max(forecastSteps, DISPLAY_STEPS),
        }),
        forecastSteps,
      )
    : () => undefined;
  const overrides = policy.overrides.map((o) => ({
    replicas: o.replicas,
    expiresAt: Date.parse(o.expiresAt),
    reason: o.reason,
  }));
  const staleMs = engine.stalenessSeconds * 1000;
  // As the engine's gatherer does: one growth histogram, warm-started from the history before the trace
  // where there is one, then fed every tick's value as it arrives.
  const lagTicks = lagSteps(rateLagSeconds(pipeline.rateWindowMs), tickSeconds);
  const growth = growthHistogramFor(params.capacityPerReplica, horizonSteps, lagTicks, tickSeconds);
  const before = observation.earlier.length;
  const series = before === 0 ? observed : new Float64Array(before + observed.length);
  if (before > 0) {
    series.set(observation.earlier);
    series.set(observed, before);
  }
  let fed = 0;
  let lastGood: { value: number; at: number } | undefined;

  return (tMs: number, currentReplicas: number): number | undefined => {
    const k = Math.round((tMs - t0) / stepMs);
    const at = tMs - pipeline.tickAgeMs;
    if (k < 0 || k >= observed.length) return undefined;
    const lag = observation.corrected(k);
    const demand = Number.isFinite(lag.demand) ? lag.demand : undefined;
    const forecast = forecastAt(k);
    for (; fed <= before + k; fed++) growth.observeEndingAt(series, fed + 1);
    const pastDemand = series.subarray(Math.max(0, before + k - engine.historySamples), before + k);
    const reactive =
      demand === undefined ? undefined : reactivePeakDistribution(growth, pastDemand, horizonSteps, demand);
    const distribution =
      forecast === undefined || reactive === undefined
        ? (forecast ?? reactive)
        : reactiveFlooredByForecast(
            forecast,
            reactive,
            recentDemandPeak(pastDemand, tickSeconds, horizonSteps, lagTicks),
          );
    const result = decide(
      simulatedDecisionInput(policy, {
        at,
        demand,
        ...(lag.lagSeconds > 0 && { demandLag: lag }),
        distribution,
        capacityPerReplica: params.capacityPerReplica,
        costPerReplicaHour: params.costPerReplicaHour,
        currentReplicas,
        startupShare: startupShare(policy, timing),
        overrides,
        staleAfterMs: staleMs,
      }),
    );
    if (result.ok) lastGood = { value: result.decision.replicas, at };
    // Last good values are served up to the staleness bound, then the HPA gets an error and holds.
    return lastGood !== undefined && tMs - lastGood.at <= staleMs ? lastGood.value : undefined;
  };
}
