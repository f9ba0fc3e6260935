import { longestPolicyPeriodSeconds, resolveBehavior } from './behavior';
import { proposeReplicas } from './metricProposals';
import { limitWithBehavior, limitWithoutBehavior } from './scaleLimits';
import { recordScaleEvent } from './scaleEvents';
import { stabilizeWithBehavior, stabilizeWithoutBehavior } from './stabilization';
import { tolerancesFor } from './tolerance';
import {
  DEFAULT_CONTROLLER_CONFIG,
  type ConditionType,
  type ControllerConfig,
  type HpaCondition,
  type HpaEvent,
  type HpaSpec,
  type HpaState,
  type ReconcileInput,
  type StepResult,
  type TimestampedRecommendation,
} from './types';

// One reconcile of one HPA (horizontal.go `reconcileAutoscaler`, external-metrics-api.md §4.2): the
// controller's per-HPA memory goes in and comes out as plain data, so a sequence of reconciles is a fold.

/** The memory of an HPA the controller has not reconciled yet. */
export function initialHpaState(): HpaState {
  return {
    recommendations: null,
    scaleUpEvents: [],
    scaleDownEvents: [],
    desiredReplicas: 0,
    conditions: [],
  };
}

/** Conditions keep their position in the list once added, as `setConditionInList` does. */
function setCondition(
  conditions: HpaCondition[],
  type: ConditionType,
  status: boolean,
  reason: string,
  message: string,
): void {
  const next: HpaCondition = { type, status, reason, message };
  const i = conditions.findIndex((c) => c.type === type);
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
}

interface Normalized {
  readonly replicas: number;
  readonly recommendations: TimestampedRecommendation[];
}

function normalize(
  spec: HpaSpec,
  current: number,
  proposal: number,
  minReplicas: number,
  recommendations: readonly TimestampedRecommendation[],
  state: HpaState,
  conditions: HpaCondition[],
  nowMs: number,
  config: ControllerConfig,
): Normalized {
  const behavior =
    spec.behavior === undefined
      ? undefined
      : resolveBehavior(spec.behavior, config.downscaleStabilizationWindowSeconds);
  const stabilized =
    behavior === undefined
      ? stabilizeWithoutBehavior(recommendations, proposal, config.downscaleStabilizationWindowSeconds, nowMs)
      : stabilizeWithBehavior(
          recommendations,
          proposal,
          current,
          behavior.scaleUp.stabilizationWindowSeconds,
          behavior.scaleDown.stabilizationWindowSeconds,
          nowMs,
        );
  if (stabilized.replicas !== proposal) {
    setCondition(conditions, 'AbleToScale', true, stabilized.reason, stabilized.message);
  } else {
    setCondition(
      conditions,
      'AbleToScale',
      true,
      'ReadyForNewScale',
      'recommended size matches current size',
    );
  }
  const limited =
    behavior === undefined
      ? limitWithoutBehavior(current, stabilized.replicas, minReplicas, spec.maxReplicas)
      : limitWithBehavior(
          current,
          stabilized.replicas,
          minReplicas,
          spec.maxReplicas,
          behavior,
          state,
          nowMs,
        );
  setCondition(
    conditions,
    'ScalingLimited',
    limited.replicas !== stabilized.replicas,
    limited.reason,
    limited.message,
  );
  return { replicas: limited.replicas, recommendations: stabilized.recommendations };
}

/** Scale events are kept only for HPAs with `behavior`, whose policies are the only readers. */
function withScaleEvent(
  spec: HpaSpec,
  state: HpaState,
  from: number,
  to: number,
  nowMs: number,
  config: ControllerConfig,
) {
  if (spec.behavior === undefined)
    return { scaleUpEvents: state.scaleUpEvents, scaleDownEvents: state.scaleDownEvents };
  const behavior = resolveBehavior(spec.behavior, config.downscaleStabilizationWindowSeconds);
  return to > from
    ? {
        scaleUpEvents: recordScaleEvent(
          state.scaleUpEvents,
          to - from,
          longestPolicyPeriodSeconds(behavior.scaleUp),
          nowMs,
        ),
        scaleDownEvents: state.scaleDownEvents,
      }
    : {
        scaleUpEvents: state.scaleUpEvents,
        scaleDownEvents: recordScaleEvent(
          state.scaleDownEvents,
          from - to,
          longestPolicyPeriodSeconds(behavior.scaleDown),
          nowMs,
        ),
      };
}

