import React from 'react';
import { Alert, Button, EmptyState, LoadingPlaceholder } from '@grafana/ui';
import { describeError } from '../../api/errors';
import { testIds } from '../testIds';

// The loading, empty, error and "not available yet" states every page shows, so they look and read
// the same everywhere.

export function LoadingState({ text }: { text: string }) {
  return (
    <div data-testid={testIds.states.loading}>
      <LoadingPlaceholder text={text} />
    </div>
  );
}

export function ErrorState({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
}) {
  return (
    <div data-testid={testIds.states.error}>
      <Alert severity="error" title={title}>
        <p>{describeError(error)}</p>
        {onRetry && (
          <Button variant="secondary" size="sm" icon="sync" onClick={onRetry}>
            Retry
          </Button>
        )}
      </Alert>
    </div>
  );
}

export function EmptyPageState({ message, children }: { message: string; children?: React.ReactNode }) {
  return (
    <div data-testid={testIds.states.empty}>
      <EmptyState variant="not-found" message={message}>
        {children}
      </EmptyState>
    </div>
  );
}

/** For a part of the product whose REST API the connected adapter does not offer (it answered 404). */
export function ApiUnavailableState({ feature, detail }: { feature: string; detail: string }) {
  return (
    <div data-testid={testIds.states.unavailable}>
      <Alert severity="info" title={`The ${feature} API is not available yet`}>
        {detail}
      </Alert>
    </div>
  );
}
