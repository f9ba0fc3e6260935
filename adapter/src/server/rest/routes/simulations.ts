import type { z } from 'zod';
import { policySchema, type Policy } from '../../../config/schema';
import { blendedCostPerReplicaHour } from '../../../domain';
import { demandTrace } from '../../../recommend';
import { recommendationPrices } from '../../../recommend-runtime';
import {
  costscaleScenario,
  DEFAULT_PIPELINE,
  earlierDemandAt,
  earlierDemandRange,
  engineSettingsOf,
  observeForCostscale,
  rateWindowOf,
  simulate,
  hpaBehavior,
  summarize,
  workloadFromPolicy,
  type ResultSummary,
  type Scenario,
} from '../../../simulate';
import { fetchReplicaRequests, onlySeries, workloadKey } from '../../../sources';
import type { ApiContext } from '../context';
import { conflictProblem, httpProblem, validationProblem } from '../problem';
import { route, type Route } from '../router';
import { noQuery, policyParams, simulationRequest, type simulationReport } from '../schemas';
import { iso, policyCatalog } from '../views';

// What-if simulation over a policy's own history: its demand query as a range query over the window,
// replayed through the baselines and costscale (with the parameters changed as asked) exactly as
// `costscale simulate` replays a trace file, and answered in the same report shape.

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_WINDOW_MS = 14 * 86_400_000;
/** Points of history the default step aims at (a week at 5 minutes). */
const DEFAULT_POINTS = 2016;

const durationMs = (d: string): number => Number(d.slice(0, -1)) * (UNIT_MS[d.slice(-1)] as number);

/** `hpa-cpu:0.7`, `hpa-cpu:70%` or `fixed:4` (validated by the request schema). */
function baselineScenario(
  spec: string,
  tolerance: number | undefined,
  scaleDownWindowSeconds: number | undefined,
): Scenario {
  const [kind, arg = ''] = spec.split(':');
  if (kind === 'fixed') return { name: spec, kind: 'fixed', replicas: Number(arg) };
  const target = arg.endsWith('%') ? Number(arg.slice(0, -1)) / 100 : Number(arg);
  return {
    name: `hpa-cpu:${target}`,
    kind: 'hpa-cpu',
    targetUtilization: target,
    behavior: hpaBehavior(tolerance, scaleDownWindowSeconds),
  };
}

