import { policySchema } from '../../../config/schema';
import { loadManagedState } from '../../../store/managed';
import type { ApiContext } from '../context';
import { dryRunPolicy } from '../dryRun';
import { validationProblem } from '../problem';
import { route, type Route } from '../router';
import { noParams, noQuery } from '../schemas';
import { policyReferenceErrors } from './references';

export function dryRunRoutes(ctx: ApiContext): Route[] {
  return [
    route({
      method: 'POST',
      path: '/api/v1/policies/dry-run',
      operationId: 'dryRunPolicy',
      summary: 'Validate a policy, run its queries now and preview the decision it would make',
      tag: 'policies',
      // It runs arbitrary PromQL with costscale's own Prometheus credentials: for those who edit policies.
      role: 'admin',
      params: noParams,
      query: noQuery,
      body: policySchema,
      bodyComponent: 'PolicySpecInput',
      success: { status: 200, component: 'DryRunResult', description: 'query results and the decision' },
      problems: [413, 415],
      handler: async ({ body, now }) => {
        const file = ctx.config();
        const errors = await policyReferenceErrors(ctx.db, file, body);
        if (errors.length > 0) throw validationProblem(errors);
        const result = await dryRunPolicy({
          policy: body,
          file,
          managed: await loadManagedState(ctx.db, now),
          backends: ctx.backends(),
          evaluator: ctx.evaluator,
          previous: ctx.snapshot.current(),
          now,
        });
        return { status: 200, body: result };
      },
    }),
  ];
}
