import React from 'react';
import { screen, within } from '@testing-library/react';
import { testIds } from '../../components/testIds';
import { API, fakeBackend, ok, problem } from '../../testing/backend';
import { anomaly, decisionRecords, failingPolicy, forecast, page, policy } from '../../testing/fixtures';
import { renderPage } from '../../testing/render';
import ForecastsPage from './ForecastsPage';

const backend = fakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backend.fetch }),
}));

const url = '/a/costscale-autoscaling-app/forecasts';

beforeEach(() => {
  backend.requests.length = 0;
  backend
    .on('GET', `${API}/policies`, ok(page([policy, failingPolicy])))
    .on('GET', `${API}/policies/shop/checkout/forecast`, ok(forecast))
    .on('GET', `${API}/decisions`, ok(page(decisionRecords)))
    .on('GET', `${API}/anomalies`, ok(page([])));
});

describe('the forecasts page', () => {
  it('draws demand, forecast bands and replicas of the first policy, with accuracy and the gate', async () => {
    renderPage(<ForecastsPage />, `${url}?from=now-6h&to=now`);
    const chart = await screen.findByTestId(testIds.charts.forecast);
    for (const series of [
      'actual demand (requests/s)',
      'forecast 10–90 %',
      'forecast 25–75 %',
      'replicas decided',
    ]) {
      expect(chart.querySelector(`[data-series="${series}"]`)?.getAttribute('d')).toMatch(/^M/);
    }
    const accuracy = screen.getByTestId(testIds.forecasts.accuracy);
    expect(accuracy).toHaveTextContent('MASE 0.82');
    expect(accuracy).toHaveTextContent('96 outcomes scored online');
    expect(accuracy).toHaveTextContent('interval coverage 88.0 %');
    expect(within(accuracy).getByText('Demand distribution').parentElement).toHaveTextContent(
      'reactiveforecast worse than seasonal naive',
    );
    expect(within(accuracy).getByText('Target demand Q(τ*)').parentElement).toHaveTextContent(
      '455 requests/s',
    );
    const forecastRequest = backend.requests.find((r) => r.url.endsWith('/forecast'))!;
    expect(forecastRequest.params).toEqual({ window: '6h' });
    expect(backend.requests.find((r) => r.url === `${API}/decisions`)!.params).toMatchObject({
      namespace: 'shop',
      policy: 'checkout',
      limit: '1000',
    });
  });

  it("annotates the policy's anomaly episodes on the chart", async () => {
    backend.on('GET', `${API}/anomalies`, ok(page([anomaly])));
    renderPage(<ForecastsPage />, `${url}?from=now-6h&to=now`);
    const chart = await screen.findByTestId(testIds.charts.forecast);
    expect(chart.querySelector('rect[data-series="demand anomaly"]')).not.toBeNull();
    expect(backend.requests.find((r) => r.url === `${API}/anomalies`)!.params).toMatchObject({
      namespace: 'shop',
      policy: 'checkout',
    });
  });

  it('draws the chart without annotations when the anomalies cannot be read', async () => {
    backend.on('GET', `${API}/anomalies`, problem(503, 'the database is unavailable; retry later'));
    renderPage(<ForecastsPage />, `${url}?from=now-6h&to=now`);
    const chart = await screen.findByTestId(testIds.charts.forecast);
    expect(chart.querySelector('rect[data-series="demand anomaly"]')).toBeNull();
    expect(screen.getByText(/Anomaly annotations are not available/)).toBeInTheDocument();
  });

  it('warns when Prometheus gave no actuals and says there is no forecast yet', async () => {
    backend.on(
      'GET',
      `${API}/policies/shop/search/forecast`,
      ok({
        ...forecast,
        name: 'search',
        actuals: { ...forecast.actuals, timestamps: [], values: [], error: 'query returned no series' },
        forecast: null,
        accuracy: null,
      }),
    );
    backend.on('GET', `${API}/decisions`, ok(page([])));
    renderPage(<ForecastsPage />, `${url}?policy=shop%2Fsearch`);
    expect(await screen.findByText('Actual demand could not be read from Prometheus')).toBeInTheDocument();
    expect(screen.getByText('query returned no series')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.states.empty)).toHaveTextContent('No demand, forecast or decisions');
    expect(screen.getByText(/No forecast stored for this policy yet/)).toBeInTheDocument();
  });

  it('has nothing to show without policies', async () => {
    backend.on('GET', `${API}/policies`, ok(page([])));
    renderPage(<ForecastsPage />, url);
    expect(await screen.findByTestId(testIds.states.empty)).toHaveTextContent('No policies yet');
  });
});
