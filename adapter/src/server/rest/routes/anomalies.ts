import type { z } from 'zod';
import { MAX_EPISODE_MS } from '../../../anomaly';
import type { Policy } from '../../../config/schema';
import type { Snapshot } from '../../../snapshot/snapshot';
import { executeRangePlan, planQueries, policySeries } from '../../../sources';
import {
  getAnomalyEvent,
  listAnomalyEvents,
  type AnomalyEventQuery,
  type StoredAnomalyEvent,
} from '../../../store/anomalyEvents';
import { decodeCursor, page, type ApiContext } from '../context';
import { DatabaseUnavailable } from '../database';
import { httpProblem } from '../problem';
import { route, type Route } from '../router';
import { anomaliesQuery, anomalyParams, noParams, noQuery, type anomalyResource } from '../schemas';
import { iso, policyCatalog } from '../views';

// Anomaly episodes of policies' signals (issue 15): the history with filters and keyset pages, and one
// episode with the band the detector expected and the signal from Prometheus around it. Like the
// decision history, the list answers from the engine's snapshot while the database is unreachable.

const HOUR_MS = 3_600_000;
const MIN_STEP_MS = 15_000;
const POINTS = 240;

type AnomalyView = z.output<typeof anomalyResource>;

function anomalyView(e: StoredAnomalyEvent, now: number): AnomalyView {
  return {
    id: e.id,
    namespace: e.namespace,
    policy: e.policy,
    signal: e.signal,
    startedAt: iso(e.startedAt),
    endedAt: e.endedAt === null ? null : iso(e.endedAt),
    active: isActive(e, now),
    peakScore: e.peakScore,
    expected: { low: e.expectedLow, high: e.expectedHigh },
  };
}

/** An episode never lasts longer than the detector's maximum, so an end lost to a restart does not keep it open. */
const isActive = (e: { startedAt: number; endedAt: number | null }, now: number): boolean =>
  e.endedAt === null && e.startedAt > now - MAX_EPISODE_MS;

/** The query behind a policy's signal and its unit, when the policy has one. */
function signalQuery(policy: Policy, signal: string): { query: string; unit: string } | undefined {
  if (signal === 'demand') return { query: policy.demand.query, unit: `${policy.demand.unit}/s` };
  if (signal === 'latency' && policy.slo.latencySeconds !== undefined) {
    return { query: policy.slo.latencySeconds.query, unit: 's' };
  }
  return undefined;
}

