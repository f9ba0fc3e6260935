import type { GrafanaTheme2 } from '@grafana/data';
import type { CSSObject } from '@emotion/css/create-instance';

/** The plugin's tables: full width, a hairline between rows, muted headers; `dense` for lists and details. */
export function tableStyle(theme: GrafanaTheme2, dense = false): CSSObject {
  return {
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(dense ? 0.5 : 0.75, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  };
}
