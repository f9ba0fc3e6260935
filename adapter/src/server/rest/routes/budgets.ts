import { budgetSchema } from '../../../config/schema';
import { listBudgetEvents } from '../../../store/budgetEventHistory';
import {
  deleteStoredBudget,
  getStoredBudget,
  insertStoredBudget,
  updateStoredBudget,
} from '../../../store/budgets';
import { audited, decodeCursor, page, type ApiContext } from '../context';
import { conflictProblem, httpProblem, readOnlyProblem, validationProblem } from '../problem';
import { route, type Route } from '../router';
import { budgetParams, noParams, noQuery, pageQuery } from '../schemas';
import { budgetCatalog, budgetEventView, budgetView, policyCatalog, type CatalogBudget } from '../views';

// Budgets: the configuration file's (read-only here) and the API's, with the engine's status of each.

export function budgetRoutes(ctx: ApiContext): Route[] {
  async function views(items: CatalogBudget[]) {
    const policies = (await policyCatalog(ctx.db, ctx.config())).map((c) => c.policy);
    const snapshot = ctx.snapshot.current();
    return items.map((item) =>
      budgetView(
        item,
        policies,
        snapshot?.budgets?.find((b) => b.name === item.budget.name),
        snapshot,
      ),
    );
  }
  async function find(name: string): Promise<CatalogBudget> {
    const found = (await budgetCatalog(ctx.db, ctx.config())).find((b) => b.budget.name === name);
    if (found === undefined) throw httpProblem(404, `no budget ${name}`);
    return found;
  }
  function ensureNotInFile(name: string, doing: string): void {
    if (ctx.config().budgets.some((b) => b.name === name)) {
      throw readOnlyProblem(`budget ${name} is defined in the configuration file; ${doing} it there`);
    }
  }
  const one = async (item: CatalogBudget) => (await views([item]))[0]!;

  return [
    route({
      method: 'GET',
      path: '/api/v1/budgets',
      operationId: 'listBudgets',
      summary: 'Budgets with spend, projection, utilisation, burn rate and exhaustion ETA',
      tag: 'budgets',
      role: 'viewer',
      params: noParams,
      query: noQuery,
      success: { status: 200, component: 'BudgetList', description: 'all budgets' },
      handler: async () => ({
        status: 200,
        body: { items: await views(await budgetCatalog(ctx.db, ctx.config())), nextCursor: null },
      }),
    }),
    route({
      method: 'POST',
      path: '/api/v1/budgets',
      operationId: 'createBudget',
      summary: 'Create an API-managed budget',
      tag: 'budgets',
      role: 'admin',
      params: noParams,
      query: noQuery,
      body: budgetSchema,
      bodyComponent: 'BudgetSpecInput',
      success: { status: 201, component: 'Budget', description: 'the created budget' },
      problems: [409, 413, 415],
      handler: async ({ body, rawBody, principal, now }) => {
        if (ctx.config().budgets.some((b) => b.name === body.name)) {
          throw conflictProblem(`budget ${body.name} is defined in the configuration file`);
        }
        const stored = await audited(
          ctx,
          { principal, now },
          { action: 'budget.create', resource: `budgets/${body.name}`, change: 'budgets' },
          async (tx) => {
            const row = await insertStoredBudget(tx, body.name, rawBody, now);
            if (row === undefined) throw conflictProblem(`budget ${body.name} already exists`);
            return { result: row, before: null, after: rawBody };
          },
        );
        return {
          status: 201,
          body: await one({ budget: body, source: 'api', stored }),
          headers: { Location: `/api/v1/budgets/${body.name}` },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/budgets/{name}',
      operationId: 'getBudget',
      summary: 'A budget with its status',
      tag: 'budgets',
      role: 'viewer',
      params: budgetParams,
      query: noQuery,
      success: { status: 200, component: 'Budget', description: 'the budget' },
      problems: [404],
      handler: async ({ params }) => ({ status: 200, body: await one(await find(params.name)) }),
    }),
    route({
      method: 'PUT',
      path: '/api/v1/budgets/{name}',
      operationId: 'updateBudget',
      summary: 'Replace an API-managed budget’s spec',
      tag: 'budgets',
      role: 'admin',
      params: budgetParams,
      query: noQuery,
      body: budgetSchema,
      bodyComponent: 'BudgetSpecInput',
      success: { status: 200, component: 'Budget', description: 'the updated budget' },
      problems: [404, 409, 413, 415],
      handler: async ({ params, body, rawBody, principal, now }) => {
        ensureNotInFile(params.name, 'change');
        if (body.name !== params.name) {
          throw validationProblem([
            { location: 'body', path: '/name', message: `must be "${params.name}" as in the path` },
          ]);
        }
        const stored = await audited(
          ctx,
          { principal, now },
          { action: 'budget.update', resource: `budgets/${params.name}`, change: 'budgets' },
          async (tx) => {
            const before = await getStoredBudget(tx, params.name, true);
            if (before === undefined) throw httpProblem(404, `no budget ${params.name}`);
            const row = await updateStoredBudget(tx, params.name, rawBody, now);
            return { result: row!, before: before.spec, after: rawBody };
          },
        );
        return { status: 200, body: await one({ budget: body, source: 'api', stored }) };
      },
    }),
    route({
      method: 'DELETE',
      path: '/api/v1/budgets/{name}',
      operationId: 'deleteBudget',
      summary: 'Delete an API-managed budget no policy refers to',
      tag: 'budgets',
      role: 'admin',
      params: budgetParams,
      query: noQuery,
      success: { status: 204, description: 'deleted' },
      problems: [404, 409],
      handler: async ({ params, principal, now }) => {
        ensureNotInFile(params.name, 'remove');
        const users = (await policyCatalog(ctx.db, ctx.config())).filter(
          (c) => c.policy.budget === params.name,
        );
        if (users.length > 0) {
          const names = users.map((c) => `${c.policy.namespace}/${c.policy.name}`).join(', ');
          throw conflictProblem(`budget ${params.name} is used by ${names}`);
        }
        await audited(
          ctx,
          { principal, now },
          { action: 'budget.delete', resource: `budgets/${params.name}`, change: 'budgets' },
          async (tx) => {
            const gone = await deleteStoredBudget(tx, params.name);
            if (gone === undefined) throw httpProblem(404, `no budget ${params.name}`);
            return { result: undefined, before: gone.spec, after: null };
          },
        );
        return { status: 204 };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/budgets/{name}/events',
      operationId: 'listBudgetEvents',
      summary: 'Threshold crossings of a budget, newest first',
      tag: 'budgets',
      role: 'viewer',
      params: budgetParams,
      query: pageQuery,
      success: { status: 200, component: 'BudgetEventList', description: 'a page of events' },
      problems: [404],
      handler: async ({ params, query }) => {
        await find(params.name);
        const limit = query.limit ?? 100;
        const before = decodeCursor(query.cursor);
        const rows = await listBudgetEvents(ctx.db, {
          budget: params.name,
          limit: limit + 1,
          ...(before !== undefined && { before }),
        });
        const p = page(rows, limit, (e) => ({ at: e.at, id: e.id }));
        return { status: 200, body: { items: p.rows.map(budgetEventView), nextCursor: p.nextCursor } };
      },
    }),
  ];
}
