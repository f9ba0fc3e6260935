import type { z } from 'zod';
import { budgetSchema, policySchema, type Budget, type Config, type Policy } from '../../config/schema';
import { decisionFailureSchema, decisionSchema } from '../../domain/decide';
import { heldExplanation } from '../../domain/explainDecision';
import { explainedHeld } from '../../snapshot/decisionColumns';
import type { BudgetSnapshot, PolicySnapshot, Snapshot } from '../../snapshot/snapshot';
import { fileFirst } from '../../config/managed';
import { policiesInScope, policyKey } from '../../config/policyIdentity';
import type { ApiKey } from '../../store/apiKeys';
import type { StoredAuditEntry } from '../../store/audit';
import type { StoredBudgetEvent } from '../../store/budgetEventHistory';
import { listStoredBudgets, type StoredBudget } from '../../store/budgets';
import type { Queryable } from '../../store/db';
import type { StoredDecision } from '../../store/decisions';
import type { StoredOverride } from '../../store/overrides';
import { listStoredPolicies, type StoredPolicy } from '../../store/policies';
import type {
  apiKeyResource,
  auditEntryResource,
  budgetEventResource,
  budgetResource,
  decisionRecordResource,
  overrideResource,
  policyResource,
  policyStatusSchema,
} from './schemas';

// Resources as the API shows them, built from configuration, stored rows and the engine's snapshot.

export const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : iso(ms);

/** A policy from either origin, with its stored row when it came from the API. */
export interface CatalogPolicy {
  readonly policy: Policy;
  readonly source: 'config' | 'api';
  readonly stored?: StoredPolicy;
}

export interface CatalogBudget {
  readonly budget: Budget;
  readonly source: 'config' | 'api';
  readonly stored?: StoredBudget;
}

/**
 * The file's policies and the API's, merged as the engine merges them (config/managed.ts); an API
 * policy whose stored spec the current schema rejects is left out (the engine does the same).
 */
export async function policyCatalog(db: Queryable, config: Config): Promise<CatalogPolicy[]> {
  const api = (await listStoredPolicies(db)).flatMap((stored): CatalogPolicy[] => {
    const parsed = policySchema.safeParse(stored.spec);
    return parsed.success ? [{ policy: parsed.data, source: 'api', stored }] : [];
  });
  const file = config.policies.map((policy): CatalogPolicy => ({ policy, source: 'config' }));
  return fileFirst(file, api, (c) => policyKey(c.policy)).items;
}

export async function budgetCatalog(db: Queryable, config: Config): Promise<CatalogBudget[]> {
  const api = (await listStoredBudgets(db)).flatMap((stored): CatalogBudget[] => {
    const parsed = budgetSchema.safeParse(stored.spec);
    return parsed.success ? [{ budget: parsed.data, source: 'api', stored }] : [];
  });
  const file = config.budgets.map((budget): CatalogBudget => ({ budget, source: 'config' }));
  return fileFirst(file, api, (c) => c.budget.name).items;
}

export type PolicyState = z.infer<typeof policyStatusSchema>['state'];

/** ok / degraded / failing / pending from the snapshot entry (values older than the bound are not served). */
export function policyState(
  entry: PolicySnapshot | undefined,
  now: number,
  stalenessMs: number,
): PolicyState {
  if (entry === undefined) return 'pending';
  const servable =
    entry.values !== undefined && entry.valuesAt !== undefined && now - entry.valuesAt <= stalenessMs;
  if (entry.error === undefined) return servable ? 'ok' : entry.values === undefined ? 'pending' : 'failing';
  return servable ? 'degraded' : 'failing';
}

export function overrideView(o: StoredOverride, now: number): z.infer<typeof overrideResource> {
  return {
    namespace: o.namespace,
    policy: o.policy,
    replicas: o.replicas,
    expiresAt: iso(o.expiresAt),
    reason: o.reason,
    createdBy: o.createdBy,
    createdAt: iso(o.createdAt),
    active: o.expiresAt > now,
  };
}

