import React from 'react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { testIds } from '../../components/testIds';
import { API, fakeBackend, ok, problem } from '../../testing/backend';
import { failingPolicy, overview, page, policy } from '../../testing/fixtures';
import { renderPage } from '../../testing/render';
import OverviewPage from './OverviewPage';

const backend = fakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backend.fetch }),
}));

const render = () => renderPage(<OverviewPage />, '/a/costscale-autoscaling-app/overview');

describe('the overview page', () => {
  beforeEach(() => {
    backend
      .on('GET', `${API}/overview`, ok(overview))
      .on('GET', `${API}/policies`, ok(page([policy, failingPolicy])));
  });

  it('shows spend, savings, policies by state, budgets and health', async () => {
    render();
    expect(screen.getByTestId(testIds.states.loading)).toBeInTheDocument();
    const spend = await screen.findByTestId(testIds.overview.spend);
    expect(spend).toHaveTextContent('€0.31/h');
    expect(screen.getByTestId(testIds.overview.savings)).toHaveTextContent('€0.73/h');
    expect(screen.getByTestId(testIds.overview.savings)).toHaveTextContent('70.0 % below €1.04/h');
    expect(screen.getByTestId(testIds.overview.policies)).toHaveTextContent('1 ok · 0 degraded · 1 failing');

    const budgets = screen.getByRole('region', { name: 'Spend against budgets' });
    expect(within(budgets).getByText('team-payments')).toBeInTheDocument();
    expect(within(budgets).getByRole('meter')).toHaveAttribute('aria-valuenow', '82');

    const policies = screen.getByRole('region', { name: 'Policies' });
    expect(within(policies).getByRole('link', { name: 'shop/checkout' })).toHaveAttribute(
      'href',
      '/a/costscale-autoscaling-app/forecasts?policy=shop%2Fcheckout',
    );
    expect(within(policies).getAllByText('demand query returned no series').length).toBeGreaterThan(0);

    const health = screen.getByTestId(testIds.overview.health);
    expect(health).toHaveTextContent('Database');
    expect(health).toHaveTextContent('1.8 ms');
    expect(health).toHaveTextContent('tick 1234');
  });

  it('says so when there is nothing yet', async () => {
    backend.on(
      'GET',
      `${API}/overview`,
      ok({
        ...overview,
        spend: { ...overview.spend, budgets: [] },
        counts: {
          ...overview.counts,
          policies: { total: 0, ok: 0, degraded: 0, failing: 0, pending: 0, config: 0, api: 0 },
          budgets: { total: 0, ok: 0, warning: 0, critical: 0, unknown: 0 },
        },
      }),
    );
    backend.on('GET', `${API}/policies`, ok(page([])));
    render();
    expect(await screen.findByTestId(testIds.states.empty)).toHaveTextContent('no policies or budgets yet');
  });

  it('shows an error with a retry that loads again', async () => {
    backend.on('GET', `${API}/overview`, problem(503, 'database unavailable'));
    render();
    const error = await screen.findByTestId(testIds.states.error);
    expect(error).toHaveTextContent('database unavailable');
    backend.on('GET', `${API}/overview`, ok(overview));
    await userEvent.click(within(error).getByRole('button', { name: /Retry/ }));
    expect(await screen.findByTestId(testIds.overview.spend)).toBeInTheDocument();
  });
});
