import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

/**
 * The row above a page's content: filters on the left, actions on the right. It lives in the page
 * body rather than PluginPage's `actions`, so it shows wherever the page is hosted.
 */
export function PageToolbar({
  children,
  actions,
}: {
  children?: React.ReactNode;
  actions?: React.ReactNode;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.toolbar}>
      <div className={styles.filters}>{children}</div>
      <div className={styles.actions}>{actions}</div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  toolbar: css({
    display: 'flex',
    flexWrap: 'wrap',
    justifyContent: 'space-between',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  }),
  filters: css({ display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: theme.spacing(2) }),
  actions: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
});
