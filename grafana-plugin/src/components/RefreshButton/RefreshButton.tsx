import React from 'react';
import { Button } from '@grafana/ui';

/** A page toolbar's reload, disabled while the page loads. */
export function RefreshButton({ onClick, loading }: { onClick: () => void; loading: boolean }) {
  return (
    <Button variant="secondary" icon="sync" onClick={onClick} disabled={loading}>
      Refresh
    </Button>
  );
}
