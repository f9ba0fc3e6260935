import React from 'react';
import { Link } from 'react-router-dom';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { RefreshButton } from '../../components/RefreshButton/RefreshButton';
import { Badge, LinkButton, Stack, Text, useStyles2 } from '@grafana/ui';
import { costscale } from '../../api/client';
import type { Overview, Policy } from '../../api/types';
import { BoundBadge, BudgetStateBadge, PolicyStateBadge } from '../../components/Badges/Badges';
import { PageToolbar } from '../../components/PageToolbar/PageToolbar';
import { EmptyPageState, ErrorState, LoadingState } from '../../components/PageStates/PageStates';
import { Stat } from '../../components/Stat/Stat';
import { testIds } from '../../components/testIds';
import { UtilisationBar } from '../../components/UtilisationBar/UtilisationBar';
import { prefixRoute, ROUTES } from '../../constants';
import { useRequest } from '../../hooks/useRequest';
import { formatDuration, formatMoney, formatNumber, formatPercent } from '../../utils/format';
import { tableStyle } from '../../components/tableStyle';

/** What costscale is doing now: spend against budgets, savings, policies by state, health. */
function OverviewPage() {
  const state = useRequest(async () => {
    const [overview, policies] = await Promise.all([costscale.overview(), costscale.policies()]);
    return { overview, policies: policies.items };
  }, []);

  return (
    <PluginPage>
      <PageToolbar actions={<RefreshButton onClick={state.reload} loading={state.status === 'loading'} />} />
      {state.status === 'loading' && !state.value && <LoadingState text="Loading the overview…" />}
      {state.status === 'error' && (
        <ErrorState title="Could not load the overview" error={state.error} onRetry={state.reload} />
      )}
      {state.value && <OverviewContent overview={state.value.overview} policies={state.value.policies} />}
    </PluginPage>
  );
}

