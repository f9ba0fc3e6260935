import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, ConfirmModal, Stack, Text, useStyles2 } from '@grafana/ui';
import { costscale } from '../../api/client';
import { ApiError, describeError } from '../../api/errors';
import type { Recommendation, RecommendationAction } from '../../api/upcoming';
import {
  ApiUnavailableState,
  EmptyPageState,
  ErrorState,
  LoadingState,
} from '../../components/PageStates/PageStates';
import { testIds } from '../../components/testIds';
import { useRequest } from '../../hooks/useRequest';
import { formatDateTime, formatMoney } from '../../utils/format';

const ACTIONS: Record<RecommendationAction, { verb: string; confirm: (r: Recommendation) => string }> = {
  apply: {
    verb: 'Apply',
    confirm: (r) =>
      `costscale will patch ${r.target} in ${r.namespace} through the Kubernetes API and record the change so it can be rolled back.`,
  },
  dismiss: {
    verb: 'Dismiss',
    confirm: (r) => `The recommendation for ${r.target} will no longer be offered.`,
  },
  rollback: {
    verb: 'Roll back',
    confirm: (r) =>
      `costscale will restore the fields of ${r.target} in ${r.namespace} it changed when applying.`,
  },
};

/** Which actions a recommendation in this status allows. */
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

/** Priced recommendations with their SLA check, applied, dismissed or rolled back after confirmation. */
function RecommendationsPage() {
  const styles = useStyles2(getStyles);
  const state = useRequest(async () => {
    try {
      return { available: true as const, items: (await costscale.recommendations()).items };
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
        {state.status === 'loading' && !state.value && <LoadingState text="Loading recommendations…" />}
        {state.status === 'error' && (
          <ErrorState title="Could not load the recommendations" error={state.error} onRetry={state.reload} />
        )}
        {state.value?.available === false && (
          <ApiUnavailableState
            feature="recommendations"
            detail="The connected costscale adapter does not serve /api/v1/recommendations yet (it answered 404). Once it does, this page lists right-sizing, HPA tuning, schedule, spot and idle-workload recommendations with their estimated monthly savings and SLA check."
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
          <EmptyPageState message="No recommendations: nothing to save without risking the SLO right now." />
        )}
        {state.value?.available && state.value.items.length > 0 && (
          <table className={styles.table} data-testid={testIds.recommendations.table}>
            <thead>
              <tr>
                <th>Recommendation</th>
                <th>Target</th>
                <th className={styles.right}>Est. monthly savings</th>
                <th>SLA check</th>
                <th>Status</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {state.value.items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Badge color="blue" text={r.kind} /> {r.summary}
                    <div className={styles.muted}>{formatDateTime(r.createdAt)} UTC</div>
                  </td>
                  <td>
                    {r.namespace}/{r.target}
                  </td>
                  <td className={styles.right}>{formatMoney(r.estimatedMonthlySavings, r.currency)}</td>
                  <td>
                    <Badge
                      color={r.slaCheck.passed ? 'green' : 'red'}
                      text={r.slaCheck.passed ? 'passed' : 'failed'}
                    />
                    <div className={styles.muted}>{r.slaCheck.detail}</div>
                  </td>
                  <td>{r.status}</td>
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
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.75, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  right: css({ textAlign: 'right !important' as 'right', fontVariantNumeric: 'tabular-nums' }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
