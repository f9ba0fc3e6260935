import type { z } from 'zod';
import { policyKey } from '../../../config/policyIdentity';
import { listActiveOverrides } from '../../../store/overrides';
import type { ApiContext } from '../context';
import { route, type Route } from '../router';
import { noParams, noQuery, type overviewResource } from '../schemas';
import { budgetCatalog, iso, policyCatalog, policyState } from '../views';

// One page for the plugin's home: spend against budgets, savings against a stated baseline, counts,
// and the health of Prometheus backends and the database.

type Overview = z.infer<typeof overviewResource>;

const SAVINGS_BASELINE =
  'cost of running every policy at its replicas.max (static provisioning for peak) at the decided cost per replica-hour, minus the cost per hour costscale decided; policies without a decision are left out';

export function overviewRoutes(ctx: ApiContext): Route[] {
  async function databaseHealth(): Promise<Overview['health']['database']> {
    const started = process.hrtime.bigint();
    try {
      await ctx.db.query('SELECT 1');
      return { up: true, latencyMs: Number(process.hrtime.bigint() - started) / 1e6, error: null };
    } catch (err) {
      return { up: false, latencyMs: null, error: (err as Error).message };
    }
  }

  return [
    route({
      method: 'GET',
      path: '/api/v1/overview',
      operationId: 'getOverview',
      summary: 'Spend, savings, counts and health at a glance',
      tag: 'overview',
      role: 'viewer',
      params: noParams,
      query: noQuery,
      success: { status: 200, component: 'Overview', description: 'the overview' },
      handler: async ({ now }) => {
        const config = ctx.config();
        const snapshot = ctx.snapshot.current();
        const database = await databaseHealth();
        // Without the database only the file's policies and budgets are known; the overview still answers.
        const [policies, budgets, overrides] = database.up
          ? await Promise.all([
              policyCatalog(ctx.db, config),
              budgetCatalog(ctx.db, config),
              listActiveOverrides(ctx.db, now),
            ])
          : [
              config.policies.map((policy) => ({ policy, source: 'config' as const })),
              config.budgets.map((budget) => ({ budget, source: 'config' as const })),
              [],
            ];
        const entries = new Map((snapshot?.policies ?? []).map((e) => [policyKey(e), e]));
        const stalenessMs = config.engine.stalenessSeconds * 1000;

        const counts = { total: 0, ok: 0, degraded: 0, failing: 0, pending: 0, config: 0, api: 0 };
        const failingByBackend = new Map<string, number>();
        const policyErrors: Overview['health']['policyErrors'] = [];
        let costPerHour = 0;
        let baselineCostPerHour = 0;
        let counted = 0;
        for (const { policy, source } of policies) {
          const entry = entries.get(policyKey(policy));
          const state = policyState(entry, now, stalenessMs);
          counts.total++;
          counts[state]++;
          counts[source]++;
          if (entry?.error !== undefined) {
            policyErrors.push({ namespace: policy.namespace, name: policy.name, error: entry.error });
            failingByBackend.set(policy.backend, (failingByBackend.get(policy.backend) ?? 0) + 1);
          }
          const d = entry?.decision;
          if (d !== undefined) {
            costPerHour += d.costPerHour;
            baselineCostPerHour += policy.replicas.max * d.costPerReplicaHour;
            counted++;
          }
        }

        const budgetStates = { total: 0, ok: 0, warning: 0, critical: 0, unknown: 0 };
        const spendBudgets = budgets.map(({ budget }): Overview['spend']['budgets'][number] => {
          const status = snapshot?.budgets?.find((b) => b.name === budget.name)?.status;
          const state = status?.state ?? ('unknown' as const);
          budgetStates.total++;
          budgetStates[state]++;
          return {
            name: budget.name,
            state,
            amount: budget.amount,
            spent: status?.spent ?? null,
            projectedSpend: status?.projectedSpend ?? null,
            utilisation: status?.utilisation ?? null,
          };
        });

        const backends = ctx.backends();
        const sources = Object.keys(config.prometheus).map(
          (backend): Overview['health']['sources'][number] => {
            const client = backends.get(backend) as { circuitState?: unknown } | undefined;
            const circuit = client?.circuitState;
            return {
              backend,
              circuit:
                circuit === 'closed' || circuit === 'open' || circuit === 'half-open' ? circuit : 'unknown',
              policiesFailing: failingByBackend.get(backend) ?? 0,
            };
          },
        );

        const body: Overview = {
          generatedAt: iso(now),
          snapshot: {
            generatedAt: snapshot === undefined ? null : iso(snapshot.generatedAt),
            tick: snapshot?.tick ?? null,
            ageSeconds: snapshot === undefined ? null : (now - snapshot.generatedAt) / 1000,
          },
          spend: { currency: config.prices.book.currency, costPerHour, budgets: spendBudgets },
          savings: {
            baseline: 'max-replicas',
            description: SAVINGS_BASELINE,
            baselineCostPerHour,
            costPerHour,
            savingsPerHour: baselineCostPerHour - costPerHour,
            savingsRatio:
              baselineCostPerHour > 0 ? (baselineCostPerHour - costPerHour) / baselineCostPerHour : null,
            policiesCounted: counted,
          },
          counts: { policies: counts, overridesActive: overrides.length, budgets: budgetStates },
          health: { database, sources, policyErrors },
        };
        return { status: 200, body };
      },
    }),
  ];
}
