import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Field, RadioButtonGroup, Text, useStyles2 } from '@grafana/ui';
import { costscale } from '../../api/client';
import type { Anomaly, AnomalyDetail } from '../../api/types';
import { TimeChart } from '../../components/charts/TimeChart';
import { CursorListDetail, getListDetailStyles, SelectableRow } from '../../components/ListDetail/ListDetail';
import { PageToolbar } from '../../components/PageToolbar/PageToolbar';
import { ErrorState, LoadingState } from '../../components/PageStates/PageStates';
import { PolicyPicker } from '../../components/PolicyPicker/PolicyPicker';
import { testIds } from '../../components/testIds';
import { TimeRangeControl } from '../../components/TimeRangeControl/TimeRangeControl';
import { useContainerWidth } from '../../hooks/useContainerWidth';
import { useCursorPages } from '../../hooks/useCursorPages';
import { parsePolicyKey, usePolicies } from '../../hooks/usePolicies';
import { useRequest } from '../../hooks/useRequest';
import { useTimeRange } from '../../hooks/useTimeRange';
import { useUrlParams } from '../../hooks/useUrlParams';
import { formatDateTime, formatDuration, formatNumber } from '../../utils/format';
import { anomalyChartSeries } from './anomalySeries';

// Anomaly episodes of the policies' signals in the time range, newest first, filtered by policy, signal
// and whether they last; the one selected drawn with the band the detector expected before it.

const PAGE_SIZE = 100;
const SIGNALS = [
  { label: 'All signals', value: '' },
  { label: 'Demand', value: 'demand' },
  { label: 'Cost per hour', value: 'cost-per-hour' },
  { label: 'Latency', value: 'latency' },
  { label: 'Budget spend', value: 'budget-spend' },
];
const STATES = [
  { label: 'All', value: '' },
  { label: 'Active', value: 'true' },
  { label: 'Ended', value: 'false' },
];

function AnomaliesPage() {
  const styles = useStyles2(getListDetailStyles);
  const [params, update] = useUrlParams();
  const time = useTimeRange('now-7d');
  const policies = usePolicies();
  const policy = params.get('policy');
  const target = parsePolicyKey(policy);
  const signal = params.get('signal') ?? '';
  const active = params.get('active') ?? '';
  const from = time.range.from.valueOf();
  const to = time.range.to.valueOf();
  const query = {
    namespace: target?.namespace,
    policy: target?.name,
    signal: signal || undefined,
    active: active === '' ? undefined : active === 'true',
    from,
    to,
    limit: PAGE_SIZE,
  };

  const pages = useCursorPages(
    (cursor) => costscale.anomalies({ ...query, cursor }),
    [policy, signal, active, from, to],
  );
  const anomalies = pages.items;
  const selectedId = Number(params.get('anomaly'));
  const selected = anomalies.find((a) => a.id === selectedId) ?? anomalies[0];

  return (
    <PluginPage>
      <div data-testid={testIds.anomalies.container} className={styles.page}>
        <PageToolbar actions={<TimeRangeControl time={time} />}>
          <Field label="Policy" className={styles.field}>
            <PolicyPicker
              policies={policies.value ?? []}
              value={policy}
              allowAll
              onChange={(key) => update({ policy: key, anomaly: null })}
            />
          </Field>
          <Field label="Signal" className={styles.field}>
            <RadioButtonGroup
              options={SIGNALS}
              value={signal}
              onChange={(v) => update({ signal: v, anomaly: null })}
            />
          </Field>
          <Field label="State" className={styles.field}>
            <RadioButtonGroup
              options={STATES}
              value={active}
              onChange={(v) => update({ active: v, anomaly: null })}
            />
          </Field>
        </PageToolbar>
        <CursorListDetail
          pages={pages}
          what="anomalies"
          noun="episode"
          empty="No anomalies in this time range: every signal stayed within its expected band."
          tableTestId={testIds.anomalies.table}
          columns={['Started (UTC)', 'Policy', 'Signal', 'Lasted', 'Peak score']}
          rows={anomalies.map((a) => (
            <SelectableRow
              key={`${a.id}-${a.policy}-${a.signal}-${a.startedAt}`}
              selected={a === selected}
              onSelect={() => update({ anomaly: String(a.id) })}
            >
              <td>{formatDateTime(a.startedAt)}</td>
              <td>{ownerOf(a)}</td>
              <td>{a.signal}</td>
              <td>
                {a.active ? (
                  <Badge text="active" color="red" icon="exclamation-triangle" />
                ) : a.endedAt === null ? (
                  'end not recorded'
                ) : (
                  formatDuration(Date.parse(a.endedAt) - Date.parse(a.startedAt))
                )}
              </td>
              <td>{formatNumber(a.peakScore, 2)}</td>
            </SelectableRow>
          ))}
          detail={selected && <AnomalyDetailView anomaly={selected} />}
        />
      </div>
    </PluginPage>
  );
}

