import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Recommendation } from '../../api/upcoming';
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
const rightsizing: Recommendation = {
  id: 'r1',
  kind: 'rightsizing',
  namespace: 'shop',
  target: 'Deployment/checkout',
  summary: 'Request 350m CPU instead of 500m',
  estimatedMonthlySavings: 41.5,
  currency: 'USD',
  slaCheck: { passed: true, detail: 'SLO-miss minutes 12 → 12 over 14 d' },
  status: 'open',
  createdAt: '2026-03-10T08:00:00.000Z',
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
    backend.on('POST', `${API}/recommendations/r1/apply`, () => {
      backend.on('GET', `${API}/recommendations`, ok(page([{ ...rightsizing, status: 'applied' }])));
      return ok({ ...rightsizing, status: 'applied' });
    });
    renderPage(<RecommendationsPage />, url);
    const table = await screen.findByTestId(testIds.recommendations.table);
    expect(table).toHaveTextContent('$41.50');
    expect(table).toHaveTextContent('passed');
    await userEvent.click(within(table).getByRole('button', { name: 'Apply' }));
    expect(backend.requests.some((r) => r.method === 'POST')).toBe(false);
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('patch Deployment/checkout in shop');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(within(table).getByRole('button', { name: 'Roll back' })).toBeInTheDocument());
    expect(backend.requests.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([
      `${API}/recommendations/r1/apply`,
    ]);
  });

  it('offers only what each status allows; a failed SLA check cannot be applied', () => {
    expect(actionsFor(rightsizing)).toEqual(['apply', 'dismiss']);
    expect(actionsFor({ ...rightsizing, slaCheck: { passed: false, detail: '' } })).toEqual(['dismiss']);
    expect(actionsFor({ ...rightsizing, status: 'applied' })).toEqual(['rollback']);
    expect(actionsFor({ ...rightsizing, status: 'dismissed' })).toEqual([]);
  });
});
