import { configSchema } from '../../config/schema';
import { createEvaluator } from '../../engine/evaluate';
import { parseLabelSelector } from '../../k8s';
import { lookup } from '../../snapshot/lookup';
import type { Snapshot } from '../../snapshot/snapshot';
import { FakePrometheus } from '../../../../test/support/fakePrometheus';
import { valueListResponse } from './value-list';

// Scale to zero (issue 13 item 6; Kubernetes 1.37 HPAScaleToZero beta for external metrics): while the
// workload has 0 pods, the External Metrics API keeps answering, and it answers 0 only when the
// decision is 0. The engine runs over an in-process Prometheus.

const NOW = Date.parse('2026-03-10T12:00:00Z');
const STEP = 15_000;

const config = configSchema.parse({
  prometheus: { default: { url: 'http://127.0.0.1:9' } },
  policies: [
    {
      name: 'batch',
      namespace: 'jobs',
      target: { name: 'batch' },
      demand: { query: 'sum(queue_depth{queue="batch"})' },
      capacityPerReplica: 25,
      replicas: { min: 0, max: 10 },
      resources: { cpuCores: 1, memoryGiB: 2 },
      sloMissCostPerHour: 1,
    },
  ],
  engine: { intervalSeconds: 15, stalenessSeconds: 60 },
});

const DEMAND = 'sum(queue_depth{queue="batch"})';
const REPLICAS = 'max(kube_deployment_status_replicas{namespace="jobs", deployment="batch"})';

async function run(steps: ReadonlyArray<{ demand: number; replicas: number }>) {
  const fake = new FakePrometheus('default', {});
  const evaluate = createEvaluator({ backends: () => new Map([['default', fake]]) });
  let snapshot: Snapshot | undefined;
  const served: string[] = [];
  for (const [k, { demand, replicas }] of steps.entries()) {
    fake.answer(DEMAND, [{ value: demand }]).answer(REPLICAS, [{ value: replicas }]);
    const at = NOW + k * STEP;
    const out = await evaluate(config, at, snapshot);
    snapshot = { generatedAt: at, tick: k + 1, policies: out.policies };
    const answer = valueListResponse(
      lookup(
        snapshot,
        { namespace: 'jobs', metric: 'costscale_replicas', selector: parseLabelSelector('policy=batch') },
        at,
        60_000,
      ),
      'costscale_replicas',
    );
    expect(answer.code).toBe(200);
    served.push(JSON.parse(answer.body).items[0].value as string);
  }
  return { served, snapshot: snapshot! };
}

test('an idle workload at 0 pods is served 0, a valid list item, not an error', async () => {
  const { served, snapshot } = await run([
    { demand: 0, replicas: 0 },
    { demand: 0, replicas: 0 },
  ]);
  expect(served).toEqual(['0', '0']);
  const batch = snapshot.policies[0]!;
  expect(batch.error).toBeUndefined();
  expect(batch.values).toMatchObject({ costscale_replicas: 0, costscale_load: 0 });
});

test('demand arriving while the workload has 0 pods is served as replicas above 0 (activation)', async () => {
  const { served } = await run([
    { demand: 0, replicas: 0 },
    { demand: 60, replicas: 0 },
  ]);
  expect(served[0]).toBe('0');
  expect(Number(served[1])).toBeGreaterThanOrEqual(3);
});

test('no demand sample at 0 pods is an error, never a silent 0: the HPA holds instead of scaling to zero', async () => {
  const fake = new FakePrometheus('default', { [REPLICAS]: [{ value: 0 }] });
  const out = await createEvaluator({ backends: () => new Map([['default', fake]]) })(config, NOW, undefined);
  const snapshot: Snapshot = { generatedAt: NOW, tick: 1, policies: out.policies };
  const answer = valueListResponse(
    lookup(
      snapshot,
      { namespace: 'jobs', metric: 'costscale_replicas', selector: parseLabelSelector('policy=batch') },
      NOW,
      60_000,
    ),
    'costscale_replicas',
  );
  expect(answer.code).toBe(503);
  expect(JSON.parse(answer.body).message).toMatch(/no value yet: .*no series/);
});
