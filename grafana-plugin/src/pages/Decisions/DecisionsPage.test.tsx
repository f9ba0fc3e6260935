import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { testIds } from '../../components/testIds';
import { API, fakeBackend, ok, problem } from '../../testing/backend';
import { decisionRecords, failedDecisionRecord, page, policy } from '../../testing/fixtures';
import { renderPage } from '../../testing/render';
import DecisionsPage from './DecisionsPage';

const backend = fakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backend.fetch }),
}));

const url = '/a/costscale-autoscaling-app/decisions';

beforeEach(() => {
  backend.requests.length = 0;
  backend.on('GET', `${API}/policies`, ok(page([policy])));
});

describe('the decisions page', () => {
  it('lists decisions in the time range and explains the newest', async () => {
    backend.on('GET', `${API}/decisions`, ok(page([...decisionRecords, failedDecisionRecord])));
    renderPage(<DecisionsPage />, `${url}?from=1773141000000&to=1773144600000`);
    const table = await screen.findByTestId(testIds.decisions.table);
    expect(within(table).getAllByRole('row')).toHaveLength(5);
    const request = backend.requests.find((r) => r.url === `${API}/decisions`)!;
    expect(request.params).toEqual({
      from: new Date(1773141000000).toISOString(),
      to: new Date(1773144600000).toISOString(),
      limit: '100',
    });

    const explanation = screen.getByTestId(testIds.decisions.explanation);
    expect(explanation).toHaveTextContent(`${decisionRecords[0]!.explanation!.summary}`);
    const bounds = within(explanation).getByRole('region', { name: 'Bounds that acted' });
    expect(bounds).toHaveTextContent('5 → 6');
    expect(bounds).toHaveTextContent('business hours floor 6 (Europe/Berlin)');
    const inputs = within(explanation).getByRole('region', { name: 'Inputs' });
    expect(inputs).toHaveTextContent('Peak demand quantile Q(τ*)');
    expect(inputs).toHaveTextContent('reactive: 240 ratios over 1 h');
    expect(within(explanation).getByRole('region', { name: 'Forecast and decision' })).toHaveTextContent(
      '4.0 %',
    );
    expect(explanation).toHaveTextContent('latency query returned no series');
  });

  it('explains the decision picked, including one that could not be made', async () => {
    backend.on('GET', `${API}/decisions`, ok(page([...decisionRecords, failedDecisionRecord])));
    renderPage(<DecisionsPage />, url);
    const table = await screen.findByTestId(testIds.decisions.table);
    await userEvent.click(within(table).getByText('shop/search'));
    const explanation = screen.getByTestId(testIds.decisions.explanation);
    expect(explanation).toHaveTextContent('No decision: inputs were unusable');
    expect(explanation).toHaveTextContent('demand is missing: no decision (never a silent zero)');
    expect(
      within(explanation).queryByRole('region', { name: 'Forecast and decision' }),
    ).not.toBeInTheDocument();
  });

  it('names an active demand anomaly and says the forecast is not trusted', async () => {
    const anomalous = decisionRecords[0]!;
    const withAnomaly = {
      ...anomalous,
      explanation: {
        ...anomalous.explanation!,
        inputs: [
          ...anomalous.explanation!.inputs,
          {
            name: 'anomaly',
            value: 'demand since 2026-03-10T11:40:00.000Z',
            source: 'anomaly detector, peak score 0.91',
          },
        ],
      },
    };
    backend.on('GET', `${API}/decisions`, ok(page([withAnomaly])));
    renderPage(<DecisionsPage />, url);
    const alert = await screen.findByTestId(testIds.decisions.anomaly);
    expect(alert).toHaveTextContent('Demand is anomalous: the forecast is not trusted');
    expect(alert).toHaveTextContent(
      'demand since 2026-03-10T11:40:00.000Z (anomaly detector, peak score 0.91)',
    );
    const inputs = within(screen.getByTestId(testIds.decisions.explanation)).getByRole('region', {
      name: 'Inputs',
    });
    expect(inputs).toHaveTextContent('Active anomaly');
  });

  it('labels the inputs of decisions stored before the miss objective', async () => {
    const stored = decisionRecords[0]!;
    const older = {
      ...stored,
      explanation: {
        ...stored.explanation!,
        inputs: [
          ...stored.explanation!.inputs,
          { name: 'hpaToleranceBand', value: 4, source: 'HPA tolerance 0.1 holds 4 replicas against 5' },
        ],
      },
    };
    backend.on('GET', `${API}/decisions`, ok(page([older])));
    renderPage(<DecisionsPage />, url);
    const inputs = within(await screen.findByTestId(testIds.decisions.explanation)).getByRole('region', {
      name: 'Inputs',
    });
    expect(inputs).toHaveTextContent('Reachable past the HPA tolerance');
    expect(inputs).not.toHaveTextContent('hpaToleranceBand');
  });

  it('shows no anomaly when none is active', async () => {
    backend.on('GET', `${API}/decisions`, ok(page(decisionRecords)));
    renderPage(<DecisionsPage />, url);
    await screen.findByTestId(testIds.decisions.explanation);
    expect(screen.queryByTestId(testIds.decisions.anomaly)).not.toBeInTheDocument();
  });

  it('selects a decision from the keyboard', async () => {
    backend.on('GET', `${API}/decisions`, ok(page(decisionRecords)));
    renderPage(<DecisionsPage />, url);
    const table = await screen.findByTestId(testIds.decisions.table);
    within(table).getAllByRole('row')[2]!.focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.getByTestId(testIds.decisions.explanation)).toHaveTextContent(
      decisionRecords[1]!.explanation!.summary,
    );
  });

  it('loads older pages with the cursor', async () => {
    backend.on('GET', `${API}/decisions`, (request) =>
      request.params?.cursor === 'c2' ? ok(page([failedDecisionRecord])) : ok(page(decisionRecords, 'c2')),
    );
    renderPage(<DecisionsPage />, url);
    await screen.findByTestId(testIds.decisions.table);
    await userEvent.click(screen.getByRole('button', { name: 'Load older' }));
    await waitFor(() => expect(screen.getByText('4 decisions')).toBeInTheDocument());
    expect(screen.queryByRole('button', { name: 'Load older' })).not.toBeInTheDocument();
  });

  it('filters by the policy in the URL', async () => {
    backend.on('GET', `${API}/decisions`, ok(page([])));
    renderPage(<DecisionsPage />, `${url}?policy=shop%2Fcheckout`);
    expect(await screen.findByTestId(testIds.states.empty)).toHaveTextContent(
      'No decisions in this time range',
    );
    expect(backend.requests.find((r) => r.url === `${API}/decisions`)!.params).toMatchObject({
      namespace: 'shop',
      policy: 'checkout',
    });
  });

  it('shows why the history could not be read', async () => {
    backend.on('GET', `${API}/decisions`, problem(400, 'from: must be before to'));
    renderPage(<DecisionsPage />, url);
    expect(await screen.findByTestId(testIds.states.error)).toHaveTextContent(
      'from: must be before to (HTTP 400)',
    );
  });
});
