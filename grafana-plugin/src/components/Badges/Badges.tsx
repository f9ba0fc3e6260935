import React from 'react';
import { Badge, type BadgeColor } from '@grafana/ui';
import type { ActingBound, PolicyState } from '../../api/types';

const POLICY_STATE: Record<PolicyState, { color: BadgeColor; text: string; tooltip: string }> = {
  ok: { color: 'green', text: 'ok', tooltip: 'Deciding from fresh inputs' },
  degraded: {
    color: 'orange',
    text: 'degraded',
    tooltip: 'Inputs failed; the last good values are still served',
  },
  failing: { color: 'red', text: 'failing', tooltip: 'Nothing servable: HPAs hold their replicas' },
  pending: { color: 'blue', text: 'pending', tooltip: 'Not evaluated yet' },
};

export function PolicyStateBadge({ state }: { state: PolicyState }) {
  const s = POLICY_STATE[state];
  return <Badge color={s.color} text={s.text} tooltip={s.tooltip} />;
}

const BUDGET_STATE: Record<string, BadgeColor> = { ok: 'green', warning: 'orange', critical: 'red' };

export function BudgetStateBadge({ state }: { state: string }) {
  return <Badge color={BUDGET_STATE[state] ?? 'darkgrey'} text={state} />;
}

export function BoundBadge({ bound }: { bound: ActingBound | null }) {
  if (bound === null) {
    // No decision, so no bound either.
    return <span aria-label="no decision">–</span>;
  }
  if (bound === 'none') {
    return <Badge color="darkgrey" text="no bound" tooltip="The cost-optimal replica count stood" />;
  }
  return <Badge color="purple" text={bound} tooltip={`The ${bound} bound set the replica count`} />;
}
