import { Counter, Gauge, type Registry } from 'prom-client';
import type { SeriesAnomaly } from '../anomaly';
import type { SnapshotSource } from '../snapshot/snapshot';
import { gaugeFrom } from './telemetry';

// Per-policy and per-budget series read from the current snapshot at scrape time: no tick work, and
// a policy removed from the configuration disappears from /metrics with the next snapshot.

export function registerSnapshotMetrics(
  registry: Registry,
  source: SnapshotSource,
  now: () => number = Date.now,
): void {
  gaugeFrom(registry, 'costscale_snapshot_age_seconds', 'Age of the snapshot being served.', () => {
    const s = source.current();
    return s === undefined ? Number.NaN : (now() - s.generatedAt) / 1000;
  });
  const policyGauge = (
    name: string,
    help: string,
    read: (p: PolicyView) => number | null | undefined,
    extra: string[] = [],
  ) =>
    new Gauge<string>({
      name,
      help,
      labelNames: ['namespace', 'policy', ...extra],
      registers: [registry],
      collect() {
        this.reset();
        for (const p of policies(source)) {
          const v = read(p);
          if (v !== undefined && v !== null && Number.isFinite(v))
            this.set({ namespace: p.namespace, policy: p.name }, v);
        }
      },
    });

  policyGauge(
    'costscale_replicas',
    'Replicas decided for the policy (served to HPAs).',
    (p) => p.values?.costscale_replicas,
  );
  policyGauge(
    'costscale_load',
    'Target demand over capacity per replica, in replica units (served to HPAs).',
    (p) => p.values?.costscale_load,
  );
  policyGauge(
    'costscale_cost_per_hour',
    'Cost per hour of the decided replicas, in the price book currency.',
    (p) => p.values?.costscale_cost_per_hour,
  );
  policyGauge(
    'costscale_cost_per_unit',
    'Cost per unit of work served at the decided replicas.',
    (p) => p.decision?.costPerUnit,
  );
  policyGauge(
    'costscale_budget_pressure',
    "Shadow price λ of the policy's budget (0 while the projection fits).",
    (p) => p.values?.costscale_budget_pressure,
  );
  policyGauge(
    'costscale_slo_miss_risk',
    'Probability that peak demand over the horizon exceeds the decided capacity.',
    (p) => p.decision?.sloMissRisk,
  );
  policyGauge(
    'costscale_cost_optimal_quantile',
    'τ* = v / (v + c·(1+λ)): the strictest quantile of peak demand a decision weighs (above Q(τ*) no replica saves more SLO-miss cost than it costs); replicas are the count with the least c·(1+λ)·n + v·P(peak > n·κ) up to it (while demand falls, each replica started also pays c·(1+λ)·R/H, its start over the horizon).',
    (p) => p.decision?.tau,
  );
  policyGauge(
    'costscale_policy_inputs_ok',
    "1 when the latest tick gathered the policy's inputs and decided; 0 when it serves last good values or nothing.",
    (p) => (p.error === undefined ? 1 : 0),
  );
  policyGauge('costscale_policy_values_age_seconds', 'Age of the values served for the policy.', (p) =>
    p.valuesAt === undefined ? undefined : (now() - p.valuesAt) / 1000,
  );

  policyGauge(
    'costscale_forecast_in_use',
    '1 when the seasonal forecast decides; 0 when the gate fell back to the reactive distribution.',
    (p) => (p.forecast === undefined ? undefined : p.forecast.mode === 'forecast' ? 1 : 0),
  );
  policyGauge(
    'costscale_forecast_mase',
    'Online MASE of served one-step forecasts (scaled by the seasonal naive error).',
    (p) => p.forecast?.accuracy?.mase,
  );
  policyGauge(
    'costscale_forecast_smape',
    'Online sMAPE (percent) of served one-step forecasts.',
    (p) => p.forecast?.accuracy?.smape,
  );
  policyGauge(
    'costscale_forecast_interval_coverage_ratio',
    'Share of actuals inside the served 90 % interval.',
    (p) => p.forecast?.accuracy?.coverage,
  );
  policyGauge(
    'costscale_forecast_bias_ratio',
    'Mean forecast error over mean demand (> 0: over-forecasting).',
    (p) => p.forecast?.accuracy?.bias,
  );

  new Gauge<string>({
    name: 'costscale_forecast_demand',
    help: 'Demand (units/s): current, and target = the τ*-quantile of peak demand over the horizon, the most a decision weighs covering (τ* is costscale_cost_optimal_quantile).',
    labelNames: ['namespace', 'policy', 'quantile'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of policies(source)) {
        const d = p.decision;
        if (d === undefined) continue;
        this.set({ namespace: p.namespace, policy: p.name, quantile: 'current' }, d.demand);
        // A fixed label: τ* moves with prices and λ, and a label that followed it would churn series.
        if (d.demandQuantile !== null)
          this.set({ namespace: p.namespace, policy: p.name, quantile: 'target' }, d.demandQuantile);
      }
    },
  });
  new Gauge<string>({
    name: 'costscale_policy_target_info',
    help: 'The workload each policy scales (value 1), to join with kube-state-metrics series.',
    labelNames: ['namespace', 'policy', 'target_kind', 'target_name'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of policies(source)) {
        if (p.target)
          this.set(
            {
              namespace: p.namespace,
              policy: p.name,
              target_kind: p.target.kind,
              target_name: p.target.name,
            },
            1,
          );
      }
    },
  });
  new Gauge<string>({
    name: 'costscale_decision_info',
    help: 'The latest decision: the bound that acted and the mode (value 1).',
    labelNames: ['namespace', 'policy', 'bound', 'mode'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of policies(source)) {
        if (p.decision)
          this.set(
            { namespace: p.namespace, policy: p.name, bound: p.decision.actingBound, mode: p.decision.mode },
            1,
          );
      }
    },
  });
  registerAnomalyMetrics(registry, source);

  const budgetGauge = (
    name: string,
    help: string,
    read: (s: NonNullable<BudgetView['status']>) => number | null,
  ) =>
    new Gauge<string>({
      name,
      help,
      labelNames: ['budget'],
      registers: [registry],
      collect() {
        this.reset();
        for (const b of source.current()?.budgets ?? []) {
          const v = b.status ? read(b.status) : null;
          if (v !== null && Number.isFinite(v)) this.set({ budget: b.name }, v);
        }
      },
    });
  budgetGauge('costscale_budget_amount', 'Budget limit for the current period.', (s) => s.amount);
  budgetGauge('costscale_budget_spend', 'Spend so far in the current period.', (s) => s.spent);
  budgetGauge(
    'costscale_budget_projected_spend',
    'Projected spend at the end of the current period.',
    (s) => s.projectedSpend,
  );
  budgetGauge('costscale_budget_utilisation_ratio', 'Spend so far over the budget.', (s) => s.utilisation);
  budgetGauge(
    'costscale_budget_burn_rate_per_hour',
    'Current spend per hour over the budget scope.',
    (s) => s.burnRatePerHour,
  );
  budgetGauge(
    'costscale_budget_shadow_price',
    'λ: 0 while the projection fits the budget, rising with the overrun.',
    (s) => s.shadowPrice,
  );
  budgetGauge(
    'costscale_budget_exhaustion_timestamp_seconds',
    'When the current burn exhausts the budget (absent when not within the period).',
    (s) => (s.exhaustionAt === null ? null : s.exhaustionAt / 1000),
  );
  new Gauge<string>({
    name: 'costscale_budget_threshold_ratio',
    help: 'Budget thresholds (warning, critical) as fractions of the amount.',
    labelNames: ['budget', 'level'],
    registers: [registry],
    collect() {
      this.reset();
      for (const b of source.current()?.budgets ?? []) {
        if (!b.status) continue;
        this.set({ budget: b.name, level: 'warning' }, b.status.thresholds.warning);
        this.set({ budget: b.name, level: 'critical' }, b.status.thresholds.critical);
      }
    },
  });
}

