import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SimulationResponse } from '../../api/upcoming';
import { testIds } from '../../components/testIds';
import { API, fakeBackend, ok } from '../../testing/backend';
import { overview, page, policy } from '../../testing/fixtures';
import { renderPage } from '../../testing/render';
import SimulatorPage, { relativeChange } from './SimulatorPage';

const backend = fakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backend.fetch }),
}));

const url = '/a/costscale-autoscaling-app/simulator';
const run = (name: string, cost: number, sloMissMinutes: number) => ({
  name,
  hours: 168,
  replicaHours: cost * 10,
  meanReplicas: (cost * 10) / 168,
  peakReplicas: 9,
  cost,
  sloMissMinutes,
  unmetDemand: 0,
  unmetFraction: 0,
  scaleUps: 40,
  scaleDowns: 38,
});

beforeEach(() => {
  backend.requests.length = 0;
  backend.on('GET', `${API}/policies`, ok(page([policy]))).on('GET', `${API}/overview`, ok(overview));
});

describe('the simulator page', () => {
  it('says so while the adapter has no simulation API', async () => {
    backend.on('GET', `${API}/openapi.json`, ok({ paths: { '/api/v1/policies': {}, '/api/v1/budgets': {} } }));
    renderPage(<SimulatorPage />, url);
    expect(await screen.findByTestId(testIds.states.unavailable)).toHaveTextContent(
      'The simulation API is not available yet'
    );
  });

  it('runs a what-if with the changed parameters and compares it with the baseline', async () => {
    const response: SimulationResponse = { runs: [run('costscale', 80, 3), run('hpa-cpu:0.7', 100, 5)] };
    backend.on('GET', `${API}/openapi.json`, ok({ paths: { '/api/v1/simulations': {} } }));
    backend.on('POST', `${API}/simulations`, ok(response));
    renderPage(<SimulatorPage />, `${url}?from=now-7d&to=now`);
    await userEvent.click(await screen.findByRole('radio', { name: 'Budget first' }));
    await userEvent.click(screen.getByTestId(testIds.simulator.run));
    const result = await screen.findByTestId(testIds.simulator.result);
    expect(result).toHaveTextContent('€80.00 (-20.0 % vs hpa-cpu:0.7)');
    expect(result).toHaveTextContent('3 (-2 vs hpa-cpu:0.7)');
    await waitFor(() => expect(backend.requests.some((r) => r.method === 'POST')).toBe(true));
    expect(backend.requests.find((r) => r.method === 'POST')!.data).toEqual({
      namespace: 'shop',
      policy: 'checkout',
      window: '7d',
      parameters: { mode: 'budget-first', minReplicas: 2, maxReplicas: 20 },
      baselines: ['hpa-cpu:0.7'],
    });
  });

  it('computes relative changes only against a non-zero baseline', () => {
    expect(relativeChange(80, 100)).toBeCloseTo(-0.2);
    expect(relativeChange(80, 0)).toBeNull();
    expect(relativeChange(null, 100)).toBeNull();
  });
});
