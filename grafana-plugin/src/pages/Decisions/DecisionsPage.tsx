import React, { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Button, Field, Stack, Text, useStyles2 } from '@grafana/ui';
import { costscale } from '../../api/client';
import { describeError } from '../../api/errors';
import type { DecisionRecord } from '../../api/types';
import { BoundBadge } from '../../components/Badges/Badges';
import { ExplanationView } from '../../components/Explanation/ExplanationView';
import { PageToolbar } from '../../components/PageToolbar/PageToolbar';
import { EmptyPageState, ErrorState, LoadingState } from '../../components/PageStates/PageStates';
import { PolicyPicker } from '../../components/PolicyPicker/PolicyPicker';
import { testIds } from '../../components/testIds';
import { TimeRangeControl } from '../../components/TimeRangeControl/TimeRangeControl';
import { parsePolicyKey, usePolicies } from '../../hooks/usePolicies';
import { useRequest } from '../../hooks/useRequest';
import { useTimeRange } from '../../hooks/useTimeRange';
import { formatDateTime } from '../../utils/format';

const PAGE_SIZE = 100;

/** Decision history in the time range, newest first, with the full explanation of the one selected. */
function DecisionsPage() {
  const styles = useStyles2(getStyles);
  const [params, setParams] = useSearchParams();
  const time = useTimeRange('now-1h');
  const policies = usePolicies();
  const policy = params.get('policy');
  const target = parsePolicyKey(policy);
  const from = time.range.from.valueOf();
  const to = time.range.to.valueOf();

  const first = useRequest(
    () =>
      costscale.decisions({ namespace: target?.namespace, policy: target?.name, from, to, limit: PAGE_SIZE }),
    [policy, from, to],
  );
  const [older, setOlder] = useState<{ items: DecisionRecord[]; nextCursor: string | null; error?: unknown }>(
    {
      items: [],
      nextCursor: null,
    },
  );
  const [loadingOlder, setLoadingOlder] = useState(false);
  useEffect(() => setOlder({ items: [], nextCursor: null }), [first.value]);

  const decisions = [...(first.value?.items ?? []), ...older.items];
  const nextCursor =
    older.items.length > 0 || older.error ? older.nextCursor : (first.value?.nextCursor ?? null);
  const selectedId = Number(params.get('decision'));
  const selected = decisions.find((d) => d.id === selectedId) ?? decisions[0];

  const update = (key: string, value: string | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value === null) {
        next.delete(key);
      } else {
        next.set(key, value);
      }
      return next;
    });

  const loadOlder = async () => {
    if (nextCursor === null) {
      return;
    }
    setLoadingOlder(true);
    try {
      const page = await costscale.decisions({
        namespace: target?.namespace,
        policy: target?.name,
        from,
        to,
        limit: PAGE_SIZE,
        cursor: nextCursor,
      });
      setOlder((o) => ({ items: [...o.items, ...page.items], nextCursor: page.nextCursor }));
    } catch (error) {
      setOlder((o) => ({ ...o, error }));
    } finally {
      setLoadingOlder(false);
    }
  };

  return (
    <PluginPage>
      <div data-testid={testIds.decisions.container} className={styles.page}>
        <PageToolbar
          actions={
            <TimeRangeControl
              range={time.range}
              onChange={time.setRange}
              onShift={time.shift}
              onZoomOut={time.zoomOut}
            />
          }
        >
          <Field label="Policy" className={styles.field}>
            <PolicyPicker
              policies={policies.value ?? []}
              value={policy}
              allowAll
              onChange={(key) => {
                update('policy', key);
                update('decision', null);
              }}
            />
          </Field>
        </PageToolbar>
        {first.status === 'loading' && !first.value && <LoadingState text="Loading decisions…" />}
        {first.status === 'error' && (
          <ErrorState title="Could not load the decisions" error={first.error} onRetry={first.reload} />
        )}
        {first.value && decisions.length === 0 && (
          <EmptyPageState message="No decisions in this time range. The engine records one per policy and tick." />
        )}
        {decisions.length > 0 && (
          <div className={styles.split}>
            <div className={styles.list}>
              <table className={styles.table} data-testid={testIds.decisions.table}>
                <thead>
                  <tr>
                    <th>Decided (UTC)</th>
                    <th>Policy</th>
                    <th>Replicas</th>
                    <th>Bound</th>
                  </tr>
                </thead>
                <tbody>
                  {decisions.map((d) => (
                    <tr
                      key={d.id}
                      className={cx(styles.row, d.id === selected?.id && styles.selected)}
                      onClick={() => update('decision', String(d.id))}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          update('decision', String(d.id));
                        }
                      }}
                      tabIndex={0}
                      aria-selected={d.id === selected?.id}
                    >
                      <td>{formatDateTime(d.decidedAt)}</td>
                      <td>
                        {d.namespace}/{d.policy}
                      </td>
                      <td>{d.replicas ?? <Text color="error">none</Text>}</td>
                      <td>
                        <BoundBadge bound={d.decision?.actingBound ?? null} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Stack gap={1} alignItems="center">
                <Text color="secondary">
                  {decisions.length} decision{decisions.length === 1 ? '' : 's'}
                </Text>
                {nextCursor !== null && (
                  <Button size="sm" variant="secondary" onClick={loadOlder} disabled={loadingOlder}>
                    {loadingOlder ? 'Loading…' : 'Load older'}
                  </Button>
                )}
                {older.error !== undefined && <Text color="error">{describeError(older.error)}</Text>}
              </Stack>
            </div>
            <div className={styles.detail}>
              {selected && (
                <>
                  <h3>
                    {selected.namespace}/{selected.policy} at {formatDateTime(selected.decidedAt)} UTC
                  </h3>
                  {selected.explanation ? (
                    <ExplanationView explanation={selected.explanation} decision={selected.decision} />
                  ) : (
                    <Text color="secondary">This decision was stored without an explanation.</Text>
                  )}
                </>
              )}
            </div>
          </div>
        )}
      </div>
    </PluginPage>
  );
}

export default DecisionsPage;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  field: css({ marginBottom: 0 }),
  split: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(320px, 2fr) 3fr',
    gap: theme.spacing(3),
    alignItems: 'start',
    [theme.breakpoints.down('lg')]: { gridTemplateColumns: '1fr' },
  }),
  list: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    maxHeight: '75vh',
    overflowY: 'auto',
  }),
  detail: css({
    padding: theme.spacing(2),
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
    },
    th: {
      color: theme.colors.text.secondary,
      fontWeight: theme.typography.fontWeightMedium,
      position: 'sticky',
      top: 0,
      background: theme.colors.background.canvas,
    },
  }),
  row: css({ cursor: 'pointer', '&:hover': { background: theme.colors.action.hover } }),
  selected: css({ background: theme.colors.action.selected }),
});
