import { policySchema } from '../config/schema';
import { simulationContext } from './simulation';

// The SLA check's costscale starts where the live engine would be: its growth histogram warm-started from
// the day of demand before the history window, when the collector read it.

const policy = policySchema.parse({
  name: 'web',
  namespace: 'shop',
  target: { name: 'web' },
  demand: { query: 'sum(web_demand)' },
  capacityPerReplica: 10,
  replicas: { min: 1, max: 50 },
  sloMissCostPerHour: 100,
  forecast: { enabled: false },
});
const STEP = 15_000;
const T0 = 86_400_000;

describe('the SLA check’s simulation', () => {
  // Two flat hours of 95 at 5-minute steps.
  const timesMs = Float64Array.from({ length: 25 }, (_, i) => T0 + i * 300_000);
  const trace = { timesMs, demand: new Float64Array(25).fill(95) };
  const context = (earlier?: { timestamps: Float64Array; values: Float64Array }) =>
    simulationContext({
      trace,
      ...(earlier && { earlier }),
      scaling: { kind: 'none' },
      policy,
      capacityPerReplica: 10,
      costPerReplicaHour: 0.04,
      syncPeriodMs: STEP,
    });

  it('warm-starts costscale from the day before the window: bursts there keep headroom here', () => {
    // The day before: flat 95 with a burst to 3× for a few minutes every two hours.
    const timestamps = Float64Array.from({ length: 5760 }, (_, i) => i * STEP);
    const values = timestamps.map((t) => (t % 7_200_000 < 240_000 ? 285 : 95));
    const cold = context().baseline;
    const warm = context({ timestamps, values }).baseline;
    expect(cold.sloMissMinutes).toBe(0);
    // Cold, ⌈95 / 10⌉ and the young-history prior's few percent; warm, the bursts' growth at τ* ≈ 0.9996.
    expect(cold.meanReplicas).toBeLessThan(13);
    expect(warm.meanReplicas).toBeGreaterThan(20);
  });
});