/** A policy as namespace/name; a budget's signals have no namespace. */
const ownerOf = (a: Anomaly) => (a.namespace ? `${a.namespace}/${a.policy}` : `budget ${a.policy}`);

function AnomalyDetailView({ anomaly }: { readonly anomaly: Anomaly }) {
  const { ref, width } = useContainerWidth<HTMLDivElement>();
  const title = `${anomaly.signal} of ${ownerOf(anomaly)} from ${formatDateTime(anomaly.startedAt)} UTC`;
  // Episodes served from memory while the adapter's database is down have no id to look up.
  const episode = useRequest(
    async () =>
      anomaly.id === 0 ? undefined : { detail: await costscale.anomaly(anomaly.id), at: Date.now() },
    [anomaly.id],
  );
  const detail = { ...episode, value: episode.value?.detail };
  const band = anomaly.expected
    ? `expected ${formatNumber(anomaly.expected.low, 2)}–${formatNumber(anomaly.expected.high, 2)} before it`
    : 'expected band not available (the adapter answered from memory)';
  return (
    <div ref={ref}>
      <h3>{title}</h3>
      <Text color="secondary" element="p">
        Peak anomaly score {formatNumber(anomaly.peakScore, 2)}; {band}.
        {anomaly.signal === 'demand' && anomaly.active && ' The forecast is not trusted while it lasts.'}
      </Text>
      {detail.status === 'loading' && !detail.value && <LoadingState text="Loading the signal…" />}
      {detail.status === 'error' && (
        <ErrorState title="Could not load the episode" error={detail.error} onRetry={detail.reload} />
      )}
      {detail.value?.samples?.error && (
        <Alert severity="warning" title="The signal could not be read from Prometheus">
          {detail.value.samples.error}
        </Alert>
      )}
      {episode.value && <EpisodeChart detail={episode.value.detail} now={episode.value.at} width={width} />}
      {detail.status === 'success' && detail.value?.samples === null && (
        <Text color="secondary">
          The signal&apos;s query is no longer configured, so there is nothing to draw.
        </Text>
      )}
    </div>
  );
}

interface EpisodeChartProps {
  readonly detail: AnomalyDetail;
  /** When the detail was read: an episode that lasts is shaded up to then. */
  readonly now: number;
  readonly width: number;
}

function EpisodeChart({ detail, now, width }: EpisodeChartProps) {
  const series = anomalyChartSeries(detail, now);
  if (!series.hasData) {
    return null;
  }
  return (
    <div data-testid={testIds.anomalies.chart}>
      <TimeChart
        testId={`${testIds.anomalies.chart} svg`}
        title={`${detail.signal} around the anomaly`}
        width={width}
        height={300}
        left={{ label: detail.unit ?? undefined, format: (v) => formatNumber(v, 1) }}
        lines={series.lines}
        bands={series.bands}
        regions={series.regions}
      />
    </div>
  );
}

export default AnomaliesPage;
