import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Field, Text, useStyles2 } from '@grafana/ui';
import { costscale } from '../../api/client';
import { BoundBadge } from '../../components/Badges/Badges';
import { ExplanationView } from '../../components/Explanation/ExplanationView';
import { CursorListDetail, getListDetailStyles, SelectableRow } from '../../components/ListDetail/ListDetail';
import { PageToolbar } from '../../components/PageToolbar/PageToolbar';
import { PolicyPicker } from '../../components/PolicyPicker/PolicyPicker';
import { testIds } from '../../components/testIds';
import { TimeRangeControl } from '../../components/TimeRangeControl/TimeRangeControl';
import { useCursorPages } from '../../hooks/useCursorPages';
import { parsePolicyKey, usePolicies } from '../../hooks/usePolicies';
import { useTimeRange } from '../../hooks/useTimeRange';
import { useUrlParams } from '../../hooks/useUrlParams';
import { formatDateTime } from '../../utils/format';

const PAGE_SIZE = 100;

/** Decision history in the time range, newest first, with the full explanation of the one selected. */
function DecisionsPage() {
  const styles = useStyles2(getListDetailStyles);
  const [params, update] = useUrlParams();
  const time = useTimeRange('now-1h');
  const policies = usePolicies();
  const policy = params.get('policy');
  const target = parsePolicyKey(policy);
  const from = time.range.from.valueOf();
  const to = time.range.to.valueOf();

  const pages = useCursorPages(
    (cursor) =>
      costscale.decisions({
        namespace: target?.namespace,
        policy: target?.name,
        from,
        to,
        limit: PAGE_SIZE,
        cursor,
      }),
    [policy, from, to],
  );
  const decisions = pages.items;
  const selectedId = Number(params.get('decision'));
  const selected = decisions.find((d) => d.id === selectedId) ?? decisions[0];

  return (
    <PluginPage>
      <div data-testid={testIds.decisions.container} className={styles.page}>
        <PageToolbar actions={<TimeRangeControl time={time} />}>
          <Field label="Policy" className={styles.field}>
            <PolicyPicker
              policies={policies.value ?? []}
              value={policy}
              allowAll
              onChange={(key) => update({ policy: key, decision: null })}
            />
          </Field>
        </PageToolbar>
        <CursorListDetail
          pages={pages}
          what="decisions"
          noun="decision"
          empty="No decisions in this time range. The engine records one per policy and tick."
          tableTestId={testIds.decisions.table}
          columns={['Decided (UTC)', 'Policy', 'Replicas', 'Bound']}
          rows={decisions.map((d) => (
            <SelectableRow
              key={d.id}
              selected={d.id === selected?.id}
              onSelect={() => update({ decision: String(d.id) })}
            >
              <td>{formatDateTime(d.decidedAt)}</td>
              <td>
                {d.namespace}/{d.policy}
              </td>
              <td>{d.replicas ?? <Text color="error">none</Text>}</td>
              <td>
                <BoundBadge bound={d.decision?.actingBound ?? null} />
              </td>
            </SelectableRow>
          ))}
          detail={
            selected && (
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
            )
          }
        />
      </div>
    </PluginPage>
  );
}

export default DecisionsPage;
