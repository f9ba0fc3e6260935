import { budget } from '../../testing/fixtures';
import {
  budgetFormValues,
  budgetSpecFrom,
  EMPTY_BUDGET_FORM,
  formErrorsFromApi,
  validateBudgetForm,
} from './budgetForm';

describe('the budget form', () => {
  it('round-trips a budget through the form', () => {
    const values = budgetFormValues(budget);
    expect(values).toMatchObject({
      amount: '500',
      warningPercent: '80',
      criticalPercent: '95',
      namespaces: 'shop',
    });
    expect(validateBudgetForm(values)).toEqual({});
    expect(budgetSpecFrom(values)).toEqual(budget.spec);
  });

  it('names every invalid field', () => {
    const errors = validateBudgetForm({
      ...EMPTY_BUDGET_FORM,
      name: 'Team Payments',
      amount: '-3',
      warningPercent: '96',
      namespaces: 'shop, Bad_NS',
      timeZone: ' ',
    });
    expect(Object.keys(errors).sort()).toEqual([
      'amount',
      'name',
      'namespaces',
      'timeZone',
      'warningPercent',
    ]);
    expect(errors.warningPercent).toBe('Must be below the critical threshold');
    expect(errors.namespaces).toContain('Bad_NS');
  });

  it('leaves an empty scope out of the spec', () => {
    const spec = budgetSpecFrom({ ...EMPTY_BUDGET_FORM, name: 'ops', amount: '25.5' });
    expect(spec).toEqual({
      name: 'ops',
      period: 'monthly',
      timeZone: 'UTC',
      amount: 25.5,
      scope: {},
      thresholds: { warning: 0.8, critical: 0.95 },
    });
  });

  it("maps the adapter's JSON Pointers back to the fields", () => {
    const mapped = formErrorsFromApi([
      { location: 'body', path: '/amount', message: 'Too small: expected number to be >0' },
      { location: 'body', path: '/thresholds/warning', message: 'must be below thresholds.critical' },
      { location: 'body', path: '/scope/namespaces/1', message: 'must be a lowercase DNS label' },
      { location: 'body', path: '/colour', message: 'unknown field' },
    ]);
    expect(mapped.fields).toEqual({
      amount: 'Too small: expected number to be >0',
      warningPercent: 'must be below thresholds.critical',
      namespaces: 'must be a lowercase DNS label',
    });
    expect(mapped.other).toEqual(['/colour: unknown field']);
  });
});