/**
 * Anomalies of each watched signal (label `signal`): a policy's demand (the engine's detector on its
 * forecast buckets), cost per hour and latency, and a budget's spend (label `budget`). The counter adds
 * the episodes each new snapshot reports beyond the last it saw; a new leader's count starting lower is
 * taken as its new base.
 */
function registerAnomalyMetrics(registry: Registry, source: SnapshotSource): void {
  const labelNames = ['namespace', 'policy', 'budget', 'signal'];
  new Gauge<string>({
    name: 'costscale_anomaly_score',
    help: 'Anomaly score in [0, 1] of the latest bucket of the signal; 0.3 starts an anomaly episode.',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, anomaly } of watchedSignals(source)) this.set(labels, anomaly.score);
    },
  });
  new Gauge<string>({
    name: 'costscale_anomaly_active',
    help: "1 while the signal is in an anomaly episode (while demand's lasts, the forecast is not trusted).",
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, anomaly } of watchedSignals(source)) this.set(labels, anomaly.active ? 1 : 0);
    },
  });
  const seen = new Map<string, number>();
  new Counter<string>({
    name: 'costscale_anomalies_total',
    help: 'Anomaly episodes started.',
    labelNames,
    registers: [registry],
    collect() {
      for (const { labels, anomaly } of watchedSignals(source)) {
        const key = JSON.stringify(labels);
        const last = seen.get(key);
        const { episodes } = anomaly;
        this.inc(labels, last === undefined || episodes < last ? 0 : episodes - last);
        seen.set(key, episodes);
      }
    },
  });
}

/** Every watched signal of the current snapshot with its metric labels. */
function* watchedSignals(
  source: SnapshotSource,
): Iterable<{ labels: Record<string, string>; anomaly: SeriesAnomaly }> {
  for (const p of policies(source)) {
    const identity = { namespace: p.namespace, policy: p.name };
    const demand = p.forecast?.anomaly;
    if (demand) yield { labels: { ...identity, signal: 'demand' }, anomaly: demand };
    for (const a of p.anomalies ?? []) yield { labels: { ...identity, signal: a.signal }, anomaly: a };
  }
  for (const b of source.current()?.budgets ?? []) {
    if (b.anomaly) yield { labels: { budget: b.name, signal: b.anomaly.signal }, anomaly: b.anomaly };
  }
}

type PolicyView = NonNullable<ReturnType<SnapshotSource['current']>>['policies'][number];
type BudgetView = NonNullable<NonNullable<ReturnType<SnapshotSource['current']>>['budgets']>[number];

function policies(source: SnapshotSource): readonly PolicyView[] {
  return source.current()?.policies ?? [];
}
