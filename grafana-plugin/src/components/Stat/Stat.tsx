import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

export interface StatProps {
  readonly label: string;
  readonly value: React.ReactNode;
  readonly detail?: React.ReactNode;
  readonly tone?: 'neutral' | 'good' | 'warning' | 'bad';
  readonly testId?: string;
}

/** One headline figure with its label and a line of context. */
export function Stat({ label, value, detail, tone = 'neutral', testId }: StatProps) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.box} data-testid={testId}>
      <div className={styles.label}>{label}</div>
      <div className={`${styles.value} ${styles[tone]}`}>{value}</div>
      {detail !== undefined && <div className={styles.detail}>{detail}</div>}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5, 2),
    minWidth: 180,
    flex: '1 1 180px',
  }),
  label: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  value: css({ fontSize: theme.typography.h3.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  detail: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  neutral: css({ color: theme.colors.text.primary }),
  good: css({ color: theme.colors.success.text }),
  warning: css({ color: theme.colors.warning.text }),
  bad: css({ color: theme.colors.error.text }),
});
