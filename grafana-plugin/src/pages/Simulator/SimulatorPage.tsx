import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  Button,
  Checkbox,
  Field,
  Input,
  RadioButtonGroup,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';
import { costscale } from '../../api/client';
import { ApiError, describeError } from '../../api/errors';
import type { Policy, PolicyMode, SimulationReport, SimulationSummary } from '../../api/types';
import {
  ApiUnavailableState,
  EmptyPageState,
  ErrorState,
  LoadingState,
} from '../../components/PageStates/PageStates';
import { PolicyPicker } from '../../components/PolicyPicker/PolicyPicker';
import { testIds } from '../../components/testIds';
import { TimeRangeControl } from '../../components/TimeRangeControl/TimeRangeControl';
import { parsePolicyKey, policyKey } from '../../hooks/usePolicies';
import { useRequest } from '../../hooks/useRequest';
import { durationOf, useTimeRange } from '../../hooks/useTimeRange';
import { formatMoney, formatNumber, formatPercent } from '../../utils/format';
import { simulationFormErrors, simulationRequest, type SimulationFormValues } from './simulationForm';
import { tableStyle } from '../../components/tableStyle';

export const SIMULATE_PATH = '/api/v1/policies/{namespace}/{name}/simulate';
/** The adapter replays between an hour and two weeks of history. */
const MIN_WINDOW_MS = 3600_000;
const MAX_WINDOW_MS = 14 * 24 * 3600_000;
/** kube-controller-manager's --horizontal-pod-autoscaler-downscale-stabilization default. */
const CONTROLLER_SCALE_DOWN_WINDOW_SECONDS = 300;

const MODES: Array<{ label: string; value: PolicyMode }> = [
  { label: 'SLA first', value: 'sla-first' },
  { label: 'Balanced', value: 'balanced' },
  { label: 'Budget first', value: 'budget-first' },
];

/** Relative change of a figure against the baseline's: negative is a saving. */
export function relativeChange(value: number | null, baseline: number | null): number | null {
  if (value === null || baseline === null || baseline === 0) {
    return null;
  }
  return (value - baseline) / baseline;
}

/** A what-if run over a policy's own history with changed parameters, compared with baselines. */
function SimulatorPage() {
  const state = useRequest(async () => {
    try {
      const [paths, policies] = await Promise.all([costscale.apiPaths(), costscale.policies()]);
      return { available: paths.includes(SIMULATE_PATH), policies: policies.items };
    } catch (error) {
      if (error instanceof ApiError && error.isNotFound) {
        return { available: false, policies: [] };
      }
      throw error;
    }
  }, []);

  return (
    <PluginPage>
      <div data-testid={testIds.simulator.container}>
        {state.status === 'loading' && !state.value && (
          <LoadingState text="Checking what the adapter offers…" />
        )}
        {state.status === 'error' && (
          <ErrorState title="Could not reach the adapter" error={state.error} onRetry={state.reload} />
        )}
        {state.value?.available === false && (
          <ApiUnavailableState
            feature="simulation"
            detail={`The connected costscale adapter does not serve ${SIMULATE_PATH}. Until it does, the same what-if runs from the command line: costscale simulate --trace demand.csv --policy policy.yaml --baseline hpa-cpu:0.7.`}
          />
        )}
        {state.value?.available && state.value.policies.length === 0 && (
          <EmptyPageState message="No policies to simulate yet." />
        )}
        {state.value?.available && state.value.policies.length > 0 && (
          <Simulator policies={state.value.policies} />
        )}
      </div>
    </PluginPage>
  );
}

/** The form's starting values for a policy: its own settings; HPAs at 60–80 % with the controller's window. */
function formValuesFor(policy: Policy): SimulationFormValues {
  return {
    mode: policy.spec.mode,
    sloMissCostPerHour: '',
    minReplicas: String(policy.spec.replicas.min),
    maxReplicas: String(policy.spec.replicas.max),
    compareHpa: true,
    hpaTargetPercent: '60, 70, 80',
    hpaScaleDownWindowSeconds: '',
    costscaleScaleDownWindowSeconds: '',
    compareFixed: false,
  };
}

