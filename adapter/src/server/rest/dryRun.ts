import type { z } from 'zod';
import type { Config, Policy } from '../../config/schema';
import type { Decision, DecisionFailure } from '../../domain/decide';
import { withManaged, type ManagedState } from '../../config/managed';
import { policiesInScope, policyKey } from '../../config/policyIdentity';
import { currentReplicasQuery } from '../../sources/kubeStateMetrics';
import type { Snapshot } from '../../snapshot/snapshot';
import { policySamples, executeInstantPlan, planQueries, type Backends } from '../../sources';
import { storedDecision, type PendingDecision } from '../../store/decisions';
import type { dryRunResult, queryPreview } from './schemas';

// A policy's dry run: its queries run now through the configured backends, and the decision the
// engine would make now, computed by the engine's own evaluator (with its forecasting: history loaded
// from Prometheus, models fitted and gated as the engine does) over a configuration in which the
// candidate replaces (or joins) the current policies. Nothing is published, persisted or recorded.

/**
 * The engine's evaluator over the given backends, handed in by the composition root (servers do not
 * build engine parts).
 */
export type DryRunEvaluator = (
  backends: Backends,
) => (
  config: Config,
  now: number,
  previous: Snapshot | undefined,
) => Promise<{ readonly decisions: readonly PendingDecision[] }>;

export interface DryRunInput {
  readonly policy: Policy;
  /** The configuration file. */
  readonly file: Config;
  readonly managed: ManagedState;
  readonly backends: Backends;
  readonly evaluator: DryRunEvaluator;
  /** The engine's current snapshot: last decisions feed budget burn and the current-replica fallback. */
  readonly previous: Snapshot | undefined;
  readonly now: number;
}

type DryRunResult = z.infer<typeof dryRunResult>;
type QueryPreview = z.infer<typeof queryPreview>;

export async function dryRunPolicy(input: DryRunInput): Promise<DryRunResult> {
  const { policy, now } = input;
  const key = policyKey(policy);
  const effective = withManaged(
    { ...input.file, policies: input.file.policies.filter((p) => policyKey(p) !== key) },
    {
      ...input.managed,
      policies: [...input.managed.policies.filter((p) => policyKey(p) !== key), policy],
    },
  ).config;
  const candidate = effective.policies.find((p) => policyKey(p) === key)!;
  const budget =
    policy.budget === undefined ? undefined : effective.budgets.find((b) => b.name === policy.budget);
  // Budget spend is summed over the budget's whole scope, so its other policies take part too.
  const scope =
    budget === undefined
      ? []
      : policiesInScope(budget, effective.policies).filter((p) => policyKey(p) !== key);
  const config: Config = {
    ...effective,
    policies: [candidate, ...scope],
    budgets: budget === undefined ? [] : [budget],
  };

  const evaluate = input.evaluator(input.backends);
  const [tick, queries] = await Promise.all([
    evaluate(config, now, input.previous),
    previewQueries(candidate, input.backends, now),
  ]);
  const record = storedDecision(
    tick.decisions.find((d) => d.namespace === policy.namespace && d.policy === policy.name)!,
  );
  const decision = record.replicas === null ? null : (record.explanation as Decision);
  const explanation = decision?.explanation ?? (record.explanation as DecisionFailure).explanation;
  return {
    at: new Date(now).toISOString(),
    policy,
    queries,
    decision,
    explanation,
    inputs: JSON.parse(JSON.stringify(record.inputs)) as unknown,
  };
}

/** Each of the policy's queries with its value or error, as the engine would read it. */
async function previewQueries(policy: Policy, backends: Backends, now: number): Promise<QueryPreview[]> {
  const wanted: Array<{ role: QueryPreview['role']; query: string }> = [
    { role: 'demand', query: policy.demand.query },
    ...(policy.slo.latencySeconds
      ? [{ role: 'latency' as const, query: policy.slo.latencySeconds.query }]
      : []),
    ...(policy.slo.errorRatio ? [{ role: 'errorRatio' as const, query: policy.slo.errorRatio.query }] : []),
    { role: 'currentReplicas', query: currentReplicasQuery(policy) },
  ];
  const plan = planQueries(wanted.map((w) => ({ backend: policy.backend, query: w.query })));
  const values = policySamples(plan, await executeInstantPlan(plan, backends, { time: now }));
  return wanted.map((w, i): QueryPreview => {
    const v = values[i]!;
    const base = { role: w.role, backend: policy.backend, query: w.query };
    return v.ok
      ? {
          ...base,
          ok: true,
          value: v.value,
          observedAt: new Date(v.timestamp).toISOString(),
          labels: { ...v.labels },
          warnings: [...v.warnings],
          error: null,
        }
      : { ...base, ok: false, value: null, observedAt: null, labels: {}, warnings: [], error: v.error };
  });
}
