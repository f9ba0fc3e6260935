import { policySchema, type Policy } from '../config/schema';
import { parseQuantity } from '../k8s/quantity';
import {
  API_VERSIONS,
  KubeApiError,
  type KubeObject,
  type ObjectRef,
  type WorkloadsApi,
} from '../k8s/workloads';
import type { Queryable } from '../store/db';
import { getStoredPolicy, updateStoredPolicy } from '../store/policies';
import { applyMergePatch, fieldsAt, isJsonObject, sameJson } from '../recommend/mergePatch';
import type { ObjectChange } from '../recommend/types';

// Applying a recommendation's changes and rolling them back. Each change reads the live object, is
// turned into a JSON merge patch over exactly the fields it sets, and is written with the
// resourceVersion it was computed from (a concurrent writer makes it fail rather than be overwritten).
// The record keeps `before` (those fields as they were) and `after` (as the server stored them), so a
// rollback writes `before` back — after checking that the fields still hold `after`, since restoring
// over someone else's later change would undo it.

/** What a change was made to. */
export interface ChangeTarget {
  /** Absent for costscale policies. */
  readonly apiVersion?: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface ChangeRecord {
  readonly target: ChangeTarget;
  readonly before: unknown;
  readonly after: unknown;
}

/** A change that cannot be made in the current state (answered 409). */
export class ChangeRefused extends Error {
  override readonly name = 'ChangeRefused';
}

export interface ChangeDeps {
  /** The Kubernetes API; without it (the default: recommendations.apply is off) only policy changes can be made. */
  readonly kube: WorkloadsApi | undefined;
  /** The transaction policy changes are written in. */
  readonly db: Queryable;
  /** Policies of the configuration file: read-only here. */
  readonly filePolicies: readonly Policy[];
  readonly now: number;
}

type Json = Record<string, unknown>;

const objectAt = (v: unknown, ...path: string[]): Json | undefined => {
  let node: unknown = v;
  for (const key of path) node = isJsonObject(node) ? node[key] : undefined;
  return isJsonObject(node) ? node : undefined;
};

function refOf(namespace: string, change: Exclude<ObjectChange, { type: 'policy' }>): ObjectRef {
  return change.type === 'hpa'
    ? { kind: 'HorizontalPodAutoscaler', namespace, name: change.hpa }
    : { kind: change.workload.kind, namespace, name: change.workload.name };
}

const nameOf = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace}/${ref.name}`;

/** The merge patch that makes `change` on the live object. */
export function patchFor(
  change: Exclude<ObjectChange, { type: 'policy' }>,
  live: KubeObject,
  ref: ObjectRef,
): Json {
  const spec = objectAt(live, 'spec') ?? {};
  switch (change.type) {
    case 'container-requests': {
      const podSpec = objectAt(spec, 'template', 'spec');
      const containers = Array.isArray(podSpec?.containers) ? (podSpec.containers as Json[]) : [];
      const updated = containers.map((c) => ({ ...c }));
      for (const wanted of change.containers) {
        const i = updated.findIndex((c) => c.name === wanted.name);
        if (i < 0) throw new ChangeRefused(`${nameOf(ref)} has no container ${wanted.name}`);
        const container = updated[i] as Json;
        const resources = objectAt(container, 'resources') ?? {};
        const limits = objectAt(resources, 'limits') ?? {};
        for (const [resource, value] of [
          ['cpu', wanted.cpu],
          ['memory', wanted.memory],
        ] as const) {
          const limit = limits[resource];
          if (
            value !== undefined &&
            typeof limit === 'string' &&
            parseQuantity(value) > parseQuantity(limit)
          ) {
            throw new ChangeRefused(
              `${nameOf(ref)}: ${wanted.name} ${resource} request ${value} would exceed its limit ${limit}`,
            );
          }
        }
        updated[i] = {
          ...container,
          resources: {
            ...resources,
            requests: {
              ...(objectAt(resources, 'requests') ?? {}),
              ...(wanted.cpu !== undefined && { cpu: wanted.cpu }),
              ...(wanted.memory !== undefined && { memory: wanted.memory }),
            },
          },
        };
      }
      // Merge patches replace arrays whole: the list is written back with only the requests changed.
      return { spec: { template: { spec: { containers: updated } } } };
    }
    case 'hpa': {
      const target = objectAt(spec, 'scaleTargetRef');
      if (target?.kind !== change.workload.kind || target?.name !== change.workload.name) {
        throw new ChangeRefused(
          `${nameOf(ref)} no longer scales ${change.workload.kind} ${change.workload.name}`,
        );
      }
      const min = change.minReplicas ?? (typeof spec.minReplicas === 'number' ? spec.minReplicas : 1);
      const max = change.maxReplicas ?? (spec.maxReplicas as number);
      if (min > max)
        throw new ChangeRefused(`${nameOf(ref)}: minReplicas ${min} would exceed maxReplicas ${max}`);
      const out: Json = {};
      if (change.minReplicas !== undefined) out.minReplicas = change.minReplicas;
      if (change.maxReplicas !== undefined) out.maxReplicas = change.maxReplicas;
      if (change.cpuTargetPercent !== undefined) {
        const metrics = Array.isArray(spec.metrics) ? (spec.metrics as Json[]) : [];
        const i = metrics.findIndex(
          (m) =>
            m.type === 'Resource' &&
            objectAt(m, 'resource')?.name === 'cpu' &&
            objectAt(m, 'resource', 'target')?.type === 'Utilization',
        );
        if (i < 0) throw new ChangeRefused(`${nameOf(ref)} has no CPU utilisation target`);
        out.metrics = metrics.map((m, k) =>
          k !== i
            ? m
            : {
                ...m,
                resource: {
                  ...objectAt(m, 'resource'),
                  target: {
                    ...objectAt(m, 'resource', 'target'),
                    averageUtilization: change.cpuTargetPercent,
                  },
                },
              },
        );
      }
      return { spec: out };
    }
    case 'workload-replicas':
      return { spec: { replicas: change.replicas } };
    case 'spot-placement': {
      const podSpec = objectAt(spec, 'template', 'spec') ?? {};
      const nodeAffinity = objectAt(podSpec, 'affinity', 'nodeAffinity') ?? {};
      const preferred = Array.isArray(nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution)
        ? (nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution as unknown[])
        : [];
      const term = {
        weight: 100,
        preference: {
          matchExpressions: Object.entries(change.nodeSelector).map(([key, value]) => ({
            key,
            operator: 'In',
            values: [value],
          })),
        },
      };
      const tolerations = Array.isArray(podSpec.tolerations) ? (podSpec.tolerations as unknown[]) : [];
      const missing = change.tolerations.filter((t) => !tolerations.some((have) => sameJson(have, t)));
      const patch: Json = {};
      if (!preferred.some((p) => sameJson(p, term))) {
        patch.affinity = {
          nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [...preferred, term] },
        };
      }
      if (missing.length > 0) patch.tolerations = [...tolerations, ...missing];
      if (Object.keys(patch).length === 0)
        throw new ChangeRefused(`${nameOf(ref)} prefers spot nodes already`);
      return { spec: { template: { spec: patch } } };
    }
  }
}

function requireKube(deps: ChangeDeps, what: string): WorkloadsApi {
  if (deps.kube === undefined) {
    throw new ChangeRefused(
      `changing Kubernetes objects is off for this service (recommendations.apply, with patch Roles in the namespace), so ${what} cannot be changed`,
    );
  }
  return deps.kube;
}

/** Writes a merge patch guarded by the resourceVersion it was computed from. */
async function guardedPatch(
  kube: WorkloadsApi,
  ref: ObjectRef,
  live: KubeObject,
  patch: Json,
): Promise<KubeObject> {
  const resourceVersion = live.metadata?.resourceVersion;
  try {
    return await kube.patch(
      ref,
      resourceVersion === undefined ? patch : { ...patch, metadata: { resourceVersion } },
    );
  } catch (err) {
    if (err instanceof KubeApiError && (err.status === 409 || err.status === 422 || err.status === 404)) {
      throw new ChangeRefused(err.message);
    }
    throw err;
  }
}

async function liveObject(kube: WorkloadsApi, ref: ObjectRef): Promise<KubeObject> {
  const live = await kube.get(ref);
  if (live === undefined) throw new ChangeRefused(`${nameOf(ref)} does not exist`);
  return live;
}

/** The stored spec of an API-managed policy (the file's are read-only here). */
async function storedPolicySpec(deps: ChangeDeps, namespace: string, name: string): Promise<Json> {
  if (deps.filePolicies.some((p) => p.namespace === namespace && p.name === name)) {
    throw new ChangeRefused(
      `policy ${namespace}/${name} is defined in the configuration file; make this change there`,
    );
  }
  const stored = await getStoredPolicy(deps.db, namespace, name, true);
  if (stored === undefined || !isJsonObject(stored.spec))
    throw new ChangeRefused(`no policy ${namespace}/${name}`);
  return stored.spec;
}

async function writePolicySpec(
  deps: ChangeDeps,
  namespace: string,
  name: string,
  spec: unknown,
): Promise<void> {
  const parsed = policySchema.safeParse(spec);
  if (!parsed.success) {
    throw new ChangeRefused(
      `policy ${namespace}/${name} would be invalid: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  await updateStoredPolicy(deps.db, namespace, name, spec, deps.now);
}

