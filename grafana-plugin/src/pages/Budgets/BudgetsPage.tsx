import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, Stack, Text, useStyles2 } from '@grafana/ui';
import { costscale } from '../../api/client';
import type { BudgetEvent, Budget, BudgetStatus } from '../../api/types';
import { BudgetStateBadge } from '../../components/Badges/Badges';
import { BurnDownChart } from '../../components/charts/BurnDownChart';
import { PageToolbar } from '../../components/PageToolbar/PageToolbar';
import { EmptyPageState, ErrorState, LoadingState } from '../../components/PageStates/PageStates';
import { Stat } from '../../components/Stat/Stat';
import { testIds } from '../../components/testIds';
import { UtilisationBar } from '../../components/UtilisationBar/UtilisationBar';
import { useContainerWidth } from '../../hooks/useContainerWidth';
import { useCurrency } from '../../hooks/useCurrency';
import { type RequestResult, useRequest } from '../../hooks/useRequest';
import { budgetBurnDown } from '../../utils/burnDown';
import { formatDateTime, formatMoney, formatNumber, formatPercent, formatRelative } from '../../utils/format';
import { BudgetForm } from './BudgetForm';
import { tableStyle } from '../../components/tableStyle';

type Editing = { readonly mode: 'create' } | { readonly mode: 'edit'; readonly budget: Budget } | undefined;

/** Every budget: spend, burn-down with projection and exhaustion ETA, threshold events; create and edit. */
function BudgetsPage() {
  const styles = useStyles2(getStyles);
  const currency = useCurrency();
  const budgets = useRequest(async () => (await costscale.budgets()).items, []);
  const [editing, setEditing] = useState<Editing>(undefined);

  return (
    <PluginPage>
      <PageToolbar
        actions={
          <Button
            icon="plus"
            data-testid={testIds.budgets.create}
            onClick={() => setEditing({ mode: 'create' })}
          >
            Create budget
          </Button>
        }
      />
      <div className={styles.page} data-testid={testIds.budgets.container}>
        {budgets.status === 'loading' && !budgets.value && <LoadingState text="Loading budgets…" />}
        {budgets.status === 'error' && (
          <ErrorState title="Could not load the budgets" error={budgets.error} onRetry={budgets.reload} />
        )}
        {budgets.value && budgets.value.length === 0 && (
          <EmptyPageState message="No budgets yet">
            A budget caps spend per day, week or month over a set of policies; as its projection overruns,
            costscale weighs replicas as dearer. Create one to start.
          </EmptyPageState>
        )}
        {budgets.value?.map((b) => (
          <BudgetCard
            key={b.name}
            budget={b}
            currency={currency}
            onEdit={() => setEditing({ mode: 'edit', budget: b })}
          />
        ))}
      </div>
      {editing && (
        <BudgetForm
          budget={editing.mode === 'edit' ? editing.budget : undefined}
          onDismiss={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            budgets.reload();
          }}
        />
      )}
    </PluginPage>
  );
}

interface BudgetCardProps {
  readonly budget: Budget;
  readonly currency: string;
  readonly onEdit: () => void;
}

function BudgetCard({ budget, currency, onEdit }: BudgetCardProps) {
  const styles = useStyles2(getStyles);
  const { ref, width } = useContainerWidth<HTMLDivElement>();
  const events = useRequest(
    async () => (await costscale.budgetEvents(budget.name, { limit: 50 })).items,
    [budget.name],
  );
  const status = budget.status;
  const spec = budget.spec;
  const scope = scopeDescription(spec.scope);

  return (
    <section className={styles.card} data-testid={testIds.budgets.card} aria-label={`Budget ${budget.name}`}>
      <Stack justifyContent="space-between" alignItems="center" wrap="wrap">
        <Stack gap={1} alignItems="center">
          <h3 className={styles.title}>{budget.name}</h3>
          {status && <BudgetStateBadge state={status.state} />}
          <Badge color="darkgrey" text={`${spec.period} · ${spec.timeZone}`} />
          {status && <Text color="secondary">{status.periodLabel}</Text>}
        </Stack>
        <Button
          size="sm"
          variant="secondary"
          icon="pen"
          onClick={onEdit}
          disabled={budget.source === 'config'}
          tooltip={
            budget.source === 'config' ? 'Defined in the configuration file; edit it there' : undefined
          }
        >
          Edit
        </Button>
      </Stack>
      <Text color="secondary" element="p">
        {formatMoney(spec.amount, currency)} per {periodNoun(spec.period)} over {scope}; warning at{' '}
        {formatPercent(spec.thresholds.warning, 0)}, critical at {formatPercent(spec.thresholds.critical, 0)}.{' '}
        {budget.policies.length === 0 ? 'No policies in scope.' : `Policies: ${budget.policies.join(', ')}.`}
      </Text>
      {status === null ? (
        <Alert severity="info" title="No status yet">
          {budget.statusError ?? 'The engine has not evaluated this budget yet.'}
        </Alert>
      ) : (
        <>
          <BudgetFigures
            status={status}
            currency={currency}
            warning={spec.thresholds.warning}
            critical={spec.thresholds.critical}
          />
          <div ref={ref} data-testid={testIds.budgets.chart}>
            <BurnDownChart
              title={`Burn-down of budget ${budget.name}`}
              burnDown={budgetBurnDown(budget, status, events.value ?? [])}
              currency={currency}
              width={width}
              height={260}
              timeZone={spec.timeZone}
            />
          </div>
          {status.warnings.length > 0 && (
            <Alert severity="warning" title="Inputs the status could not trust">
              {status.warnings.map((w) => (
                <div key={w}>{w}</div>
              ))}
            </Alert>
          )}
        </>
      )}
      <BudgetEvents events={events} timeZone={spec.timeZone} />
    </section>
  );
}

