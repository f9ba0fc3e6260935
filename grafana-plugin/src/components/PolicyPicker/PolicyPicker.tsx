import React from 'react';
import { Combobox, type ComboboxOption } from '@grafana/ui';
import type { Policy } from '../../api/types';
import { policyKey } from '../../hooks/usePolicies';

export interface PolicyPickerProps {
  readonly policies: readonly Policy[];
  /** `namespace/name`, or null for "all" when `allowAll`. */
  readonly value: string | null;
  readonly onChange: (key: string | null) => void;
  readonly allowAll?: boolean;
  readonly testId?: string;
}

const ALL = '';

/** Picks a policy by `namespace/name`. */
export function PolicyPicker({ policies, value, onChange, allowAll = false, testId }: PolicyPickerProps) {
  const options: Array<ComboboxOption<string>> = [
    ...(allowAll ? [{ value: ALL, label: 'All policies' }] : []),
    ...policies.map((p) => ({ value: policyKey(p), label: policyKey(p), description: p.spec.target.name })),
  ];
  return (
    <Combobox
      aria-label="Policy"
      data-testid={testId}
      width={40}
      options={options}
      value={value ?? (allowAll ? ALL : null)}
      onChange={(option) => onChange(option.value === ALL ? null : option.value)}
    />
  );
}