async function applyOne(namespace: string, change: ObjectChange, deps: ChangeDeps): Promise<ChangeRecord> {
  if (change.type === 'policy') {
    const spec = await storedPolicySpec(deps, namespace, change.policy);
    const replicas: Json = {};
    if (change.minReplicas !== undefined) replicas.min = change.minReplicas;
    if (change.maxReplicas !== undefined) replicas.max = change.maxReplicas;
    const after: Json = {};
    if (Object.keys(replicas).length > 0) after.replicas = replicas;
    if (change.schedules !== undefined) after.schedules = change.schedules;
    const before = fieldsAt(spec, after);
    await writePolicySpec(deps, namespace, change.policy, applyMergePatch(spec, after));
    return { target: { kind: 'Policy', namespace, name: change.policy }, before, after };
  }
  const ref = refOf(namespace, change);
  const kube = requireKube(deps, nameOf(ref));
  const live = await liveObject(kube, ref);
  const patch = patchFor(change, live, ref);
  const stored = await guardedPatch(kube, ref, live, patch);
  return {
    target: { apiVersion: API_VERSIONS[ref.kind], kind: ref.kind, namespace, name: ref.name },
    before: fieldsAt(live, patch),
    // As the server stored them (quantities canonical), so a rollback can tell whether they still hold.
    after: fieldsAt(stored, patch),
  };
}