/** A budget covers the policies in its scope and those that name it; without a scope, only the latter. */
export function scopeDescription(scope: Budget['spec']['scope']): string {
  const parts = [
    scope.namespaces !== undefined &&
      scope.namespaces.length > 0 &&
      `namespaces ${scope.namespaces.join(', ')}`,
    scope.selector !== undefined && `policies matching ${scope.selector}`,
  ].filter(Boolean);
  return parts.length > 0 ? `${parts.join(' and ')}, and policies that name it` : 'the policies that name it';
}

function periodNoun(period: Budget['spec']['period']): string {
  return period === 'daily' ? 'day' : period === 'weekly' ? 'week' : 'month';
}

function BudgetFigures(props: { status: BudgetStatus; currency: string; warning: number; critical: number }) {
  const styles = useStyles2(getStyles);
  const { status, currency } = props;
  const now = Date.parse(status.evaluatedAt);
  const eta = status.exhaustionAt === null ? null : Date.parse(status.exhaustionAt);
  return (
    <>
      <div className={styles.figures}>
        <Stat
          label="Spent"
          value={formatMoney(status.spent, currency)}
          detail={`${formatPercent(status.utilisation)} of ${formatMoney(status.amount, currency)}`}
        />
        <Stat
          label="Remaining"
          value={formatMoney(status.remaining, currency)}
          detail={`${formatNumber(status.hoursLeft, 1)} h left in the period`}
        />
        <Stat label="Burn rate" value={`${formatMoney(status.burnRatePerHour, currency)}/h`} />
        <Stat
          label="Projected spend"
          tone={
            status.projectedUtilisation > 1
              ? 'bad'
              : status.projectedUtilisation >= props.warning
                ? 'warning'
                : 'good'
          }
          value={formatMoney(status.projectedSpend, currency)}
          detail={`${formatPercent(status.projectedUtilisation)} of the budget (from ${status.projectionBasis})`}
        />
        <Stat
          label="Exhaustion ETA"
          tone={eta === null ? 'good' : 'bad'}
          value={eta === null ? 'not this period' : formatRelative(eta, now)}
          detail={
            eta === null
              ? 'the current burn fits the budget'
              : `${formatDateTime(eta)} UTC at the current burn rate`
          }
        />
        <Stat
          label="Shadow price λ"
          tone={status.shadowPrice > 0 ? 'warning' : 'neutral'}
          value={formatNumber(status.shadowPrice, 3)}
          detail={
            status.shadowPrice > 0
              ? 'replicas weighed as dearer while the projection overruns'
              : 'the projection fits'
          }
        />
      </div>
      <UtilisationBar
        spent={status.utilisation}
        projected={status.projectedUtilisation}
        state={status.state}
        thresholds={{ warning: props.warning, critical: props.critical }}
      />
    </>
  );
}

function BudgetEvents({ events, timeZone }: { events: RequestResult<BudgetEvent[]>; timeZone: string }) {
  const styles = useStyles2(getStyles);
  return (
    <details
      className={styles.events}
      data-testid={testIds.budgets.events}
      open={(events.value?.length ?? 0) > 0}
    >
      <summary>Threshold events{events.value ? ` (${events.value.length})` : ''}</summary>
      {events.status === 'error' && (
        <ErrorState title="Could not load the events" error={events.error} onRetry={events.reload} />
      )}
      {events.value && events.value.length === 0 && (
        <Text color="secondary">No threshold crossings recorded.</Text>
      )}
      {events.value && events.value.length > 0 && (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>When ({timeZone})</th>
              <th>Change</th>
              <th>Spent</th>
              <th>Period</th>
            </tr>
          </thead>
          <tbody>
            {events.value.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.at, timeZone)}</td>
                <td>
                  <BudgetStateBadge state={e.from} /> → <BudgetStateBadge state={e.to} />
                </td>
                <td>{formatPercent(e.utilisation)}</td>
                <td>
                  {typeof e.details.period === 'string'
                    ? e.details.period
                    : formatDateTime(e.periodStart, timeZone)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}

export default BudgetsPage;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(3) }),
  card: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
    padding: theme.spacing(2),
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  title: css({ margin: 0 }),
  figures: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))',
    gap: theme.spacing(1.5),
  }),
  events: css({ summary: { cursor: 'pointer', color: theme.colors.text.secondary } }),
  table: css(tableStyle(theme, true), { marginTop: theme.spacing(1) }),
});
