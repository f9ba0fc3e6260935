import type { Config, Policy } from '../../../config/schema';
import type { Queryable } from '../../../store/db';
import type { FieldError } from '../problem';
import { budgetCatalog } from '../views';

/** What a valid policy spec must refer to: a configured Prometheus backend and an existing budget. */
export async function policyReferenceErrors(
  db: Queryable,
  config: Config,
  policy: Policy,
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (!(policy.backend in config.prometheus)) {
    const have = Object.keys(config.prometheus).join(', ') || 'none';
    errors.push({
      location: 'body',
      path: '/backend',
      message: `no Prometheus backend named "${policy.backend}" (have: ${have})`,
    });
  }
  if (policy.budget !== undefined) {
    const budgets = await budgetCatalog(db, config);
    if (!budgets.some((b) => b.budget.name === policy.budget)) {
      errors.push({ location: 'body', path: '/budget', message: `no budget named "${policy.budget}"` });
    }
  }
  return errors;
}
