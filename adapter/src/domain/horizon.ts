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
