import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Recommendation } from '../../api/types';
import { testIds } from '../../components/testIds';
import { API, fakeBackend, ok, problem } from '../../testing/backend';
import { page } from '../../testing/fixtures';
import { renderPage } from '../../testing/render';
import RecommendationsPage, { actionsFor } from './RecommendationsPage';

const backend = fakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backend.fetch }),
}));

const url = '/a/costscale-autoscaling-app/recommendations';
const figures = (sloMissMinutes: number, cost: number) => ({
  sloMissMinutes,
  unmetDemand: 0,
  replicaHours: cost * 20,
  meanReplicas: 3,
  peakReplicas: 6,
  cost,
});
const rightsizing: Recommendation = {
  id: 11,
  kind: 'rightsizing',
  status: 'open',
  namespace: 'shop',
  policy: 'checkout',
  target: { kind: 'Deployment', name: 'checkout' },
  summary: 'Request 350m CPU instead of 500m',
  monthlySavings: 41.5,
  currency: 'USD',
  evidence: { p95CpuCores: 0.31 },
  slaCheck: {
    passed: true,
    scenario: 'costscale',
    hours: 168,
    toleranceMinutes: 5,
    before: figures(12, 60),
    after: figures(12, 45),
    sloMissIncreaseMinutes: 0,
    detail: 'no more SLO-miss minutes',
  },
  changes: [
    {
      type: 'container-requests',
      workload: { kind: 'Deployment', name: 'checkout' },
      containers: [{ name: 'app', cpu: '350m' }],
    },
  ],
  createdAt: '2026-03-10T08:00:00.000Z',
  updatedAt: '2026-03-10T08:00:00.000Z',
  expiresAt: '2026-03-11T08:00:00.000Z',
  statusChangedAt: null,
  statusChangedBy: null,
};

beforeEach(() => {
  backend.requests.length = 0;
});

describe('the recommendations page', () => {
  it('says plainly that the API is not available while the adapter answers 404', async () => {
    backend.on('GET', `${API}/recommendations`, problem(404, 'no route GET /api/v1/recommendations'));
    renderPage(<RecommendationsPage />, url);
    const note = await screen.findByTestId(testIds.states.unavailable);
    expect(note).toHaveTextContent('The recommendations API is not available yet');
    expect(screen.queryByTestId(testIds.states.error)).not.toBeInTheDocument();
  });

  it('treats other failures as errors', async () => {
    backend.on('GET', `${API}/recommendations`, problem(500, 'boom'));
    renderPage(<RecommendationsPage />, url);
    expect(await screen.findByTestId(testIds.states.error)).toHaveTextContent('boom');
  });

  it('lists savings and the SLA check, and applies after confirmation', async () => {
    backend.on('GET', `${API}/recommendations`, ok(page([rightsizing])));
    backend.on('POST', `${API}/recommendations/11/apply`, () => {
      backend.on('GET', `${API}/recommendations`, ok(page([{ ...rightsizing, status: 'applied' }])));
      return ok({ ...rightsizing, status: 'applied' });
    });
    renderPage(<RecommendationsPage />, url);
    const table = await screen.findByTestId(testIds.recommendations.table);
    expect(table).toHaveTextContent('$41.50');
    expect(table).toHaveTextContent('passed');
    expect(table).toHaveTextContent('no more SLO-miss minutes');
    await userEvent.click(within(table).getByRole('button', { name: 'Apply' }));
    expect(backend.requests.some((r) => r.method === 'POST')).toBe(false);
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('change Deployment/checkout in shop');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(within(table).getByRole('button', { name: 'Roll back' })).toBeInTheDocument());
    expect(backend.requests.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([
      `${API}/recommendations/11/apply`,
    ]);
  });

  it('offers only what each status allows; a failed SLA check cannot be applied', () => {
    expect(actionsFor(rightsizing)).toEqual(['apply', 'dismiss']);
    expect(actionsFor({ ...rightsizing, slaCheck: { ...rightsizing.slaCheck, passed: false } })).toEqual([
      'dismiss',
    ]);
    expect(actionsFor({ ...rightsizing, status: 'applied' })).toEqual(['rollback']);
    expect(actionsFor({ ...rightsizing, status: 'dismissed' })).toEqual([]);
  });
});
