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
  /** Thresholds as fractions spent; marked on the bar when known. */
  readonly thresholds?: { readonly warning: number; readonly critical: number };
  /** The budget's state as the adapter judged it; otherwise judged from the thresholds. */
  readonly state?: 'ok' | 'warning' | 'critical' | 'unknown';
}

function stateOf(
  spent: number | null,
  thresholds: UtilisationBarProps['thresholds'],
): UtilisationBarProps['state'] {
  if (spent === null || thresholds === undefined) {
    return 'unknown';
  }
  return spent >= thresholds.critical ? 'critical' : spent >= thresholds.warning ? 'warning' : 'ok';
}

/** Spent and projected fractions of a budget, coloured by its state, with its thresholds marked. */
export function UtilisationBar({ spent, projected, thresholds, state }: UtilisationBarProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const clamp = (f: number) => `${Math.min(100, Math.max(0, f * 100))}%`;
  const color = {
    ok: theme.colors.success.main,
    warning: theme.colors.warning.main,
    critical: theme.colors.error.main,
    unknown: theme.colors.text.disabled,
  }[state ?? stateOf(spent, thresholds) ?? 'unknown'];
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
      {thresholds && (
        <>
          <div
            className={styles.tick}
            style={{ left: clamp(thresholds.warning) }}
            title={`warning at ${formatPercent(thresholds.warning, 0)}`}
          />
          <div
            className={styles.tick}
            style={{ left: clamp(thresholds.critical) }}
            title={`critical at ${formatPercent(thresholds.critical, 0)}`}
          />
        </>
      )}
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
