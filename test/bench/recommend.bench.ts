// All recommenders over one workload (a week of 5-minute history, four pods, a daily wave of demand,
// costscale deciding behind an HPA), against a baseline measured in the same run: one simulation of
// the workload as it is at the same sync period — the least any SLA check by simulation costs. This is
// the CPU time one policy takes; the service spends it in a worker thread, off the event loop.
// Prints figures; asserts nothing. Run: node -r ./test/bench/swc-register.cjs test/bench/recommend.bench.ts
import { policySchema, priceBookSchema, recommendationsSchema } from '../../adapter/src/config/schema';
import { priceSetFromBook } from '../../adapter/src/domain';
import { demandTrace, recommendWorkload, type WorkloadInput } from '../../adapter/src/recommend';
import {
  costscaleScenario,
  DEFAULT_PIPELINE,
  observeForCostscale,
  simulate,
  workloadFromPolicy,
} from '../../adapter/src/simulate';

const STEP = 300_000;
const DAYS = 7;
const PODS = 4;
const ROUNDS = 3;

function input(simulationStepSeconds: number): WorkloadInput {
  const n = (DAYS * 86_400_000) / STEP;
  const start = Date.UTC(2024, 0, 1);
  const timesMs = Float64Array.from({ length: n }, (_, i) => start + i * STEP);
  const demand = timesMs.map(
    (t, i) => 300 + 200 * Math.sin((2 * Math.PI * (t - start)) / 86_400_000) + 20 * Math.sin(i * 12.9898),
  );
  const replicas = demand.map((d) => Math.max(2, Math.ceil(d / 90)));
  const cpu = Array.from({ length: PODS }, (_, p) =>
    Float64Array.from(demand, (d, i) =>
      p < (replicas[i] as number) ? 0.02 + (0.0018 * d) / (replicas[i] as number) : NaN,
    ),
  );
  const memory = cpu.map((s) => s.map((v) => (Number.isFinite(v) ? 300 * 1024 * 1024 : NaN)));
  const book = priceBookSchema.parse({});
  return {
    policy: policySchema.parse({
      name: 'web',
      namespace: 'shop',
      target: { name: 'web' },
      demand: { query: 'x' },
      capacityPerReplica: 100,
      replicas: { min: 2, max: 40 },
    }),
    workloadKind: 'Deployment',
    history: {
      stepMs: STEP,
      timesMs,
      demand,
      replicas,
      containers: [
        {
          name: 'app',
          cpuCores: cpu,
          memoryBytes: memory,
          requests: { cpuCores: 1, memoryBytes: 2 * 1024 ** 3 },
          limits: { cpuCores: null, memoryBytes: null },
        },
      ],
    },
    scaling: { kind: 'hpa-external', hpa: 'web', minReplicas: 2, maxReplicas: 40 },
    podDisruptionBudget: true,
    prices: priceSetFromBook(book),
    currency: book.currency,
    settings: recommendationsSchema.parse({ simulationStepSeconds }),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

for (const syncSeconds of [60, 15]) {
  const workloadInput = input(syncSeconds);
  const trace = demandTrace(workloadInput.history)!;
  const workload = workloadFromPolicy(workloadInput.policy, 0.04);
  const observation = observeForCostscale(trace, syncSeconds * 1000, 'linear', DEFAULT_PIPELINE);
  const baseline: number[] = [];
  const all: number[] = [];
  let kinds = '';
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now();
    const scenario = costscaleScenario(workloadInput.policy, workload, observation);
    simulate(trace, workload, scenario, { syncPeriodMs: syncSeconds * 1000 });
    baseline.push(performance.now() - t0);
    t0 = performance.now();
    const out = recommendWorkload(workloadInput);
    all.push(performance.now() - t0);
    kinds = [...out.offered.map((o) => o.kind), ...out.rejected.map((o) => `${o.kind} (rejected)`)].join(
      ', ',
    );
  }
  const b = median(baseline);
  const a = median(all);
  console.log(
    `sync ${syncSeconds} s, ${DAYS} days: one simulation ${b.toFixed(0)} ms; all recommenders ${a.toFixed(0)} ms ` +
      `= ${(a / b).toFixed(1)} × the baseline (median of ${ROUNDS}); produced: ${kinds || 'none'}`,
  );
}