function refOfTarget(target: ChangeTarget): ObjectRef {
  if (
    target.kind !== 'Deployment' &&
    target.kind !== 'StatefulSet' &&
    target.kind !== 'HorizontalPodAutoscaler'
  ) {
    throw new ChangeRefused(`cannot change a ${target.kind}`);
  }
  return { kind: target.kind, namespace: target.namespace, name: target.name };
}

/**
 * Makes the changes in order. When one fails, the Kubernetes changes made before it are rolled back
 * (policy changes roll back with the caller's transaction) and the error is rethrown.
 */
export async function applyChanges(
  namespace: string,
  changes: readonly ObjectChange[],
  deps: ChangeDeps,
): Promise<ChangeRecord[]> {
  const done: ChangeRecord[] = [];
  try {
    for (const change of changes) done.push(await applyOne(namespace, change, deps));
  } catch (err) {
    await revertKubernetesChanges(done, deps);
    throw err;
  }
  return done;
}

/** Best effort: restores Kubernetes objects changed by `records` (used when a later step failed). */
export async function revertKubernetesChanges(
  records: readonly ChangeRecord[],
  deps: ChangeDeps,
): Promise<void> {
  for (const r of [...records].reverse()) {
    if (r.target.kind === 'Policy' || deps.kube === undefined) continue;
    const ref = refOfTarget(r.target);
    const live = await deps.kube.get(ref).catch(() => undefined);
    if (live !== undefined) await deps.kube.patch(ref, r.before).catch(() => undefined);
  }
}

/**
 * Rolls back applied changes, last first: each object's fields are set back to `before`. Refused when
 * a field no longer holds what the change wrote, unless `force`. Returns one record per object, from
 * the fields as they were to the fields as restored.
 */
export async function rollBackChanges(
  records: readonly ChangeRecord[],
  deps: ChangeDeps,
  force: boolean,
): Promise<ChangeRecord[]> {
  // Check everything first, so a refused rollback changes nothing.
  const current: Array<{ record: ChangeRecord; live: KubeObject | Json }> = [];
  for (const record of records) {
    const { target } = record;
    const live =
      target.kind === 'Policy'
        ? await storedPolicySpec(deps, target.namespace, target.name)
        : await liveObject(
            requireKube(deps, `${target.kind} ${target.namespace}/${target.name}`),
            refOfTarget(target),
          );
    if (!force && !sameJson(fieldsAt(live, record.after), record.after)) {
      throw new ChangeRefused(
        `${target.kind} ${target.namespace}/${target.name} was changed since the recommendation was applied; roll back with force to restore it anyway`,
      );
    }
    current.push({ record, live });
  }
  const out: ChangeRecord[] = [];
  for (const { record, live } of current.reverse()) {
    const { target } = record;
    const was = fieldsAt(live, record.after);
    if (target.kind === 'Policy') {
      await writePolicySpec(deps, target.namespace, target.name, applyMergePatch(live, record.before));
      out.push({ target, before: was, after: record.before });
      continue;
    }
    const ref = refOfTarget(target);
    const stored = await guardedPatch(deps.kube!, ref, live as KubeObject, record.before as Json);
    out.push({ target, before: was, after: fieldsAt(stored, record.before) });
  }
  return out;
}