function Simulator({ policies }: { policies: Policy[] }) {
  const styles = useStyles2(getStyles);
  const time = useTimeRange('now-7d');
  const [selected, setSelected] = useState(policyKey(policies[0]!));
  const policy = policies.find((p) => policyKey(p) === selected) ?? policies[0]!;
  const [values, setValues] = useState<SimulationFormValues>(() => formValuesFor(policy));
  const set =
    <K extends keyof SimulationFormValues>(key: K) =>
    (value: SimulationFormValues[K]) =>
      setValues((current) => ({ ...current, [key]: value }));
  const errors = simulationFormErrors(values);
  const field = (name: keyof SimulationFormValues) => ({
    invalid: Boolean(errors[name]),
    error: errors[name],
  });
  const [run, setRun] = useState<
    | { status: 'idle' }
    | { status: 'running' }
    | { status: 'done'; report: SimulationReport }
    | { status: 'failed'; error: unknown }
  >({ status: 'idle' });

  const onRun = async () => {
    const target = parsePolicyKey(selected);
    if (!target) {
      return;
    }
    setRun({ status: 'running' });
    try {
      const span = time.range.to.valueOf() - time.range.from.valueOf();
      const window = durationOf(Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, span)));
      const report = await costscale.simulate(
        target.namespace,
        target.name,
        simulationRequest(values, window),
      );
      setRun({ status: 'done', report });
    } catch (error) {
      setRun({ status: 'failed', error });
    }
  };

  return (
    <div className={styles.page}>
      <Stack gap={2} wrap="wrap" alignItems="flex-end">
        <Field label="Policy">
          <PolicyPicker
            policies={policies}
            value={selected}
            onChange={(key) => {
              const next = policies.find((p) => policyKey(p) === key);
              if (key && next) {
                setSelected(key);
                setValues((current) => ({ ...current, ...formValuesFor(next) }));
              }
            }}
          />
        </Field>
        <Field label="History replayed">
          <TimeRangeControl time={time} />
        </Field>
      </Stack>
      <Stack gap={2} wrap="wrap">
        <Field label="Mode">
          <RadioButtonGroup options={MODES} value={values.mode} onChange={set('mode')} />
        </Field>
        <Field
          label="SLO-miss cost per replica-hour"
          description={`now ${String(policy.spec.sloMissCostPerHour ?? 'default')}`}
          {...field('sloMissCostPerHour')}
        >
          <Input
            type="number"
            width={16}
            value={values.sloMissCostPerHour}
            placeholder="unchanged"
            onChange={(e) => set('sloMissCostPerHour')(e.currentTarget.value)}
          />
        </Field>
        <Field label="Min replicas" {...field('minReplicas')}>
          <Input
            type="number"
            width={10}
            value={values.minReplicas}
            onChange={(e) => set('minReplicas')(e.currentTarget.value)}
          />
        </Field>
        <Field label="Max replicas" {...field('maxReplicas')}>
          <Input
            type="number"
            width={10}
            value={values.maxReplicas}
            onChange={(e) => set('maxReplicas')(e.currentTarget.value)}
          />
        </Field>
        <Field
          label="Scale-down window of costscale's HPA (s)"
          description="its behavior.scaleDown.stabilizationWindowSeconds"
          {...field('costscaleScaleDownWindowSeconds')}
        >
          <Input
            type="number"
            width={12}
            value={values.costscaleScaleDownWindowSeconds}
            placeholder="0"
            onChange={(e) => set('costscaleScaleDownWindowSeconds')(e.currentTarget.value)}
          />
        </Field>
      </Stack>
      <Field label="Compare with" description="tune the CPU HPA as you would without costscale">
        <Stack gap={2} wrap="wrap" alignItems="flex-start">
          <Checkbox
            label="HPA on CPU"
            value={values.compareHpa}
            onChange={(e) => set('compareHpa')(e.currentTarget.checked)}
          />
          <Field label="target utilisation (%), comma separated" {...field('hpaTargetPercent')}>
            <Input
              width={20}
              value={values.hpaTargetPercent}
              disabled={!values.compareHpa}
              onChange={(e) => set('hpaTargetPercent')(e.currentTarget.value)}
            />
          </Field>
          <Field label="scale-down window (s)" {...field('hpaScaleDownWindowSeconds')}>
            <Input
              type="number"
              width={12}
              value={values.hpaScaleDownWindowSeconds}
              placeholder="300"
              disabled={!values.compareHpa}
              onChange={(e) => set('hpaScaleDownWindowSeconds')(e.currentTarget.value)}
            />
          </Field>
          <Checkbox
            label="Fixed at the maximum replicas"
            value={values.compareFixed}
            onChange={(e) => set('compareFixed')(e.currentTarget.checked)}
          />
        </Stack>
      </Field>
      <div>
        <Button
          icon="play"
          onClick={onRun}
          disabled={run.status === 'running' || Object.keys(errors).length > 0}
          data-testid={testIds.simulator.run}
        >
          {run.status === 'running' ? 'Simulating…' : 'Run what-if'}
        </Button>
      </div>
      {run.status === 'failed' && (
        <Alert severity="error" title="The simulation failed">
          {describeError(run.error)}
        </Alert>
      )}
      {run.status === 'done' && <SimulationResults report={run.report} />}
    </div>
  );
}

