import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Field, Stack, Text, useStyles2 } from '@grafana/ui';
import { costscale } from '../../api/client';
import type { Forecast, Policy } from '../../api/types';
import { TimeChart } from '../../components/charts/TimeChart';
import { PageToolbar } from '../../components/PageToolbar/PageToolbar';
import { EmptyPageState, ErrorState, LoadingState } from '../../components/PageStates/PageStates';
import { PolicyPicker } from '../../components/PolicyPicker/PolicyPicker';
import { Stat } from '../../components/Stat/Stat';
import { testIds } from '../../components/testIds';
import { TimeRangeControl } from '../../components/TimeRangeControl/TimeRangeControl';
import { useContainerWidth } from '../../hooks/useContainerWidth';
import { parsePolicyKey, policyKey, usePolicies } from '../../hooks/usePolicies';
import { useRequest } from '../../hooks/useRequest';
import { durationOf, useTimeRange } from '../../hooks/useTimeRange';
import { useUrlParams } from '../../hooks/useUrlParams';
import { formatDateTime, formatNumber, formatPercent } from '../../utils/format';
import { anomalyRegions } from '../Anomalies/anomalySeries';
import { describeError } from '../../api/errors';
import { forecastChartSeries } from './forecastSeries';

/** The adapter keeps at most seven days of actuals per request. */
const MAX_WINDOW_MS = 7 * 24 * 3600_000;

/** Per policy: actual demand, the point forecast with its quantile bands, the replicas decided, accuracy. */
function ForecastsPage() {
  const styles = useStyles2(getStyles);
  const policies = usePolicies();
  const [params, update] = useUrlParams();
  const time = useTimeRange('now-6h');
  const selected = params.get('policy') ?? (policies.value?.[0] ? policyKey(policies.value[0]) : null);

  return (
    <PluginPage>
      <div data-testid={testIds.forecasts.container}>
        <PageToolbar actions={<TimeRangeControl time={time} />}>
          {policies.value && policies.value.length > 0 && selected && (
            <Field label="Policy" className={styles.field}>
              <PolicyPicker
                testId={testIds.forecasts.policyPicker}
                policies={policies.value}
                value={selected}
                onChange={(key) => update({ policy: key })}
              />
            </Field>
          )}
        </PageToolbar>
        {policies.status === 'loading' && !policies.value && <LoadingState text="Loading policies…" />}
        {policies.status === 'error' && (
          <ErrorState title="Could not load the policies" error={policies.error} onRetry={policies.reload} />
        )}
        {policies.value && policies.value.length === 0 && (
          <EmptyPageState message="No policies yet: forecasts are made per policy." />
        )}
        {policies.value && policies.value.length > 0 && selected && (
          <PolicyForecast
            policyKey={selected}
            policy={policies.value.find((p) => policyKey(p) === selected)}
            from={time.range.from.valueOf()}
            to={time.range.to.valueOf()}
          />
        )}
      </div>
    </PluginPage>
  );
}

interface PolicyForecastProps {
  readonly policyKey: string;
  readonly policy: Policy | undefined;
  readonly from: number;
  readonly to: number;
}

