import React from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, Stack, Text, useStyles2 } from '@grafana/ui';
import { describeError } from '../../api/errors';
import type { CursorPages } from '../../hooks/useCursorPages';
import { EmptyPageState, ErrorState, LoadingState } from '../PageStates/PageStates';
import { tableStyle } from '../tableStyle';

// The list-and-detail layout of the history pages (decisions, anomalies): a scrolling table of rows
// to pick from beside the detail of the one picked, with older pages loaded on demand.

/**
 * A history page's body: the first page's loading, error and empty states, then the table of rows beside
 * the detail of the row picked.
 */
export function CursorListDetail<T>({
  pages,
  what,
  noun,
  empty,
  tableTestId,
  columns,
  rows,
  detail,
}: {
  readonly pages: CursorPages<T>;
  /** What the list holds, plural, for its loading and error states. */
  readonly what: string;
  /** One row, singular, for the count. */
  readonly noun: string;
  /** The empty state's message. */
  readonly empty: string;
  readonly tableTestId: string;
  readonly columns: readonly string[];
  /** The table's rows: SelectableRow elements. */
  readonly rows: React.ReactNode;
  readonly detail: React.ReactNode;
}) {
  const styles = useStyles2(getListDetailStyles);
  const { first, items } = pages;
  return (
    <>
      {first.status === 'loading' && !first.value && <LoadingState text={`Loading ${what}…`} />}
      {first.status === 'error' && (
        <ErrorState title={`Could not load the ${what}`} error={first.error} onRetry={first.reload} />
      )}
      {first.value && items.length === 0 && <EmptyPageState message={empty} />}
      {items.length > 0 && (
        <div className={styles.split}>
          <div className={styles.list}>
            <table className={styles.table} data-testid={tableTestId}>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>{rows}</tbody>
            </table>
            <LoadOlder
              count={items.length}
              noun={noun}
              nextCursor={pages.nextCursor}
              loading={pages.loadingOlder}
              error={pages.olderError}
              onLoad={pages.loadOlder}
            />
          </div>
          <div className={styles.detail}>{detail}</div>
        </div>
      )}
    </>
  );
}

/** A table row that is picked by a click, Enter or Space. */
export function SelectableRow({
  selected,
  onSelect,
  children,
}: {
  readonly selected: boolean;
  readonly onSelect: () => void;
  readonly children: React.ReactNode;
}) {
  const styles = useStyles2(getListDetailStyles);
  return (
    <tr
      className={cx(styles.row, selected && styles.selected)}
      onClick={onSelect}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect();
        }
      }}
      tabIndex={0}
      aria-selected={selected}
    >
      {children}
    </tr>
  );
}

/** How many rows are listed, and a button for the next older page while there is one. */
function LoadOlder({
  count,
  noun,
  nextCursor,
  loading,
  error,
  onLoad,
}: {
  readonly count: number;
  /** Singular; an `s` is added for any other count. */
  readonly noun: string;
  readonly nextCursor: string | null;
  readonly loading: boolean;
  readonly error?: unknown;
  readonly onLoad: () => void;
}) {
  return (
    <Stack gap={1} alignItems="center">
      <Text color="secondary">
        {count} {noun}
        {count === 1 ? '' : 's'}
      </Text>
      {nextCursor !== null && (
        <Button size="sm" variant="secondary" onClick={onLoad} disabled={loading}>
          {loading ? 'Loading…' : 'Load older'}
        </Button>
      )}
      {error !== undefined && <Text color="error">{describeError(error)}</Text>}
    </Stack>
  );
}

export const getListDetailStyles = (theme: GrafanaTheme2) => ({
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
  table: css(tableStyle(theme, true), {
    th: { position: 'sticky', top: 0, background: theme.colors.background.canvas },
  }),
  row: css({ cursor: 'pointer', '&:hover': { background: theme.colors.action.hover } }),
  selected: css({ background: theme.colors.action.selected }),
});