export function anomalyRoutes(ctx: ApiContext): Route[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/anomalies',
      operationId: 'listAnomalies',
      summary:
        'Anomaly episodes of signals, newest first; while the database is down, the episodes active in the engine (id 0, no band, no further pages)',
      tag: 'anomalies',
      role: 'viewer',
      params: noParams,
      query: anomaliesQuery,
      success: { status: 200, component: 'AnomalyList', description: 'a page of anomaly episodes' },
      handler: async ({ query, now }) => {
        const limit = query.limit ?? 100;
        const before = decodeCursor(query.cursor);
        const filter = {
          ...(query.namespace !== undefined && { namespace: query.namespace }),
          ...(query.policy !== undefined && { policy: query.policy }),
          ...(query.signal !== undefined && { signal: query.signal }),
          ...(query.from !== undefined && { from: Date.parse(query.from) }),
          ...(query.to !== undefined && { to: Date.parse(query.to) }),
          ...(query.active !== undefined && {
            active: { is: query.active === 'true', openSince: now - MAX_EPISODE_MS },
          }),
        } satisfies Omit<AnomalyEventQuery, 'limit'>;
        let rows: StoredAnomalyEvent[];
        try {
          rows = await listAnomalyEvents(ctx.db, {
            ...filter,
            ...(before !== undefined && { before: { startedAt: before.at, id: before.id } }),
            limit: limit + 1,
          });
        } catch (err) {
          const snapshot = ctx.snapshot.current();
          if (!(err instanceof DatabaseUnavailable) || snapshot === undefined || before !== undefined)
            throw err;
          const items = activeInSnapshot(snapshot, filter).slice(0, limit);
          return { status: 200, body: { items, nextCursor: null } };
        }
        const p = page(rows, limit, (e) => ({ at: e.startedAt, id: e.id }));
        return {
          status: 200,
          body: { items: p.rows.map((e) => anomalyView(e, now)), nextCursor: p.nextCursor },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/anomalies/{id}',
      operationId: 'getAnomaly',
      summary: 'One anomaly episode with the band the detector expected and the signal around it',
      tag: 'anomalies',
      role: 'viewer',
      params: anomalyParams,
      query: noQuery,
      success: { status: 200, component: 'AnomalyDetail', description: 'the episode' },
      problems: [404],
      handler: async ({ params, now }) => {
        const event = await getAnomalyEvent(ctx.db, params.id);
        if (event === undefined) throw httpProblem(404, `no anomaly ${params.id}`);
        const policy = (await policyCatalog(ctx.db, ctx.config())).find(
          (c) => c.policy.namespace === event.namespace && c.policy.name === event.policy,
        )?.policy;
        const signal = policy === undefined ? undefined : signalQuery(policy, event.signal);
        const view = anomalyView(event, now);
        if (policy === undefined || signal === undefined) {
          return { status: 200, body: { ...view, unit: null, samples: null } };
        }
        // The episode with as much time again on each side (at least an hour), up to now.
        const end = Math.min(now, event.endedAt ?? now);
        const margin = Math.max(HOUR_MS, end - event.startedAt);
        const start = event.startedAt - margin;
        const stop = Math.min(now, end + margin);
        const stepMs = Math.max(MIN_STEP_MS, Math.ceil((stop - start) / POINTS / 1000) * 1000);
        const plan = planQueries([{ backend: policy.backend, query: signal.query }]);
        const outcomes = await executeRangePlan(plan, ctx.backends(), { start, end: stop, stepMs });
        const series = policySeries(plan, outcomes)[0]!;
        return {
          status: 200,
          body: {
            ...view,
            unit: signal.unit,
            samples: {
              query: signal.query,
              stepSeconds: stepMs / 1000,
              timestamps: series.ok ? Array.from(series.timestamps) : [],
              values: series.ok ? Array.from(series.values, (v) => (Number.isFinite(v) ? v : null)) : [],
              error: series.ok ? null : series.error,
            },
          },
        };
      },
    }),
  ];
}

/** The episodes active in the engine's snapshot, as the history would list them, newest first. */
function activeInSnapshot(
  snapshot: Snapshot,
  filter: Omit<AnomalyEventQuery, 'limit' | 'before'>,
): AnomalyView[] {
  const watched = [
    ...snapshot.policies.flatMap((p) => [
      ...(p.forecast?.anomaly ? [{ owner: p, signal: 'demand', anomaly: p.forecast.anomaly }] : []),
      ...(p.anomalies ?? []).map((a) => ({ owner: p, signal: a.signal, anomaly: a })),
    ]),
    ...(snapshot.budgets ?? []).flatMap((b) =>
      b.anomaly
        ? [{ owner: { namespace: '', name: b.name }, signal: b.anomaly.signal, anomaly: b.anomaly }]
        : [],
    ),
  ];
  const out: AnomalyView[] = [];
  for (const { owner, signal, anomaly: a } of watched) {
    if (!a.active || a.since === undefined) continue;
    if (filter.namespace !== undefined && owner.namespace !== filter.namespace) continue;
    if (filter.policy !== undefined && owner.name !== filter.policy) continue;
    if (filter.signal !== undefined && signal !== filter.signal) continue;
    if (filter.from !== undefined && a.since < filter.from) continue;
    if (filter.to !== undefined && a.since >= filter.to) continue;
    if (filter.active?.is === false) continue;
    out.push({
      id: 0,
      namespace: owner.namespace,
      policy: owner.name,
      signal,
      startedAt: iso(a.since),
      endedAt: null,
      active: true,
      peakScore: a.peak ?? a.score,
      expected: null,
    });
  }
  return out.sort((x, y) => y.startedAt.localeCompare(x.startedAt));
}
