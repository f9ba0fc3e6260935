import React, { useState } from 'react';
import { Alert, Button, Field, Input, Modal, RadioButtonGroup, Stack } from '@grafana/ui';
import { costscale } from '../../api/client';
import { ApiError, describeError } from '../../api/errors';
import type { BudgetPeriod, Budget } from '../../api/types';
import { testIds } from '../../components/testIds';
import {
  budgetFormValues,
  budgetSpecFrom,
  EMPTY_BUDGET_FORM,
  type BudgetFormErrors,
  type BudgetFormValues,
  formErrorsFromApi,
  validateBudgetForm,
} from './budgetForm';

const PERIODS: Array<{ label: string; value: BudgetPeriod }> = [
  { label: 'Daily', value: 'daily' },
  { label: 'Weekly', value: 'weekly' },
  { label: 'Monthly', value: 'monthly' },
];

export interface BudgetFormProps {
  /** The budget to edit; absent to create one. */
  readonly budget?: Budget;
  readonly onSaved: (budget: Budget) => void;
  readonly onDismiss: () => void;
}

/** Creates or edits an API-managed budget; field errors from the adapter show on their fields. */
export function BudgetForm({ budget, onSaved, onDismiss }: BudgetFormProps) {
  const [values, setValues] = useState<BudgetFormValues>(
    budget ? budgetFormValues(budget) : EMPTY_BUDGET_FORM,
  );
  const [touched, setTouched] = useState(false);
  const [apiErrors, setApiErrors] = useState<{ fields: BudgetFormErrors; other: string[] }>({
    fields: {},
    other: [],
  });
  const [saving, setSaving] = useState(false);

  const localErrors = validateBudgetForm(values);
  const errors: BudgetFormErrors = { ...apiErrors.fields, ...(touched ? localErrors : {}) };
  const set = (field: keyof BudgetFormValues) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setApiErrors((e) => ({ fields: { ...e.fields, [field]: undefined }, other: e.other }));
  };

  const onSubmit = async (event: React.SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(localErrors).length > 0) {
      return;
    }
    setSaving(true);
    try {
      const spec = budgetSpecFrom(values);
      onSaved(budget ? await costscale.updateBudget(budget.name, spec) : await costscale.createBudget(spec));
    } catch (error) {
      setApiErrors(
        error instanceof ApiError && error.fieldErrors.length > 0
          ? formErrorsFromApi(error.fieldErrors)
          : { fields: {}, other: [describeError(error)] },
      );
      setSaving(false);
    }
  };

  const field = (name: keyof BudgetFormValues) => ({ invalid: Boolean(errors[name]), error: errors[name] });

  return (
    <Modal title={budget ? `Edit budget ${budget.name}` : 'Create a budget'} isOpen onDismiss={onDismiss}>
      <form onSubmit={onSubmit} data-testid={testIds.budgets.form} noValidate>
        <Field
          label="Name"
          description="A lowercase DNS label; policies refer to the budget by it"
          {...field('name')}
        >
          <Input
            data-testid={testIds.budgets.name}
            value={values.name}
            disabled={Boolean(budget)}
            autoFocus={!budget}
            onChange={(e) => set('name')(e.currentTarget.value)}
          />
        </Field>
        <Field label="Period" description="Calendar periods in the budget's time zone">
          <RadioButtonGroup
            options={PERIODS}
            value={values.period}
            onChange={(v) => setValues((current) => ({ ...current, period: v }))}
          />
        </Field>
        <Field label="Amount per period" description="In the price book's currency" {...field('amount')}>
          <Input
            data-testid={testIds.budgets.amount}
            autoFocus={Boolean(budget)}
            type="number"
            min={0}
            step="any"
            value={values.amount}
            onChange={(e) => set('amount')(e.currentTarget.value)}
          />
        </Field>
        <Field label="Time zone" description="IANA name, e.g. UTC or Europe/Berlin" {...field('timeZone')}>
          <Input value={values.timeZone} onChange={(e) => set('timeZone')(e.currentTarget.value)} />
        </Field>
        <Stack gap={2}>
          <Field label="Warning at (% spent)" {...field('warningPercent')}>
            <Input
              type="number"
              value={values.warningPercent}
              onChange={(e) => set('warningPercent')(e.currentTarget.value)}
            />
          </Field>
          <Field label="Critical at (% spent)" {...field('criticalPercent')}>
            <Input
              type="number"
              value={values.criticalPercent}
              onChange={(e) => set('criticalPercent')(e.currentTarget.value)}
            />
          </Field>
        </Stack>
        <Field
          label="Namespaces"
          description="Comma-separated. Policies that name the budget always count; with no namespaces and no selector, only they do."
          {...field('namespaces')}
        >
          <Input value={values.namespaces} onChange={(e) => set('namespaces')(e.currentTarget.value)} />
        </Field>
        <Field
          label="Policy label selector"
          description="Over policy labels, e.g. team=payments"
          {...field('selector')}
        >
          <Input value={values.selector} onChange={(e) => set('selector')(e.currentTarget.value)} />
        </Field>
        {apiErrors.other.length > 0 && (
          <Alert severity="error" title="The adapter did not accept the budget">
            {apiErrors.other.map((m) => (
              <div key={m}>{m}</div>
            ))}
          </Alert>
        )}
        <Modal.ButtonRow>
          <Button variant="secondary" fill="outline" onClick={onDismiss} type="button">
            Cancel
          </Button>
          <Button type="submit" data-testid={testIds.budgets.save} disabled={saving}>
            {saving ? 'Saving…' : budget ? 'Save budget' : 'Create budget'}
          </Button>
        </Modal.ButtonRow>
      </form>
    </Modal>
  );
}
