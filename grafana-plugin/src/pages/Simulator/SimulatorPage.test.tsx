import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SimulationReport } from '../../api/types';
import { testIds } from '../../components/testIds';
import { API, fakeBackend, ok } from '../../testing/backend';
import { page, policy } from '../../testing/fixtures';
import { renderPage } from '../../testing/render';
import SimulatorPage, { relativeChange, scaleDownWindows } from './SimulatorPage';

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
  backend.on('GET', `${API}/policies`, ok(page([policy])));
});

describe('the simulator page', () => {
  it('says so while the adapter has no simulation API', async () => {
    backend.on(
      'GET',
      `${API}/openapi.json`,
      ok({ paths: { '/api/v1/policies': {}, '/api/v1/budgets': {} } }),
    );
    renderPage(<SimulatorPage />, url);
    expect(await screen.findByTestId(testIds.states.unavailable)).toHaveTextContent(
      'The simulation API is not available yet',
    );
  });

  it('runs a what-if with the changed parameters and compares it with the baseline', async () => {
    const report: SimulationReport = {
      trace: { file: null, samples: 2016, start: '2026-03-03T12:00:00.000Z', hours: 168, stepSeconds: 300 },
      policy: 'shop/checkout',
      currency: 'EUR',
      costPerReplicaHour: 0.05,
      capacityPerReplica: 80,
      readinessDelaySeconds: 30,
      hpaTolerance: 0,
      hpaScaleDownWindowSeconds: 60,
      costscaleScaleDownWindowSeconds: 0,
      scenarios: [run('hpa-cpu:0.6', 120, 2), run('hpa-cpu:0.7', 100, 5), run('costscale', 80, 3)],
    };
    backend.on(
      'GET',
      `${API}/openapi.json`,
      ok({ paths: { '/api/v1/policies/{namespace}/{name}/simulate': {} } }),
    );
    backend.on('POST', `${API}/policies/shop/checkout/simulate`, ok(report));
    renderPage(<SimulatorPage />, `${url}?from=now-7d&to=now`);
    await userEvent.click(await screen.findByRole('radio', { name: 'Budget first' }));
    const targets = screen.getByLabelText('target utilisation (%), comma separated');
    await userEvent.clear(targets);
    await userEvent.type(targets, '60, 70');
    await userEvent.type(screen.getByLabelText('scale-down window (s)'), '60');
    await userEvent.click(screen.getByTestId(testIds.simulator.run));
    const result = await screen.findByTestId(testIds.simulator.result);
    expect(result).toHaveTextContent('costscale: 20.0 % cheaper than hpa-cpu:0.7, 2 SLO-miss minutes fewer');
    expect(result).toHaveTextContent('costscale: 33.3 % cheaper than hpa-cpu:0.6, 1 SLO-miss minutes more');
    expect(result).toHaveTextContent("Scale-down window of costscale's HPA: 0 s. The CPU HPA's: 60 s.");
    expect(result).toHaveTextContent('2016 samples over 168 h');
    expect(within(result).getByText('costscale').closest('tr')).toHaveTextContent('€80.00');
    await waitFor(() => expect(backend.requests.some((r) => r.method === 'POST')).toBe(true));
    expect(backend.requests.find((r) => r.method === 'POST')!.data).toEqual({
      window: '7d',
      parameters: { mode: 'budget-first', minReplicas: 2, maxReplicas: 20 },
      baselines: ['hpa-cpu:0.6', 'hpa-cpu:0.7'],
      hpaScaleDownWindowSeconds: 60,
    });
  });

  it('does not run while a field is invalid, and says why', async () => {
    backend.on(
      'GET',
      `${API}/openapi.json`,
      ok({ paths: { '/api/v1/policies/{namespace}/{name}/simulate': {} } }),
    );
    renderPage(<SimulatorPage />, url);
    await userEvent.type(await screen.findByLabelText('scale-down window (s)'), '9999');
    expect(screen.getByText('whole seconds from 0 to 3600')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.simulator.run)).toBeDisabled();
  });

  it('names the controller’s default window when the report carries none', () => {
    const report = { hpaScaleDownWindowSeconds: null, costscaleScaleDownWindowSeconds: 0 } as const;
    expect(scaleDownWindows({ ...report, scenarios: [run('hpa-cpu:0.7', 1, 0)] } as SimulationReport)).toBe(
      "Scale-down window of costscale's HPA: 0 s. The CPU HPA's: 300 s (the controller's default).",
    );
    expect(scaleDownWindows({ ...report, scenarios: [run('fixed:4', 1, 0)] } as SimulationReport)).toBe(
      "Scale-down window of costscale's HPA: 0 s.",
    );
  });

  it('computes relative changes only against a non-zero baseline', () => {
    expect(relativeChange(80, 100)).toBeCloseTo(-0.2);
    expect(relativeChange(80, 0)).toBeNull();
    expect(relativeChange(null, 100)).toBeNull();
  });
});