export function simulationRoutes(ctx: ApiContext): Route[] {
  return [
    route({
      method: 'POST',
      path: '/api/v1/policies/{namespace}/{name}/simulate',
      operationId: 'simulatePolicy',
      summary: 'Replay the policy’s own Prometheus history through costscale and baselines',
      tag: 'simulations',
      role: 'viewer',
      params: policyParams,
      query: noQuery,
      body: simulationRequest,
      bodyComponent: 'SimulationRequest',
      success: {
        status: 200,
        component: 'SimulationReport',
        description: 'cost and SLO misses per scenario',
      },
      problems: [404, 409, 413, 415],
      handler: async ({ params, body, now }) => {
        const config = ctx.config();
        const found = (await policyCatalog(ctx.db, config)).find(
          (c) => c.policy.namespace === params.namespace && c.policy.name === params.name,
        );
        if (found === undefined) throw httpProblem(404, `no policy ${params.namespace}/${params.name}`);
        const windowMs = durationMs(body.window);
        if (windowMs > MAX_WINDOW_MS || windowMs < 3_600_000) {
          throw validationProblem([
            { location: 'body', path: '/window', message: 'must be between 1h and 14d' },
          ]);
        }
        const stepMs =
          body.step !== undefined
            ? durationMs(body.step)
            : Math.min(300_000, Math.max(60_000, Math.round(windowMs / DEFAULT_POINTS / 1000) * 1000));
        if (stepMs < 15_000 || windowMs / stepMs > 11_000) {
          throw validationProblem([
            {
              location: 'body',
              path: '/step',
              message: 'must be at least 15s and give at most 11,000 points',
            },
          ]);
        }
        const p = body.parameters;
        const changed = policySchema.safeParse({
          ...found.policy,
          ...(p.mode !== undefined && { mode: p.mode }),
          ...(p.sloMissCostPerHour !== undefined && { sloMissCostPerHour: p.sloMissCostPerHour }),
          ...(p.capacityPerReplica !== undefined && { capacityPerReplica: p.capacityPerReplica }),
          replicas: {
            min: p.minReplicas ?? found.policy.replicas.min,
            max: p.maxReplicas ?? found.policy.replicas.max,
          },
        });
        if (!changed.success) {
          throw validationProblem(
            changed.error.issues.map((i) => ({
              location: 'body',
              path: `/parameters/${i.path.join('/')}`,
              message: i.message,
            })),
          );
        }
        const policy: Policy = changed.data;
        if (policy.capacityPerReplica === undefined) {
          throw validationProblem([
            {
              location: 'body',
              path: '/parameters/capacityPerReplica',
              message: 'the policy has no capacityPerReplica; give one to simulate with',
            },
          ]);
        }
        const client = ctx.backends().get(policy.backend);
        if (client === undefined) throw conflictProblem(`no Prometheus backend named ${policy.backend}`);

        let costPerReplicaHour = body.replicaCost;
        if (costPerReplicaHour === undefined) {
          const { prices } = await recommendationPrices(config, ctx.backends(), now);
          let resources = policy.resources;
          if (resources === undefined) {
            const ref = { namespace: policy.namespace, ...policy.target };
            const fetched = await fetchReplicaRequests(client, [ref], { time: now });
            const requests = fetched.ok ? fetched.value.get(workloadKey(ref)) : fetched;
            if (requests === undefined || !requests.ok) {
              const why = requests?.ok === false ? requests.error : 'no requests found';
              throw conflictProblem(
                `the replica cost is unknown: ${why}; give replicaCost or set the policy's resources`,
              );
            }
            resources = requests.value;
          }
          costPerReplicaHour = blendedCostPerReplicaHour(resources, prices, policy.spotShare);
        }

        const end = Math.floor(now / stepMs) * stepMs;
        let response;
        try {
          response = await client.range(policy.demand.query, { start: end - windowMs, end, stepMs });
        } catch (err) {
          throw conflictProblem(`the policy's demand query failed: ${(err as Error).message}`);
        }
        const series = response.data.resultType === 'matrix' ? response.data.series : [];
        if (series.length !== 1) {
          throw conflictProblem(
            `the policy's demand query returned ${series.length} series over the window; exactly one is needed`,
          );
        }
        const trace = demandTrace({ timesMs: series[0]!.timestamps, demand: series[0]!.values });
        if (trace === undefined)
          throw conflictProblem('the policy’s demand query returned fewer than two samples over the window');

        const workload = workloadFromPolicy(policy, costPerReplicaHour);
        // The history is what the demand query returned; costscale sees it again through the pipeline.
        const pipeline = {
          ...DEFAULT_PIPELINE,
          // A query without rate() or increase() reads a gauge.
          rateWindowMs: rateWindowOf(policy.demand.query) ?? 0,
        };
        const options = {
          syncPeriodMs: body.syncSeconds * 1000,
          interpolation: 'linear' as const,
          cpuPipeline: pipeline,
        };
        const tolerance = body.hpaTolerance ?? undefined;
        // The live engine's growth histogram would have held the day before the window (engine/gather.ts).
        const t0 = trace.timesMs[0] as number;
        const earlier = await client
          .range(policy.demand.query, earlierDemandRange(end - windowMs, options.syncPeriodMs))
          .then(onlySeries)
          .catch(() => undefined);
        const observation = observeForCostscale(
          trace,
          options.syncPeriodMs,
          'linear',
          pipeline,
          earlier && earlierDemandAt(earlier, t0, options.syncPeriodMs),
        );
        const scenarios: Scenario[] = [
          ...body.baselines.map((b) =>
            baselineScenario(b, tolerance, body.hpaScaleDownWindowSeconds ?? undefined),
          ),
          costscaleScenario(policy, workload, observation, {
            hpaTolerance: tolerance,
            hpaScaleDownWindowSeconds: body.costscaleScaleDownWindowSeconds,
            engine: engineSettingsOf(config.engine),
          }),
        ];
        const summaries: ResultSummary[] = [];
        for (const scenario of scenarios) {
          // One scenario per turn of the event loop, so serving goes on between them.
          await new Promise((resolve) => setImmediate(resolve));
          summaries.push(summarize(simulate(trace, workload, scenario, options)));
        }
        const report: z.infer<typeof simulationReport> = {
          trace: {
            file: null,
            samples: trace.timesMs.length,
            start: iso(trace.timesMs[0] as number),
            hours: summaries[0]?.hours ?? 0,
            backend: policy.backend,
            query: policy.demand.query,
            stepSeconds: stepMs / 1000,
          },
          policy: policy.name,
          currency: config.prices.book.currency,
          costPerReplicaHour,
          capacityPerReplica: workload.capacityPerReplica,
          readinessDelaySeconds: workload.readinessDelayMs / 1000,
          hpaTolerance: body.hpaTolerance,
          hpaScaleDownWindowSeconds: body.hpaScaleDownWindowSeconds,
          costscaleScaleDownWindowSeconds: body.costscaleScaleDownWindowSeconds,
          trueCapacityPerReplica: workload.capacityPerReplica,
          cpuCap: 1,
          pipeline: {
            scrapeIntervalSeconds: pipeline.scrapeIntervalMs / 1000,
            rateWindowSeconds: pipeline.rateWindowMs / 1000,
            tickAgeSeconds: pipeline.tickAgeMs / 1000,
            metricsResolutionSeconds: pipeline.cpuResolutionMs / 1000,
          },
          scenarios: summaries,
        };
        return { status: 200, body: report };
      },
    }),
  ];
}
