import { cpuUtilizationReplicas } from './cpuReplicas';
import { externalAverageValueReplicas, externalValueReplicas } from './externalReplicas';
import type { Tolerances } from './tolerance';
import type {
  ControllerConfig,
  CpuUtilizationMetricSpec,
  ExternalMetricSpec,
  HpaEvent,
  HpaSpec,
  MetricReading,
  MetricSpec,
  ReconcileInput,
} from './types';

// One replica proposal per metric and their combination (horizontal.go `computeReplicasForMetrics`,
// `computeStatusForExternalMetric`; external-metrics-api.md §4.2 step 4 and §5).

type MetricOutcome =
  | { readonly ok: true; readonly replicas: number; readonly description: string }
  | { readonly ok: false; readonly reason: string; readonly cause: string; readonly error: string };

export type MetricsOutcome =
  | {
      readonly ok: true;
      readonly replicas: number;
      readonly description: string;
      readonly events: HpaEvent[];
    }
  | {
      readonly ok: false;
      /** Reason and message of the first failing metric's ScalingActive=False condition. */
      readonly reason: string;
      readonly message: string;
      readonly error: string;
      readonly events: HpaEvent[];
    };

/** Go's `%+v` of a `*metav1.LabelSelector` built from match labels (keys sorted), or `nil`. */
export function formatLabelSelector(matchLabels: Readonly<Record<string, string>> | undefined): string {
  if (matchLabels === undefined) return 'nil';
  const labels = Object.keys(matchLabels)
    .sort()
    .map((k) => `${k}: ${matchLabels[k]},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{},}`;
}

export function describeMetric(metric: MetricSpec): string {
  return metric.type === 'External'
    ? `external metric ${metric.name}(${formatLabelSelector(metric.matchLabels)})`
    : 'cpu resource utilization (percentage of request)';
}

function externalProposal(
  namespace: string,
  metric: ExternalMetricSpec,
  reading: MetricReading,
  input: ReconcileInput,
  tolerances: Tolerances,
): MetricOutcome {
  const failed = (cause: string, wrap: string): MetricOutcome => ({
    ok: false,
    reason: 'FailedGetExternalMetric',
    cause,
    error: `failed to get ${metric.name} external metric value: ${wrap}${cause}`,
  });
  const { averageValueMilli, valueMilli } = metric.target;
  if (averageValueMilli === undefined && valueMilli === undefined) {
    return failed(
      'invalid external metric source: neither a value target nor an average value target was set',
      '',
    );
  }
  const wrap =
    averageValueMilli !== undefined
      ? `failed to get ${metric.name} external metric: `
      : `failed to get external metric ${metric.name}: `;
  const where = `unable to get external metric ${namespace}/${metric.name}/${formatLabelSelector(metric.matchLabels)}`;
  if (reading.status === 'error') {
    return failed(`${where}: unable to fetch metrics from external metrics API: ${reading.message}`, wrap);
  }
  const values = reading.valuesMilli ?? [];
  if (values.length === 0) return failed(`${where}: no metrics returned from external metrics API`, wrap);
  const proposal =
    averageValueMilli !== undefined
      ? externalAverageValueReplicas(input.statusReplicas, averageValueMilli, values, tolerances)
      : externalValueReplicas(input.specReplicas, valueMilli as number, values, input.pods, tolerances);
  if (!proposal.ok) return failed(proposal.error, wrap);
  return { ok: true, replicas: proposal.replicas, description: describeMetric(metric) };
}

function cpuProposal(
  metric: CpuUtilizationMetricSpec,
  reading: MetricReading,
  input: ReconcileInput,
  nowMs: number,
  config: ControllerConfig,
  tolerances: Tolerances,
): MetricOutcome {
  const failed = (cause: string): MetricOutcome => ({
    ok: false,
    reason: 'FailedGetResourceMetric',
    cause,
    error: `failed to get cpu resource metric value: failed to get cpu utilization: ${cause}`,
  });
  if (reading.status === 'error') {
    return failed(
      `unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: ${reading.message}`,
    );
  }
  const proposal = cpuUtilizationReplicas(
    input.specReplicas,
    metric.target.averageUtilization,
    input.pods,
    {
      nowMs,
      cpuInitializationPeriodMs: config.cpuInitializationPeriodSeconds * 1000,
      initialReadinessDelayMs: config.initialReadinessDelaySeconds * 1000,
    },
    tolerances,
  );
  if (!proposal.ok) return failed(proposal.error);
  return { ok: true, replicas: proposal.replicas, description: describeMetric(metric) };
}

/**
 * The largest proposal among the metrics that could be computed. Failed metrics block the reconcile
 * when all failed, or when the valid ones would scale down: a missing signal must not shrink the target.
 */
export function proposeReplicas(
  spec: HpaSpec,
  input: ReconcileInput,
  nowMs: number,
  config: ControllerConfig,
  tolerances: Tolerances,
): MetricsOutcome {
  const events: HpaEvent[] = [];
  let replicas = 0;
  let description = '';
  let invalid = 0;
  let firstFailure: Extract<MetricOutcome, { ok: false }> | undefined;
  spec.metrics.forEach((metric, i) => {
    const reading: MetricReading = input.metrics[i] ?? {
      status: 'error',
      message: 'no reading for this metric',
    };
    const outcome =
      metric.type === 'External'
        ? externalProposal(spec.namespace, metric, reading, input, tolerances)
        : cpuProposal(metric, reading, input, nowMs, config, tolerances);
    if (!outcome.ok) {
      events.push({ type: 'Warning', reason: outcome.reason, message: outcome.cause });
      invalid += 1;
      firstFailure ??= outcome;
      return;
    }
    if (replicas === 0 || outcome.replicas > replicas) {
      replicas = outcome.replicas;
      description = outcome.description;
    }
  });
  if (firstFailure !== undefined && (invalid >= spec.metrics.length || replicas < input.specReplicas)) {
    return {
      ok: false,
      reason: firstFailure.reason,
      message: `the HPA was unable to compute the replica count: ${firstFailure.cause}`,
      error: `invalid metrics (${invalid} invalid out of ${spec.metrics.length}), first error is: ${firstFailure.error}`,
      events,
    };
  }
  return { ok: true, replicas, description, events };
}