function OverviewContent({ overview, policies }: { overview: Overview; policies: Policy[] }) {
  const styles = useStyles2(getStyles);
  const { spend, savings, counts, health } = overview;
  const currency = spend.currency;
  const perMonth = (perHour: number) => perHour * 24 * 30;

  if (counts.policies.total === 0 && counts.budgets.total === 0) {
    return (
      <EmptyPageState message="costscale has no policies or budgets yet">
        Add policies to the adapter&apos;s configuration file or create them through its REST API; budgets can
        be created on the Budgets page.
      </EmptyPageState>
    );
  }

  return (
    <div className={styles.page} data-testid={testIds.overview.container}>
      <div className={styles.stats}>
        <Stat
          testId={testIds.overview.spend}
          label="Spend now"
          value={`${formatMoney(spend.costPerHour, currency)}/h`}
          detail={`≈ ${formatMoney(perMonth(spend.costPerHour), currency, 0)} per 30 days at this rate`}
        />
        <Stat
          testId={testIds.overview.savings}
          label="Savings vs baseline"
          tone={savings.savingsPerHour > 0 ? 'good' : 'neutral'}
          value={`${formatMoney(savings.savingsPerHour, currency)}/h`}
          detail={
            savings.savingsRatio === null
              ? savings.description
              : `${formatPercent(savings.savingsRatio)} below ${formatMoney(savings.baselineCostPerHour, currency)}/h: ${savings.description} (${savings.policiesCounted} policies)`
          }
        />
        <Stat
          testId={testIds.overview.policies}
          label="Policies"
          tone={counts.policies.failing > 0 ? 'bad' : counts.policies.degraded > 0 ? 'warning' : 'good'}
          value={counts.policies.total}
          detail={`${counts.policies.ok} ok · ${counts.policies.degraded} degraded · ${counts.policies.failing} failing · ${counts.policies.pending} pending · ${counts.overridesActive} overrides active`}
        />
        <Stat
          label="Budgets"
          tone={counts.budgets.critical > 0 ? 'bad' : counts.budgets.warning > 0 ? 'warning' : 'neutral'}
          value={counts.budgets.total}
          detail={`${counts.budgets.ok} ok · ${counts.budgets.warning} warning · ${counts.budgets.critical} critical · ${counts.budgets.unknown} unknown`}
        />
      </div>

      <section className={styles.section} aria-label="Spend against budgets">
        <Stack justifyContent="space-between" alignItems="center">
          <h3>Spend against budgets</h3>
          <LinkButton variant="secondary" size="sm" href={prefixRoute(ROUTES.Budgets)}>
            Budgets
          </LinkButton>
        </Stack>
        {spend.budgets.length === 0 ? (
          <Text color="secondary">No budgets yet.</Text>
        ) : (
          <table className={styles.table}>
            <thead>
              <tr>
                <th>Budget</th>
                <th>State</th>
                <th className={styles.right}>Spent</th>
                <th className={styles.right}>Projected</th>
                <th className={styles.right}>Amount</th>
                <th className={styles.bar}>Utilisation</th>
              </tr>
            </thead>
            <tbody>
              {spend.budgets.map((b) => (
                <tr key={b.name}>
                  <td>{b.name}</td>
                  <td>
                    <BudgetStateBadge state={b.state} />
                  </td>
                  <td className={styles.right}>{formatMoney(b.spent, currency)}</td>
                  <td className={styles.right}>{formatMoney(b.projectedSpend, currency)}</td>
                  <td className={styles.right}>{formatMoney(b.amount, currency)}</td>
                  <td className={styles.bar}>
                    <UtilisationBar
                      spent={b.utilisation}
                      projected={b.projectedSpend === null ? null : b.projectedSpend / b.amount}
                      state={b.state}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className={styles.section} aria-label="Policies">
        <Stack justifyContent="space-between" alignItems="center">
          <h3>Policies by state</h3>
          <LinkButton variant="secondary" size="sm" href={prefixRoute(ROUTES.Decisions)}>
            Decisions
          </LinkButton>
        </Stack>
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Policy</th>
              <th>State</th>
              <th className={styles.right}>Replicas</th>
              <th className={styles.right}>Load</th>
              <th className={styles.right}>Cost per hour</th>
              <th>Bound</th>
              <th>Source</th>
            </tr>
          </thead>
          <tbody>
            {policies.map((p) => (
              <tr key={`${p.namespace}/${p.name}`}>
                <td>
                  <Link
                    className={styles.link}
                    to={`${prefixRoute(ROUTES.Forecasts)}?policy=${encodeURIComponent(`${p.namespace}/${p.name}`)}`}
                  >
                    {p.namespace}/{p.name}
                  </Link>
                  {p.status.error && <div className={styles.error}>{p.status.error}</div>}
                </td>
                <td>
                  <PolicyStateBadge state={p.status.state} />
                  {p.status.override?.active && <Badge color="purple" text="override" />}
                </td>
                <td className={styles.right}>{p.status.replicas ?? '–'}</td>
                <td className={styles.right}>{formatNumber(p.status.load, 2)}</td>
                <td className={styles.right}>{formatMoney(p.status.costPerHour, currency, 3)}</td>
                <td>
                  <BoundBadge bound={p.status.actingBound} />
                </td>
                <td>{p.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className={styles.section} aria-label="Health" data-testid={testIds.overview.health}>
        <h3>Health</h3>
        <div className={styles.stats}>
          <Stat
            label="Database"
            tone={health.database.up ? 'good' : 'bad'}
            value={health.database.up ? 'up' : 'down'}
            detail={
              health.database.error ??
              (health.database.latencyMs === null
                ? undefined
                : `${formatNumber(health.database.latencyMs, 1)} ms`)
            }
          />
          <Stat
            label="Engine snapshot"
            tone={overview.snapshot.ageSeconds === null ? 'warning' : 'neutral'}
            value={overview.snapshot.tick === null ? 'none yet' : `tick ${overview.snapshot.tick}`}
            detail={
              overview.snapshot.ageSeconds === null
                ? 'the engine has not published a snapshot'
                : `${formatDuration(overview.snapshot.ageSeconds * 1000)} old`
            }
          />
          {health.sources.map((s) => (
            <Stat
              key={s.backend}
              label={`Prometheus "${s.backend}"`}
              tone={s.circuit === 'closed' ? 'good' : s.circuit === 'unknown' ? 'neutral' : 'bad'}
              value={s.circuit === 'closed' ? 'reachable' : `circuit ${s.circuit}`}
              detail={`${s.policiesFailing} policies failing`}
            />
          ))}
        </div>
        {health.policyErrors.length > 0 && (
          <ul className={styles.errors}>
            {health.policyErrors.map((e) => (
              <li key={`${e.namespace}/${e.name}`}>
                <strong>
                  {e.namespace}/{e.name}
                </strong>
                : {e.error}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export default OverviewPage;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(3) }),
  stats: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(2) }),
  section: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  table: css(tableStyle(theme)),
  right: css({ textAlign: 'right !important' as 'right', fontVariantNumeric: 'tabular-nums' }),
  bar: css({ width: '25%' }),
  link: css({ color: theme.colors.text.link }),
  error: css({ color: theme.colors.error.text, fontSize: theme.typography.bodySmall.fontSize }),
  errors: css({ color: theme.colors.error.text, paddingLeft: theme.spacing(2) }),
});
