/**
 * H, the horizon a decision must cover: readiness delay of a new pod + HPA sync period + tick interval
 * (ARCHITECTURE.md §3), in seconds. The engine and the what-if both use this one definition.
 */
export function decisionHorizonSeconds(
  policy: { readonly readinessDelaySeconds: number },
  timing: { readonly hpaSyncSeconds: number; readonly intervalSeconds: number },
): number {
  return policy.readinessDelaySeconds + timing.hpaSyncSeconds + timing.intervalSeconds;
}

/** R/H: the share of the horizon a replica started now spends before it is ready (DecisionInput.startupShare). */
export function startupShare(
  policy: { readonly readinessDelaySeconds: number },
  timing: { readonly hpaSyncSeconds: number; readonly intervalSeconds: number },
): number {
  return policy.readinessDelaySeconds / decisionHorizonSeconds(policy, timing);
}

/** H in engine ticks (at least 1): the peak the reactive distributions measure is over this many ticks. */
export function decisionHorizonSteps(
  policy: { readonly readinessDelaySeconds: number },
  timing: { readonly hpaSyncSeconds: number; readonly intervalSeconds: number },
): number {
  return Math.max(1, Math.round(decisionHorizonSeconds(policy, timing) / timing.intervalSeconds));
}
