// decide() for a tick's worth of policies, against a baseline measured in the same run: sorting each
// policy's history once (the unavoidable cost of an empirical quantile). Prints figures; asserts nothing.
// Run: node -r ./test/bench/swc-register.cjs test/bench/decide.bench.ts
import {
  decide,
  type DecisionInput,
  reactiveDistribution,
  type ScheduleProfile,
} from '../../adapter/src/domain';

const POLICIES = 10_000;
const HISTORY = 240; // one hour at a 15 s step
const HORIZON = 6; // 30 s readiness + 15 s sync + 15 s tick, in 15 s steps
const ROUNDS = 5;

function histories(): Float64Array[] {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: POLICIES }, (_, p) =>
    Float64Array.from({ length: HISTORY }, (_, i) => 100 + 50 * Math.sin((i + p) / 20) + 20 * random()),
  );
}

const schedules: ScheduleProfile[] = [
  {
    name: 'business',
    timeZone: 'Europe/Berlin',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    from: '08:00',
    to: '18:00',
    minReplicas: 4,
  },
  { name: 'night', timeZone: 'America/New_York', days: ['fri'], from: '22:00', to: '06:00', minReplicas: 2 },
];

function tick(series: Float64Array[], at: number): number {
  let replicas = 0;
  for (const history of series) {
    const demand = history[history.length - 1] as number;
    const input: DecisionInput = {
      policy: 'p',
      at,
      mode: 'balanced',
      demand,
      distribution: reactiveDistribution(history, HORIZON, demand),
      capacityPerReplica: 25,
      costPerReplicaHour: 0.05,
      sloMissCostPerHour: 1,
      minReplicas: 1,
      maxReplicas: 50,
      budget: {
        name: 'b',
        shadowPrice: 0.2,
        utilisation: 0.5,
        criticalThreshold: 0.95,
        remaining: 500,
        hoursLeft: 300,
      },
      currentReplicas: 6,
      slo: { latency: { measured: 0.2, target: 0.5 } },
      schedules,
    };
    const result = decide(input);
    if (result.ok) replicas += result.decision.replicas;
  }
  return replicas;
}

function sortEach(series: Float64Array[]): number {
  let sum = 0;
  for (const history of series) sum += Float64Array.from(history).sort()[HISTORY >> 1] as number;
  return sum;
}

function medianMs(run: () => number): number {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[ROUNDS >> 1] as number;
}

function main(): void {
  const series = histories();
  const at = Date.UTC(2024, 6, 1, 12);
  tick(series, at); // warm-up
  const baseline = medianMs(() => sortEach(series));
  const decideMs = medianMs(() => tick(series, at));
  console.log(
    `decide() + reactive distribution, ${POLICIES} policies × ${HISTORY} samples: median ${decideMs.toFixed(1)} ms per tick ` +
      `(${((decideMs * 1000) / POLICIES).toFixed(1)} µs per policy), ${(decideMs / baseline).toFixed(1)}× the baseline ` +
      `of sorting each history once (${baseline.toFixed(1)} ms)`,
  );
}

main();
