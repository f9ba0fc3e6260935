import React from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { render, screen } from '@testing-library/react';
import type { AppRootProps } from '@grafana/data';
import { API, fakeBackend, ok, problem } from '../../testing/backend';
import {
  budget,
  budgetEvents,
  decisionRecords,
  forecast,
  overview,
  page,
  policy,
} from '../../testing/fixtures';
import { testIds } from '../testIds';
import App from './App';

const backend = fakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backend.fetch }),
}));

beforeAll(() => {
  backend
    .on('GET', `${API}/overview`, ok(overview))
    .on('GET', `${API}/policies`, ok(page([policy])))
    .on('GET', `${API}/policies/shop/checkout`, ok(policy))
    .on('GET', `${API}/policies/shop/checkout/forecast`, ok(forecast))
    .on('GET', `${API}/decisions`, ok(page(decisionRecords)))
    .on('GET', `${API}/budgets`, ok(page([budget])))
    .on('GET', `${API}/budgets/team-payments/events`, ok(page(budgetEvents)))
    .on('GET', `${API}/recommendations`, problem(404, 'not found'))
    .on('GET', `${API}/anomalies`, ok(page([])))
    .on('GET', `${API}/openapi.json`, ok({ paths: {} }));
});

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <Routes>
        <Route
          path="/a/costscale-autoscaling-app/*"
          element={<App {...({ basename: '/a/costscale-autoscaling-app' } as AppRootProps)} />}
        />
      </Routes>
    </MemoryRouter>,
  );
}

describe('the app', () => {
  it.each([
    ['overview', testIds.overview.container],
    ['forecasts', testIds.forecasts.container],
    ['recommendations', testIds.recommendations.container],
    ['budgets', testIds.budgets.container],
    ['simulator', testIds.simulator.container],
    ['decisions', testIds.decisions.container],
    ['anomalies', testIds.anomalies.container],
  ])('routes %s to its page', async (route, testId) => {
    renderAt(`/a/costscale-autoscaling-app/${route}`);
    expect(await screen.findByTestId(testId)).toBeInTheDocument();
  });

  it('sends unknown paths to the overview', async () => {
    renderAt('/a/costscale-autoscaling-app/no-such-page');
    expect(await screen.findByTestId(testIds.overview.container)).toBeInTheDocument();
  });
});