function PolicyForecast({ policyKey: key, policy, from, to }: PolicyForecastProps) {
  const styles = useStyles2(getStyles);
  const { ref, width } = useContainerWidth<HTMLDivElement>();
  const target = parsePolicyKey(key);
  const state = useRequest(async () => {
    if (!target) {
      throw new Error(`"${key}" is not a policy (namespace/name)`);
    }
    // Actuals reach back from now; a window ending in the past still needs them up to its start.
    const window = durationOf(Math.min(MAX_WINDOW_MS, Math.max(60_000, Date.now() - from)));
    const [forecast, decisions, anomalies] = await Promise.all([
      costscale.forecast(target.namespace, target.name, { window }),
      costscale.decisions({ namespace: target.namespace, policy: target.name, from, to, limit: 1000 }),
      // Annotations only: without them (an adapter before anomalies, or its database down) the chart stands.
      costscale.anomalies({ namespace: target.namespace, policy: target.name, to, limit: 1000 }).then(
        (p) => ({ items: p.items, error: undefined }),
        (error: unknown) => ({ items: [], error }),
      ),
    ]);
    return { forecast, decisions: decisions.items, anomalies, at: Date.now() };
  }, [key, from, to]);

  if (state.status === 'loading' && !state.value) {
    return <LoadingState text="Loading the forecast…" />;
  }
  if (state.status === 'error') {
    return (
      <ErrorState
        title={`Could not load the forecast of ${key}`}
        error={state.error}
        onRetry={state.reload}
      />
    );
  }
  if (!state.value) {
    return null;
  }
  const { forecast, decisions, anomalies, at } = state.value;
  const series = forecastChartSeries(forecast, decisions);
  // Episodes that started before the window but were still on within it are shaded too.
  const regions = anomalyRegions(anomalies.items, at).filter((r) => r.to >= from);
  const forecastEnd = forecast.forecast?.timestamps[forecast.forecast.timestamps.length - 1];
  const gate = forecast.current;

  return (
    <div className={styles.body}>
      {forecast.actuals.error && (
        <Alert severity="warning" title="Actual demand could not be read from Prometheus">
          {forecast.actuals.error}
        </Alert>
      )}
      <div ref={ref} data-testid={testIds.forecasts.chart}>
        {series.hasData ? (
          <TimeChart
            testId={testIds.charts.forecast}
            title={`Demand and forecast of ${key}`}
            width={width}
            height={360}
            timeRange={{ min: from, max: Math.max(to, forecastEnd ?? to) }}
            left={{ label: `${forecast.unit}/s`, format: (v) => formatNumber(v, 1) }}
            right={{ label: 'replicas', format: (v) => formatNumber(v, 0), integer: true }}
            lines={series.lines}
            bands={series.bands}
            markers={series.markers}
            regions={regions}
          />
        ) : (
          <EmptyPageState message="No demand, forecast or decisions in this time range yet." />
        )}
      </div>
      {anomalies.error !== undefined && (
        <Text color="secondary" element="p">
          Anomaly annotations are not available: {describeError(anomalies.error)}
        </Text>
      )}
      <div className={styles.stats} data-testid={testIds.forecasts.accuracy}>
        <Stat
          label="Demand now"
          value={`${formatNumber(forecast.current.demand, 2)} ${forecast.unit}/s`}
          detail={
            forecast.current.at ? `decided ${formatDateTime(forecast.current.at)} UTC` : 'no decision yet'
          }
        />
        <Stat
          label="Target demand Q(τ*)"
          value={`${formatNumber(forecast.current.targetDemand, 2)} ${forecast.unit}/s`}
          detail={forecast.current.tau === null ? undefined : `τ* = ${formatNumber(forecast.current.tau, 3)}`}
        />
        {policy && (
          <Stat
            label="Replicas"
            value={policy.status.replicas ?? '–'}
            detail={`bounds ${policy.spec.replicas.min}–${policy.spec.replicas.max}`}
          />
        )}
        <Stat
          label="Demand distribution"
          tone={gate.mode === 'forecast' ? 'good' : gate.mode === 'reactive' ? 'warning' : 'neutral'}
          value={
            gate.mode === 'forecast' ? 'forecast' : gate.mode === 'reactive' ? 'reactive' : 'no decision yet'
          }
          detail={[
            gate.reason ??
              (gate.mode === 'reactive' ? 'recent demand changes, without a trusted forecast' : undefined),
            gate.model && `model ${gate.model}`,
            gate.fittedAt && `fitted ${formatDateTime(gate.fittedAt)} UTC`,
          ]
            .filter(Boolean)
            .join('; ')}
        />
        <Stat
          label="Forecast accuracy"
          tone={
            forecast.accuracy?.relativeMae !== null &&
            forecast.accuracy?.relativeMae !== undefined &&
            forecast.accuracy.relativeMae > 1
              ? 'warning'
              : 'neutral'
          }
          value={forecast.accuracy ? `MASE ${formatNumber(forecast.accuracy.mase, 2)}` : 'not measured yet'}
          detail={accuracyDetail(forecast)}
        />
      </div>
      {forecast.forecast ? (
        <Text color="secondary" element="p">
          Forecast by {forecast.forecast.model}, made {formatDateTime(forecast.forecast.madeAt)} UTC at a{' '}
          {forecast.forecast.stepSeconds} s step. Demand query: <code>{forecast.actuals.query}</code>
        </Text>
      ) : (
        <Stack>
          <Text color="secondary" element="p">
            No forecast stored for this policy yet: decisions use the reactive distribution of recent demand
            changes.
          </Text>
        </Stack>
      )}
    </div>
  );
}

function accuracyDetail(forecast: Forecast): string {
  const a = forecast.accuracy;
  if (!a) {
    return 'accuracy is tracked once forecasts meet their outcomes';
  }
  return [
    `${a.count} outcomes${forecast.accuracySource === 'online' ? ' scored online' : forecast.accuracySource === 'stored' ? ' (stored with the forecast)' : ''}`,
    `sMAPE ${formatPercent(a.smape)}`,
    `interval coverage ${formatPercent(a.coverage)}`,
    `bias ${formatNumber(a.bias, 2)}`,
    `MAE ${formatNumber(a.relativeMae, 2)}× seasonal naive`,
  ].join(' · ');
}

export default ForecastsPage;

const getStyles = (theme: GrafanaTheme2) => ({
  field: css({ marginBottom: 0 }),
  body: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  stats: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(2) }),
});
