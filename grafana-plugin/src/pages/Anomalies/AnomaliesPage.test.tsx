import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { testIds } from '../../components/testIds';
import { API, fakeBackend, ok, problem } from '../../testing/backend';
import { anomaly, anomalyDetail, endedAnomaly, page, policy } from '../../testing/fixtures';
import { renderPage } from '../../testing/render';
import AnomaliesPage from './AnomaliesPage';

const backend = fakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backend.fetch }),
}));

const url = '/a/costscale-autoscaling-app/anomalies';
const listRequests = () => backend.requests.filter((r) => r.url === `${API}/anomalies`);

beforeEach(() => {
  backend.requests.length = 0;
  backend
    .on('GET', `${API}/policies`, ok(page([policy])))
    .on('GET', `${API}/anomalies`, ok(page([anomaly, endedAnomaly])))
    .on('GET', `${API}/anomalies/41`, ok(anomalyDetail))
    .on('GET', `${API}/anomalies/40`, ok({ ...anomalyDetail, ...endedAnomaly }));
});

describe('the anomalies page', () => {
  it('lists the episodes in the time range and draws the newest with its band and interval', async () => {
    renderPage(<AnomaliesPage />, `${url}?from=1773141000000&to=1773144600000`);
    const table = await screen.findByTestId(testIds.anomalies.table);
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('shop/checkoutdemandactive0.92');
    expect(rows[2]).toHaveTextContent('1 h0.55');
    expect(listRequests()[0]!.params).toEqual({
      from: new Date(1773141000000).toISOString(),
      to: new Date(1773144600000).toISOString(),
      limit: '100',
    });
    const chart = await screen.findByTestId(testIds.anomalies.chart);
    expect(chart.querySelector('[data-series="demand (requests/s)"]')?.getAttribute('d')).toMatch(/^M/);
    expect(chart.querySelector('[data-series="expected band"]')?.getAttribute('d')).toMatch(/^M/);
    expect(chart.querySelector('rect[data-series="demand anomaly"]')).not.toBeNull();
    expect(screen.getByText(/expected 80–120 before it/)).toBeInTheDocument();
    expect(screen.getByText(/The forecast is not trusted while it lasts/)).toBeInTheDocument();
  });

  it('filters by signal and state, and opens the episode picked', async () => {
    renderPage(<AnomaliesPage />, url);
    await screen.findByTestId(testIds.anomalies.table);
    await userEvent.click(screen.getByRole('radio', { name: 'Latency' }));
    await waitFor(() => expect(listRequests().at(-1)!.params).toMatchObject({ signal: 'latency' }));
    await userEvent.click(screen.getByRole('radio', { name: 'Active' }));
    await waitFor(() =>
      expect(listRequests().at(-1)!.params).toMatchObject({ signal: 'latency', active: 'true' }),
    );

    const table = await screen.findByTestId(testIds.anomalies.table);
    await userEvent.click(within(table).getAllByRole('row')[2]!);
    await waitFor(() => expect(backend.requests.some((r) => r.url === `${API}/anomalies/40`)).toBe(true));
    expect(await screen.findByText(/peak anomaly score 0.55/i)).toBeInTheDocument();
  });

  it('says when there are none, and why the list could not be read', async () => {
    backend.on('GET', `${API}/anomalies`, ok(page([])));
    const { unmount } = renderPage(<AnomaliesPage />, url);
    expect(await screen.findByTestId(testIds.states.empty)).toHaveTextContent(
      'No anomalies in this time range',
    );
    unmount();
    backend.on('GET', `${API}/anomalies`, problem(503, 'the database is unavailable; retry later'));
    renderPage(<AnomaliesPage />, url);
    expect(await screen.findByTestId(testIds.states.error)).toHaveTextContent('Could not load the anomalies');
  });

  it('shows an episode served from memory without asking for its detail', async () => {
    backend.on('GET', `${API}/anomalies`, ok(page([{ ...anomaly, id: 0, expected: null }])));
    renderPage(<AnomaliesPage />, url);
    expect(await screen.findByText(/expected band not available/)).toBeInTheDocument();
    expect(backend.requests.some((r) => r.url.startsWith(`${API}/anomalies/`))).toBe(false);
  });
});
