import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { RefreshButton } from '../../components/RefreshButton/RefreshButton';
import { Alert, Badge, Button, ConfirmModal, Stack, Text, useStyles2 } from '@grafana/ui';
import { costscale } from '../../api/client';
import { ApiError, describeError } from '../../api/errors';
import type { Recommendation, RecommendationAction } from '../../api/types';
import {
  ApiUnavailableState,
  EmptyPageState,
  ErrorState,
  LoadingState,
} from '../../components/PageStates/PageStates';
import { PageToolbar } from '../../components/PageToolbar/PageToolbar';
import { testIds } from '../../components/testIds';
import { useRequest } from '../../hooks/useRequest';
import { formatDateTime, formatMoney } from '../../utils/format';
import { tableStyle } from '../../components/tableStyle';

const ACTIONS: Record<RecommendationAction, { verb: string; confirm: (r: Recommendation) => string }> = {
  apply: {
    verb: 'Apply',
    confirm: (r) =>
      `costscale will change ${r.target.kind}/${r.target.name} in ${r.namespace} through the Kubernetes API (${r.summary}) and record the change so it can be rolled back.`,
  },
  dismiss: {
    verb: 'Dismiss',
    confirm: (r) => `The recommendation for ${r.target.kind}/${r.target.name} will no longer be offered.`,
  },
  rollback: {
    verb: 'Roll back',
    confirm: (r) =>
      `costscale will restore the fields of ${r.target.kind}/${r.target.name} in ${r.namespace} it changed when applying.`,
  },
};

/** Which actions a recommendation in its status allows; one that failed its SLA check cannot be applied. */
export function actionsFor(r: Recommendation): RecommendationAction[] {
  switch (r.status) {
    case 'open':
      return r.slaCheck.passed ? ['apply', 'dismiss'] : ['dismiss'];
    case 'applied':
      return ['rollback'];
    default:
      return [];
  }
}

const STATUS_COLOR: Record<Recommendation['status'], 'blue' | 'green' | 'orange' | 'darkgrey'> = {
  open: 'blue',
  applied: 'green',
  rolled_back: 'orange',
  dismissed: 'darkgrey',
  expired: 'darkgrey',
};

/** Priced recommendations with their SLA check, applied, dismissed or rolled back after confirmation. */
function RecommendationsPage() {
  const styles = useStyles2(getStyles);
  const state = useRequest(async () => {
    try {
      return { available: true as const, items: (await costscale.recommendations({ limit: 200 })).items };
    } catch (error) {
      if (error instanceof ApiError && error.isNotFound) {
        return { available: false as const };
      }
      throw error;
    }
  }, []);
  const [pending, setPending] = useState<{ recommendation: Recommendation; action: RecommendationAction }>();
  const [actionError, setActionError] = useState<string>();

  const confirm = async () => {
    if (!pending) {
      return;
    }
    try {
      await costscale.actOnRecommendation(pending.recommendation.id, pending.action);
      setActionError(undefined);
      state.reload();
    } catch (error) {
      setActionError(`${ACTIONS[pending.action].verb} failed: ${describeError(error)}`);
    } finally {
      setPending(undefined);
    }
  };

  return (
    <PluginPage>
      <div data-testid={testIds.recommendations.container} className={styles.page}>
        <PageToolbar
          actions={<RefreshButton onClick={state.reload} loading={state.status === 'loading'} />}
        />
        {state.status === 'loading' && !state.value && <LoadingState text="Loading recommendations…" />}
        {state.status === 'error' && (
          <ErrorState title="Could not load the recommendations" error={state.error} onRetry={state.reload} />
        )}
        {state.value?.available === false && (
          <ApiUnavailableState
            feature="recommendations"
            detail="The connected costscale adapter does not serve /api/v1/recommendations (it answered 404). Adapters that do list right-sizing, HPA tuning, schedule, spot and idle-workload recommendations here, with their estimated monthly savings and SLA check."
          />
        )}
        {actionError && (
          <Alert
            severity="error"
            title="The action did not go through"
            onRemove={() => setActionError(undefined)}
          >
            {actionError}
          </Alert>
        )}
        {state.value?.available && state.value.items.length === 0 && (
          <EmptyPageState message="No recommendations: nothing would save money without risking the SLO right now. They are regenerated periodically from each policy's history." />
        )}
        {state.value?.available && state.value.items.length > 0 && (
          <table className={styles.table} data-testid={testIds.recommendations.table}>
            <thead>
              <tr>
                <th>Recommendation</th>
                <th>Target</th>
                <th className={styles.right}>Est. monthly savings</th>
                <th>SLA check (simulated)</th>
                <th>Status</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {state.value.items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Badge color="blue" text={r.kind} /> {r.summary}
                    <div className={styles.muted}>
                      {formatDateTime(r.createdAt)} UTC
                      {r.expiresAt ? ` · expires ${formatDateTime(r.expiresAt)} UTC` : ''}
                    </div>
                  </td>
                  <td>
                    {r.namespace}/{r.target.kind}/{r.target.name}
                    <div className={styles.muted}>policy {r.policy}</div>
                  </td>
                  <td className={styles.right}>{formatMoney(r.monthlySavings, r.currency)}</td>
                  <td>
                    <Badge
                      color={r.slaCheck.passed ? 'green' : 'red'}
                      text={r.slaCheck.passed ? 'passed' : 'failed'}
                    />
                    <div className={styles.muted}>{r.slaCheck.detail}</div>
                  </td>
                  <td>
                    <Badge color={STATUS_COLOR[r.status]} text={r.status.replace('_', ' ')} />
                    {r.statusChangedBy && <div className={styles.muted}>by {r.statusChangedBy}</div>}
                  </td>
                  <td>
                    <Stack gap={1}>
                      {actionsFor(r).map((action) => (
                        <Button
                          key={action}
                          size="sm"
                          variant={action === 'apply' ? 'primary' : 'secondary'}
                          onClick={() => setPending({ recommendation: r, action })}
                        >
                          {ACTIONS[action].verb}
                        </Button>
                      ))}
                    </Stack>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {pending && (
          <ConfirmModal
            isOpen
            title={`${ACTIONS[pending.action].verb}: ${pending.recommendation.summary}`}
            body={<Text>{ACTIONS[pending.action].confirm(pending.recommendation)}</Text>}
            confirmText={ACTIONS[pending.action].verb}
            onConfirm={confirm}
            onDismiss={() => setPending(undefined)}
          />
        )}
      </div>
    </PluginPage>
  );
}

export default RecommendationsPage;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  table: css(tableStyle(theme)),
  right: css({ textAlign: 'right !important' as 'right', fontVariantNumeric: 'tabular-nums' }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
