import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { formatPercent } from '../../utils/format';

export interface UtilisationBarProps {
  /** Fraction of the budget spent. */
  readonly spent: number | null;
  /** Fraction the projection reaches at the period's end. */
  readonly projected: number | null;
  readonly warning: number;
  readonly critical: number;
}

/** Spent and projected fractions of a budget against its warning and critical thresholds. */
export function UtilisationBar({ spent, projected, warning, critical }: UtilisationBarProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const clamp = (f: number) => `${Math.min(100, Math.max(0, f * 100))}%`;
  const color =
    spent === null
      ? theme.colors.text.disabled
      : spent >= critical
        ? theme.colors.error.main
        : spent >= warning
          ? theme.colors.warning.main
          : theme.colors.success.main;
  return (
    <div
      className={styles.track}
      role="meter"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={spent === null ? undefined : Math.round(spent * 100)}
      aria-label={`spent ${formatPercent(spent)}, projected ${formatPercent(projected)}`}
    >
      {projected !== null && <div className={styles.projected} style={{ width: clamp(projected) }} />}
      {spent !== null && <div className={styles.spent} style={{ width: clamp(spent), background: color }} />}
      <div
        className={styles.tick}
        style={{ left: clamp(warning) }}
        title={`warning at ${formatPercent(warning, 0)}`}
      />
      <div
        className={styles.tick}
        style={{ left: clamp(critical) }}
        title={`critical at ${formatPercent(critical, 0)}`}
      />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  track: css({
    position: 'relative',
    height: 10,
    borderRadius: theme.shape.radius.pill,
    background: theme.colors.background.canvas,
    border: `1px solid ${theme.colors.border.weak}`,
    overflow: 'hidden',
    minWidth: 120,
  }),
  projected: css({
    position: 'absolute',
    inset: 0,
    right: 'auto',
    background: theme.colors.action.selected,
    backgroundImage: `repeating-linear-gradient(45deg, transparent, transparent 4px, ${theme.colors.border.medium} 4px, ${theme.colors.border.medium} 6px)`,
  }),
  spent: css({ position: 'absolute', inset: 0, right: 'auto' }),
  tick: css({ position: 'absolute', top: 0, bottom: 0, width: 2, background: theme.colors.text.secondary }),
});
