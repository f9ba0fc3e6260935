import type { FieldError } from '../../api/errors';
import type { BudgetPeriod, Budget, BudgetSpecInput } from '../../api/types';

// The budget form's values as typed, their validation, and the spec sent to the adapter. The adapter
// validates again with the configuration schema; its field errors (JSON Pointers) map back to fields.

export interface BudgetFormValues {
  name: string;
  period: BudgetPeriod;
  timeZone: string;
  amount: string;
  /** Percentages as typed. */
  warningPercent: string;
  criticalPercent: string;
  /** Comma-separated. */
  namespaces: string;
  selector: string;
}

export type BudgetFormField = keyof BudgetFormValues;
export type BudgetFormErrors = Partial<Record<BudgetFormField, string>>;

export const EMPTY_BUDGET_FORM: BudgetFormValues = {
  name: '',
  period: 'monthly',
  timeZone: 'UTC',
  amount: '',
  warningPercent: '80',
  criticalPercent: '95',
  namespaces: '',
  selector: '',
};

export function budgetFormValues(budget: Budget): BudgetFormValues {
  const percent = (fraction: number) => String(Number((fraction * 100).toFixed(4)));
  return {
    name: budget.spec.name,
    period: budget.spec.period,
    timeZone: budget.spec.timeZone,
    amount: String(budget.spec.amount),
    warningPercent: percent(budget.spec.thresholds.warning),
    criticalPercent: percent(budget.spec.thresholds.critical),
    namespaces: (budget.spec.scope.namespaces ?? []).join(', '),
    selector: budget.spec.scope.selector ?? '',
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function number(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') {
    return undefined;
  }
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

export function validateBudgetForm(values: BudgetFormValues): BudgetFormErrors {
  const errors: BudgetFormErrors = {};
  if (!DNS_LABEL.test(values.name) || values.name.length > 63) {
    errors.name = 'A lowercase DNS label: a-z, 0-9 and "-", at most 63 characters';
  }
  const amount = number(values.amount);
  if (amount === undefined || amount <= 0) {
    errors.amount = 'A positive amount per period';
  }
  const warning = number(values.warningPercent);
  const critical = number(values.criticalPercent);
  if (warning === undefined || warning <= 0 || warning > 100) {
    errors.warningPercent = 'A percentage above 0 and at most 100';
  }
  if (critical === undefined || critical <= 0 || critical > 100) {
    errors.criticalPercent = 'A percentage above 0 and at most 100';
  } else if (warning !== undefined && warning >= critical) {
    errors.warningPercent = 'Must be below the critical threshold';
  }
  for (const ns of splitList(values.namespaces)) {
    if (!DNS_LABEL.test(ns)) {
      errors.namespaces = `"${ns}" is not a namespace name`;
      break;
    }
  }
  if (values.timeZone.trim() === '') {
    errors.timeZone = 'An IANA time zone such as UTC or Europe/Berlin';
  }
  return errors;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The spec to send; call only when validateBudgetForm found nothing. */
export function budgetSpecFrom(values: BudgetFormValues): BudgetSpecInput {
  const namespaces = splitList(values.namespaces);
  const selector = values.selector.trim();
  return {
    name: values.name,
    period: values.period,
    timeZone: values.timeZone.trim(),
    amount: Number(values.amount),
    scope: {
      ...(namespaces.length > 0 && { namespaces }),
      ...(selector !== '' && { selector }),
    },
    thresholds: {
      warning: Number(values.warningPercent) / 100,
      critical: Number(values.criticalPercent) / 100,
    },
  };
}

const POINTER_TO_FIELD: Record<string, BudgetFormField> = {
  '/name': 'name',
  '/period': 'period',
  '/timeZone': 'timeZone',
  '/amount': 'amount',
  '/thresholds/warning': 'warningPercent',
  '/thresholds/critical': 'criticalPercent',
  '/scope/selector': 'selector',
};

/** The adapter's field errors on the form's fields; the rest (not tied to a field) in `other`. */
export function formErrorsFromApi(fieldErrors: readonly FieldError[]): {
  fields: BudgetFormErrors;
  other: string[];
} {
  const fields: BudgetFormErrors = {};
  const other: string[] = [];
  for (const e of fieldErrors) {
    const field = e.path.startsWith('/scope/namespaces') ? 'namespaces' : POINTER_TO_FIELD[e.path];
    if (field) {
      fields[field] = fields[field] ? `${fields[field]}; ${e.message}` : e.message;
    } else {
      other.push(e.path ? `${e.path}: ${e.message}` : e.message);
    }
  }
  return { fields, other };
}
