import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { testIds } from '../../components/testIds';
import { API, fakeBackend, ok, problem } from '../../testing/backend';
import { budget, budgetEvents, configBudget, overview, page } from '../../testing/fixtures';
import { renderPage } from '../../testing/render';
import BudgetsPage, { scopeDescription } from './BudgetsPage';

const backend = fakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backend.fetch }),
}));

const render = () => renderPage(<BudgetsPage />, '/a/costscale-autoscaling-app/budgets');

beforeEach(() => {
  backend.requests.length = 0;
  backend
    .on('GET', `${API}/overview`, ok(overview))
    .on('GET', `${API}/budgets`, ok(page([budget, configBudget])))
    .on('GET', `${API}/budgets/team-payments/events`, ok(page(budgetEvents)))
    .on('GET', `${API}/budgets/platform/events`, ok(page([])));
});

describe('the budgets page', () => {
  it('shows each budget with its figures, burn-down and events', async () => {
    render();
    const [payments, platform] = await screen.findAllByTestId(testIds.budgets.card);
    const card = within(payments!);
    expect(card.getByText('team-payments')).toBeInTheDocument();
    expect(card.getByText('Spent', { selector: 'div' }).parentElement).toHaveTextContent('€410.00');
    expect(card.getByText('Exhaustion ETA').parentElement).toHaveTextContent('in 15 d');
    const chart = card.getByTestId(testIds.charts.burnDown);
    expect(within(chart).getByRole('img', { name: 'Burn-down of budget team-payments' })).toBeInTheDocument();
    expect(chart.querySelector('[data-series="projection"]')?.getAttribute('d')).toMatch(/^M/);
    expect(chart.querySelector('[data-series^="exhausted"]')).not.toBeNull();
    await waitFor(() => expect(card.getByTestId(testIds.budgets.events)).toHaveTextContent('80.0 %'));

    const config = within(platform!);
    expect(config.getByText('not evaluated by the engine yet')).toBeInTheDocument();
    expect(config.getByRole('button', { name: /Edit/ })).toHaveAttribute('aria-disabled', 'true');
    expect(config.getByTestId(testIds.budgets.events)).toHaveTextContent('No threshold crossings recorded.');
  });

  it('creates a budget and shows it', async () => {
    const created = {
      ...budget,
      name: 'search',
      spec: { ...budget.spec, name: 'search', amount: 120 },
      status: null,
    };
    backend.on('POST', `${API}/budgets`, (request) => {
      backend.on('GET', `${API}/budgets`, ok(page([budget, configBudget, created])));
      backend.on('GET', `${API}/budgets/search/events`, ok(page([])));
      return { status: 201, data: { ...created, spec: request.data } };
    });
    render();
    await screen.findAllByTestId(testIds.budgets.card);
    await userEvent.click(screen.getByTestId(testIds.budgets.create));
    // The modal focuses its first field once mounted; typing before that can go astray.
    await waitFor(() => expect(screen.getByTestId(testIds.budgets.name)).toHaveFocus());
    const form = within(screen.getByTestId(testIds.budgets.form));
    await userEvent.type(form.getByTestId(testIds.budgets.name), 'search');
    await userEvent.type(form.getByTestId(testIds.budgets.amount), '120');
    await userEvent.click(form.getByRole('radio', { name: 'Weekly' }));
    await userEvent.click(form.getByTestId(testIds.budgets.save));

    await waitFor(() => expect(screen.getAllByTestId(testIds.budgets.card)).toHaveLength(3));
    expect(screen.queryByTestId(testIds.budgets.form)).not.toBeInTheDocument();
    const post = backend.requests.find((r) => r.method === 'POST')!;
    expect(post.data).toEqual({
      name: 'search',
      period: 'weekly',
      timeZone: 'UTC',
      amount: 120,
      scope: {},
      thresholds: { warning: 0.8, critical: 0.95 },
    });
  });

  it('checks the form before sending and shows the adapter’s field errors on their fields', async () => {
    backend.on(
      'POST',
      `${API}/budgets`,
      problem(400, 'the request is invalid', [
        { location: 'body', path: '/timeZone', message: 'unknown time zone "Mars/Olympus"' },
      ]),
    );
    render();
    await screen.findAllByTestId(testIds.budgets.card);
    await userEvent.click(screen.getByTestId(testIds.budgets.create));
    await waitFor(() => expect(screen.getByTestId(testIds.budgets.name)).toHaveFocus());
    const form = within(screen.getByTestId(testIds.budgets.form));
    await userEvent.click(form.getByTestId(testIds.budgets.save));
    expect(form.getByText('A positive amount per period')).toBeInTheDocument();
    expect(backend.requests.some((r) => r.method === 'POST')).toBe(false);

    await userEvent.type(form.getByTestId(testIds.budgets.name), 'ops');
    await userEvent.type(form.getByTestId(testIds.budgets.amount), '10');
    const zone = form.getByDisplayValue('UTC');
    await userEvent.clear(zone);
    await userEvent.type(zone, 'Mars/Olympus');
    await userEvent.click(form.getByTestId(testIds.budgets.save));
    expect(await form.findByText('unknown time zone "Mars/Olympus"')).toBeInTheDocument();
  });

  it('edits an API budget with PUT, keeping its name', async () => {
    backend.on('PUT', `${API}/budgets/team-payments`, (request) => ok({ ...budget, spec: request.data }));
    render();
    const [payments] = await screen.findAllByTestId(testIds.budgets.card);
    await userEvent.click(within(payments!).getByRole('button', { name: /Edit/ }));
    await waitFor(() => expect(screen.getByTestId(testIds.budgets.amount)).toHaveFocus());
    const form = within(screen.getByTestId(testIds.budgets.form));
    expect(form.getByTestId(testIds.budgets.name)).toBeDisabled();
    const amount = form.getByTestId(testIds.budgets.amount);
    await userEvent.clear(amount);
    await userEvent.type(amount, '650');
    await userEvent.click(form.getByTestId(testIds.budgets.save));
    await waitFor(() => expect(backend.requests.some((r) => r.method === 'PUT')).toBe(true));
    expect(backend.requests.find((r) => r.method === 'PUT')!.data).toMatchObject({
      name: 'team-payments',
      amount: 650,
    });
  });

  it('invites to create the first budget', async () => {
    backend.on('GET', `${API}/budgets`, ok(page([])));
    render();
    expect(await screen.findByTestId(testIds.states.empty)).toHaveTextContent('No budgets yet');
  });

  it('describes what a budget covers as the engine scopes it', () => {
    expect(scopeDescription({})).toBe('the policies that name it');
    expect(scopeDescription({ namespaces: [] })).toBe('the policies that name it');
    expect(scopeDescription({ namespaces: ['shop', 'ads'], selector: 'team=web' })).toBe(
      'namespaces shop, ads and policies matching team=web, and policies that name it',
    );
  });
});
