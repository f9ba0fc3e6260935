// The pods of the simulated workload. Pods start when the replica count rises and are ready one
// readiness delay later, so readiness follows start order and the ready pods are always the oldest.
// A falling count removes the newest pods first: not-ready ones before ready ones, and among ready ones
// the most recently ready, as the ReplicaSet controller prefers.

export interface ReplicaSet {
  /** Start times, ascending. */
  readonly startedAt: number[];
  /** The first `ready` pods of `startedAt` are ready. */
  ready: number;
  readonly readinessDelayMs: number;
}

/** `replicas` pods that started long before `tMs` and are ready. */
export function warmReplicaSet(
  replicas: number,
  tMs: number,
  readinessDelayMs: number,
  warmupMs: number,
): ReplicaSet {
  return {
    startedAt: Array.from({ length: replicas }, () => tMs - warmupMs),
    ready: replicas,
    readinessDelayMs,
  };
}

/** When the next starting pod becomes ready; Infinity when none is starting. */
export function nextReadyAt(set: ReplicaSet): number {
  return set.ready < set.startedAt.length
    ? (set.startedAt[set.ready] as number) + set.readinessDelayMs
    : Infinity;
}

/** Marks the pods whose ready time is at or before `tMs` as ready. */
export function promoteReady(set: ReplicaSet, tMs: number): void {
  while (
    set.ready < set.startedAt.length &&
    (set.startedAt[set.ready] as number) + set.readinessDelayMs <= tMs
  ) {
    set.ready += 1;
  }
}

/** Starts or removes pods at `tMs` so that `replicas` exist. */
export function scaleTo(set: ReplicaSet, replicas: number, tMs: number): void {
  while (set.startedAt.length < replicas) set.startedAt.push(tMs);
  if (set.startedAt.length > replicas) set.startedAt.length = replicas;
  if (set.ready > replicas) set.ready = replicas;
}