/** The HPAs' scale-down windows the run gave each side (null: the controller's default). */
export function scaleDownWindows(report: SimulationReport): string {
  const own = report.costscaleScaleDownWindowSeconds;
  const cpu = report.hpaScaleDownWindowSeconds;
  return [
    own === undefined ? '' : `Scale-down window of costscale's HPA: ${own} s.`,
    !report.scenarios.some((s) => s.name.startsWith('hpa-cpu:'))
      ? ''
      : cpu === null || cpu === undefined
        ? `The CPU HPA's: ${CONTROLLER_SCALE_DOWN_WINDOW_SECONDS} s (the controller's default).`
        : `The CPU HPA's: ${cpu} s.`,
  ]
    .filter((part) => part !== '')
    .join(' ');
}

/** The scenarios side by side; costscale (the last one) compared with each baseline. */
function SimulationResults({ report }: { report: SimulationReport }) {
  const styles = useStyles2(getStyles);
  const whatIf = report.scenarios[report.scenarios.length - 1];
  if (!whatIf) {
    return <Text color="secondary">The simulation returned no scenarios.</Text>;
  }
  const baselines = report.scenarios.slice(0, -1);
  const compare = (b: SimulationSummary) => {
    const cost = relativeChange(whatIf.cost, b.cost);
    const misses = whatIf.sloMissMinutes - b.sloMissMinutes;
    return `${cost === null ? 'cost not priced' : `${formatPercent(Math.abs(cost))} ${cost <= 0 ? 'cheaper' : 'dearer'}`} than ${b.name}, ${formatNumber(Math.abs(misses), 1)} SLO-miss minutes ${misses <= 0 ? 'fewer' : 'more'}`;
  };
  return (
    <div data-testid={testIds.simulator.result} className={styles.page}>
      <Text element="p">
        {report.trace.samples} samples over {formatNumber(report.trace.hours, 1)} h of {report.policy}&apos;s
        history
        {report.trace.stepSeconds ? ` at a ${report.trace.stepSeconds} s step` : ''}; replica cost{' '}
        {formatMoney(report.costPerReplicaHour, report.currency, 4)}/h, capacity{' '}
        {formatNumber(report.capacityPerReplica, 2)} per replica. {scaleDownWindows(report)}
      </Text>
      {baselines.length > 0 && (
        <ul className={styles.summary}>
          {baselines.map((b) => (
            <li key={b.name}>
              {whatIf.name}: {compare(b)}.
            </li>
          ))}
        </ul>
      )}
      <table className={styles.table}>
        <thead>
          <tr>
            <th>Scenario</th>
            <th>Cost</th>
            <th>SLO-miss minutes</th>
            <th>Unmet demand</th>
            <th>Mean / peak replicas</th>
            <th>Scale ups / downs</th>
          </tr>
        </thead>
        <tbody>
          {report.scenarios.map((r) => (
            <tr key={r.name} className={r === whatIf ? styles.whatIf : undefined}>
              <td>{r.name}</td>
              <td>{formatMoney(r.cost, report.currency)}</td>
              <td>{formatNumber(r.sloMissMinutes, 1)}</td>
              <td>{formatPercent(r.unmetFraction, 2)}</td>
              <td>
                {formatNumber(r.meanReplicas, 1)} / {r.peakReplicas}
              </td>
              <td>
                {r.scaleUps} / {r.scaleDowns}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default SimulatorPage;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  table: css(tableStyle(theme)),
  summary: css({ margin: 0, paddingLeft: theme.spacing(2) }),
  whatIf: css({ fontWeight: theme.typography.fontWeightMedium, background: theme.colors.action.selected }),
});
