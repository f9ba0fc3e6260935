import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Stack, Text, useStyles2 } from '@grafana/ui';
import type { Decision, Explanation } from '../../api/types';
import { formatNumber, formatPercent } from '../../utils/format';
import { BoundBadge } from '../Badges/Badges';
import { testIds } from '../testIds';
import { tableStyle } from '../tableStyle';

// Why a replica count was chosen: the forecast figures of the newsvendor step, every input with where
// it came from, and each bound that changed the count, in the order decide() applied them.

const INPUT_LABELS: Record<string, string> = {
  at: 'Decision time',
  mode: 'Mode',
  demand: 'Demand D(t)',
  measuredDemand: 'Demand as the query measured it',
  demandOneLagEarlier: 'Demand one query lag earlier',
  demandLag: 'Demand query lag',
  capacityPerReplica: 'Capacity per replica κ',
  costPerReplicaHour: 'Cost per replica-hour c',
  sloMissCostPerHour: 'SLO-miss cost v',
  minReplicas: 'Minimum replicas',
  maxReplicas: 'Maximum replicas',
  shadowPrice: 'Budget shadow price λ',
  tau: 'Cost-optimal quantile τ*',
  demandQuantile: 'Peak demand quantile Q(τ*)',
  override: 'Manual override',
  currentReplicas: 'Current replicas',
  replicasChosen: 'Replicas with the least expected cost',
  startupShare: 'Share of the horizon a new replica starts (charged while demand falls)',
  risingFloor: 'Fewest replicas weighed while demand rises (those started for it kept)',
  // Decisions stored before the miss objective (issue 12) name the count the HPA's tolerance let them reach.
  hpaToleranceBand: 'Reachable past the HPA tolerance',
  latency: 'Latency',
  errorRatio: 'Error ratio',
  anomaly: 'Active anomaly',
};

function formatValue(value: Explanation['inputs'][number]['value']): string {
  if (value === null) {
    return '–';
  }
  if (typeof value === 'number') {
    return formatNumber(value, 4);
  }
  return String(value);
}

export interface ExplanationViewProps {
  readonly explanation: Explanation;
  /** Absent when no decision could be made (the explanation's errors say why). */
  readonly decision: Decision | null;
}

export function ExplanationView({ explanation, decision }: ExplanationViewProps) {
  const styles = useStyles2(getStyles);
  const anomalies = explanation.inputs.filter((i) => i.name === 'anomaly');
  const demandAnomalous = anomalies.some((a) => String(a.value).startsWith('demand '));
  return (
    <div className={styles.container} data-testid={testIds.decisions.explanation}>
      <Text element="p" weight="medium">
        {explanation.summary}
      </Text>
      {explanation.errors.length > 0 && (
        <Alert severity="error" title="No decision: inputs were unusable">
          <ul>
            {explanation.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </Alert>
      )}
      {anomalies.length > 0 && (
        <Alert
          severity="warning"
          title={demandAnomalous ? 'Demand is anomalous: the forecast is not trusted' : 'Anomalous signals'}
          data-testid={testIds.decisions.anomaly}
        >
          <ul>
            {anomalies.map((a) => (
              <li key={String(a.value)}>
                {formatValue(a.value)} ({a.source})
              </li>
            ))}
          </ul>
          {demandAnomalous && 'The reactive distribution of recent demand decides until the episode ends.'}
        </Alert>
      )}
      {decision && (
        <section aria-label="Forecast and decision">
          <h4 className={styles.heading}>Forecast and decision</h4>
          <dl className={styles.facts}>
            <dt>Demand now D(t)</dt>
            <dd>{formatNumber(decision.demand, 3)}</dd>
            <dt>τ* = v / (v + c·(1+λ)), the strictest quantile weighed</dt>
            <dd>{formatNumber(decision.tau, 4)}</dd>
            <dt>Peak demand quantile Q(τ*)</dt>
            <dd>
              {decision.demandQuantile === null
                ? 'no usable distribution'
                : formatNumber(decision.demandQuantile, 3)}
            </dd>
            <dt>Target demand T</dt>
            <dd>{formatNumber(decision.targetDemand, 3)}</dd>
            <dt>Most replicas weighed ⌈T/κ⌉</dt>
            <dd>{decision.unboundedReplicas}</dd>
            <dt>Replicas decided</dt>
            <dd>
              <Stack gap={1} alignItems="center">
                <strong>{decision.replicas}</strong>
                <BoundBadge bound={decision.actingBound} />
              </Stack>
            </dd>
            <dt>Risk of missing the SLO</dt>
            <dd>{formatPercent(decision.sloMissRisk)}</dd>
            <dt>Budget shadow price λ</dt>
            <dd>{formatNumber(decision.shadowPrice, 3)}</dd>
            <dt>Cost per hour</dt>
            <dd>{formatNumber(decision.costPerHour, 4)}</dd>
          </dl>
        </section>
      )}
      <section aria-label="Bounds that acted">
        <h4 className={styles.heading}>Bounds that acted</h4>
        {explanation.bounds.length === 0 ? (
          <Text color="secondary">None: the cost-optimal replica count stood.</Text>
        ) : (
          <table className={styles.table}>
            <thead>
              <tr>
                <th>Bound</th>
                <th>Replicas</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {explanation.bounds.map((b, i) => (
                <tr key={`${b.bound}-${i}`}>
                  <td>
                    <BoundBadge bound={b.bound} />
                  </td>
                  <td>
                    {b.before} → {b.after}
                  </td>
                  <td>{b.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-label="Inputs">
        <h4 className={styles.heading}>Inputs</h4>
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Input</th>
              <th>Value</th>
              <th>Source</th>
            </tr>
          </thead>
          <tbody>
            {explanation.inputs.map((input, i) => (
              <tr key={`${input.name}-${i}`}>
                <td title={input.name}>{INPUT_LABELS[input.name] ?? input.name}</td>
                <td className={styles.number}>
                  {formatValue(input.value)}
                  {input.unit ? ` ${input.unit}` : ''}
                </td>
                <td className={styles.source}>{input.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {explanation.warnings.length > 0 && (
        <Alert severity="warning" title="Warnings">
          <ul>
            {explanation.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Alert>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  heading: css({ fontSize: theme.typography.h5.fontSize, marginBottom: theme.spacing(1) }),
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(0.5),
    margin: 0,
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0, fontVariantNumeric: 'tabular-nums' },
  }),
  table: css(tableStyle(theme, true)),
  number: css({ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }),
  source: css({
    color: theme.colors.text.secondary,
    wordBreak: 'break-word',
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