export function policyView(
  item: CatalogPolicy,
  entry: PolicySnapshot | undefined,
  override: StoredOverride | undefined,
  now: number,
  stalenessMs: number,
  full: boolean,
): z.infer<typeof policyResource> {
  const decision = entry?.decision;
  const status: z.infer<typeof policyStatusSchema> = {
    state: policyState(entry, now, stalenessMs),
    replicas: decision?.replicas ?? null,
    load: decision?.load ?? null,
    costPerHour: decision?.costPerHour ?? null,
    actingBound: decision?.actingBound ?? null,
    valuesAt: isoOrNull(entry?.valuesAt),
    error: entry?.error ?? null,
    override: override === undefined ? null : overrideView(override, now),
    ...(full && {
      decision: decision === undefined ? null : explainedHeld(decision),
      explanation: entry?.explanation === undefined ? null : heldExplanation(entry.explanation),
    }),
  };
  return {
    namespace: item.policy.namespace,
    name: item.policy.name,
    source: item.source,
    version: item.stored?.version ?? null,
    createdAt: isoOrNull(item.stored?.createdAt),
    updatedAt: isoOrNull(item.stored?.updatedAt),
    spec: item.policy,
    status,
  };
}

export function budgetView(
  item: CatalogBudget,
  policies: readonly Policy[],
  entry: BudgetSnapshot | undefined,
  snapshot: Snapshot | undefined,
): z.infer<typeof budgetResource> {
  const s = entry?.status;
  return {
    name: item.budget.name,
    source: item.source,
    createdAt: isoOrNull(item.stored?.createdAt),
    updatedAt: isoOrNull(item.stored?.updatedAt),
    spec: item.budget,
    policies: policiesInScope(item.budget, policies).map(policyKey),
    status:
      s === undefined || snapshot === undefined
        ? null
        : {
            periodLabel: s.periodLabel,
            amount: s.amount,
            spent: s.spent,
            remaining: s.remaining,
            hoursLeft: s.hoursLeft,
            burnRatePerHour: s.burnRatePerHour,
            projectedSpend: s.projectedSpend,
            projectionBasis: s.projectionBasis,
            utilisation: s.utilisation,
            projectedUtilisation: s.projectedUtilisation,
            exhaustionAt: isoOrNull(s.exhaustionAt),
            state: s.state,
            shadowPrice: s.shadowPrice,
            warnings: [...s.warnings],
            evaluatedAt: iso(snapshot.generatedAt),
          },
    statusError:
      entry?.error ??
      (entry === undefined ? 'not evaluated by the engine yet' : s === undefined ? 'no status' : null),
  };
}

/** A stored decision; the explanation column holds a Decision or a DecisionFailure. */
export function decisionView(d: StoredDecision): z.infer<typeof decisionRecordResource> {
  const decided = decisionSchema.safeParse(d.explanation);
  const failed = decided.success ? undefined : decisionFailureSchema.safeParse(d.explanation);
  return {
    id: d.id,
    namespace: d.namespace,
    policy: d.policy,
    decidedAt: iso(d.decidedAt),
    replicas: d.replicas,
    decision: decided.success ? decided.data : null,
    explanation: decided.success
      ? decided.data.explanation
      : failed?.success
        ? failed.data.explanation
        : null,
    inputs: d.inputs ?? null,
  };
}

export function budgetEventView(e: StoredBudgetEvent): z.infer<typeof budgetEventResource> {
  return {
    id: e.id,
    budget: e.budget,
    at: iso(e.at),
    periodStart: iso(e.periodStart),
    from: e.from,
    to: e.to,
    utilisation: e.utilisation,
    details: e.details,
  };
}

export function apiKeyView(k: ApiKey): z.infer<typeof apiKeyResource> {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    createdAt: iso(k.createdAt),
    revokedAt: isoOrNull(k.revokedAt),
    lastUsedAt: isoOrNull(k.lastUsedAt),
  };
}

export function auditView(e: StoredAuditEntry): z.infer<typeof auditEntryResource> {
  return {
    id: e.id,
    at: iso(e.at),
    actor: e.actor,
    role: e.role,
    action: e.action,
    resource: e.resource,
    before: e.before ?? null,
    after: e.after ?? null,
  };
}