/**
 * Reconciles `spec` against what the controller observes at `nowMs`. The result's `desiredReplicas` is
 * the target's replica count afterwards; `state` is what the next reconcile of this HPA needs.
 */
export function reconcileHpa(
  spec: HpaSpec,
  state: HpaState,
  input: ReconcileInput,
  nowMs: number,
  config: ControllerConfig = DEFAULT_CONTROLLER_CONFIG,
): StepResult {
  if (spec.metrics.length === 0) throw new Error('HPA spec has no metrics');
  const conditions = state.conditions.slice();
  const events: HpaEvent[] = [];
  const reference = `${spec.scaleTargetRef.kind}/${spec.namespace}/${spec.scaleTargetRef.name}`;
  const hold = (recommendations: readonly TimestampedRecommendation[] | null): StepResult => ({
    state: { ...state, recommendations, conditions },
    desiredReplicas: input.specReplicas,
    rescaled: false,
    conditions,
    events,
  });

  if (input.getScaleError !== undefined) {
    const message = `the HPA controller was unable to get the target's current scale: ${input.getScaleError}`;
    setCondition(conditions, 'AbleToScale', false, 'FailedGetScale', message);
    events.push({ type: 'Warning', reason: 'FailedGetScale', message: input.getScaleError });
    return hold(state.recommendations);
  }
  setCondition(
    conditions,
    'AbleToScale',
    true,
    'SucceededGetScale',
    "the HPA controller was able to get the target's current scale",
  );
  const current = input.specReplicas;
  let recommendations = state.recommendations ?? [{ replicas: current, timestampMs: nowMs }];
  const minReplicas = spec.minReplicas ?? 1;

  let desired: number;
  let rescaleReason = '';
  if (current === 0 && minReplicas !== 0) {
    setCondition(
      conditions,
      'ScalingActive',
      false,
      'ScalingDisabled',
      'scaling is disabled since the replica count of the target is zero',
    );
    return {
      ...hold(recommendations),
      state: { ...state, recommendations, conditions, desiredReplicas: current },
    };
  } else if (current > spec.maxReplicas) {
    rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
    desired = spec.maxReplicas;
  } else if (current < minReplicas) {
    rescaleReason = 'Current number of replicas below Spec.MinReplicas';
    desired = minReplicas;
  } else {
    const failComputation = (error: string): StepResult => {
      events.push({
        type: 'Warning',
        reason: 'FailedComputeMetricsReplicas',
        message: `failed to compute desired number of replicas based on listed metrics for ${reference}: ${error}`,
      });
      return hold(recommendations);
    };
    if (input.selectorProblem !== undefined) {
      const { reason, message } = input.selectorProblem;
      setCondition(conditions, 'ScalingActive', false, reason, message);
      events.push({ type: 'Warning', reason, message });
      return failComputation(message);
    }
    const proposal = proposeReplicas(
      spec,
      input,
      nowMs,
      config,
      tolerancesFor(spec.behavior, config.tolerance),
    );
    events.push(...proposal.events);
    if (!proposal.ok) {
      setCondition(conditions, 'ScalingActive', false, proposal.reason, proposal.message);
      return failComputation(proposal.error);
    }
    setCondition(
      conditions,
      'ScalingActive',
      true,
      'ValidMetricFound',
      `the HPA was able to successfully calculate a replica count from ${proposal.description}`,
    );
    if (proposal.replicas > current) rescaleReason = `${proposal.description} above target`;
    if (proposal.replicas < current) rescaleReason = 'All metrics below target';
    const normalized = normalize(
      spec,
      current,
      proposal.replicas,
      minReplicas,
      recommendations,
      state,
      conditions,
      nowMs,
      config,
    );
    recommendations = normalized.recommendations;
    desired = normalized.replicas;
  }

  if (desired === current) {
    return {
      ...hold(recommendations),
      state: { ...state, recommendations, conditions, desiredReplicas: current },
    };
  }
  setCondition(
    conditions,
    'AbleToScale',
    true,
    'SucceededRescale',
    `the HPA controller was able to update the target scale to ${desired}`,
  );
  events.push({
    type: 'Normal',
    reason: 'SuccessfulRescale',
    message: `New size: ${desired}; reason: ${rescaleReason}`,
  });
  return {
    state: {
      ...state,
      ...withScaleEvent(spec, state, current, desired, nowMs, config),
      recommendations,
      desiredReplicas: desired,
      lastScaleTimeMs: nowMs,
      conditions,
    },
    desiredReplicas: desired,
    rescaled: true,
    conditions,
    events,
  };
}
