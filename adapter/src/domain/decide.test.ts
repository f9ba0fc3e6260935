import { budgetPeriodAt, budgetStatus } from './budget';
import {
  decide,
  decisionBudget,
  type Decision,
  type DecisionInput,
  decisionSchema,
  decisionFailureSchema,
} from './decide';
import type { DemandDistribution } from '../forecast/distribution';
import type { ScheduleProfile } from './schedule';

// Q(τ) = 100 + 80·τ: peak demand uniform on [100, 180].
const uniform100to180: DemandDistribution = { quantile: (tau) => 100 + 80 * tau };
const at = Date.UTC(2024, 6, 6, 12); // a Saturday

const base: DecisionInput = {
  policy: 'checkout',
  at,
  mode: 'balanced',
  demand: 50,
  demandUnit: 'requests',
  distribution: uniform100to180,
  capacityPerReplica: 10,
  costPerReplicaHour: 1,
  sloMissCostPerHour: 30,
  minReplicas: 1,
  maxReplicas: 50,
};

function decided(input: DecisionInput): Decision {
  const result = decide(input);
  if (!result.ok) throw new Error(result.failure.explanation.errors.join('; '));
  return result.decision;
}

function failed(input: DecisionInput) {
  const result = decide(input);
  if (result.ok) throw new Error(`expected no decision, got ${result.decision.replicas} replicas`);
  return result.failure;
}

describe('the newsvendor quantity', () => {
  it('weighs counts up to the τ* = v/(v+c) quantile of peak demand', () => {
    const d = decided(base);
    expect(d.tau).toBeCloseTo(30 / 31, 12);
    expect(d.demandQuantile).toBeCloseTo(100 + (80 * 30) / 31, 9);
    expect(d.targetDemand).toBeCloseTo(100 + (80 * 30) / 31, 9);
    // c·n + v·P(peak > 10n) = n + 30·(180 − 10n)/80 falls with n up to ⌈177.4/10⌉.
    expect(d.replicas).toBe(18);
    expect(d.unboundedReplicas).toBe(18);
    expect(d.load).toBeCloseTo(17.742, 3);
    expect(d.actingBound).toBe('none');
    expect(d.explanation.bounds).toEqual([]);
  });

  it('weighs replica cost by 1 + λ', () => {
    const d = decided({
      ...base,
      budget: {
        name: 'team',
        shadowPrice: 1,
        utilisation: 0.5,
        criticalThreshold: 0.95,
        remaining: 500,
        hoursLeft: 100,
      },
    });
    expect(d.tau).toBeCloseTo(30 / (30 + 2), 12);
    expect(d.shadowPrice).toBe(1);
    // 2n + 30·(180 − 10n)/80 still falls with n: 18. At λ = 3 (4n) it rises from n = 10 on, and
    // holding 5 replicas for a certain miss (4·5 + 30) is the cheapest.
    expect(d.replicas).toBe(18);
  });

  it('never targets less than current demand', () => {
    const d = decided({ ...base, demand: 260 });
    expect(d.targetDemand).toBe(260);
    expect(d.replicas).toBe(26);
    expect(d.sloMissRisk).toBe(0);
  });

  it('targets current demand without a distribution, with a warning', () => {
    const d = decided({ ...base, distribution: undefined, demand: 42 });
    expect(d.targetDemand).toBe(42);
    expect(d.replicas).toBe(5);
    expect(d.demandQuantile).toBeNull();
    expect(d.sloMissRisk).toBeNull();
    expect(d.explanation.warnings.join()).toMatch(/no demand distribution/);
  });

  it('falls back to current demand when the distribution gives NaN', () => {
    const d = decided({ ...base, distribution: { quantile: () => Number.NaN }, demand: 42 });
    expect(d.replicas).toBe(5);
    expect(d.explanation.warnings.join()).toMatch(/Q\(0.9677\) = NaN/);
  });

  it('does not add a replica for float noise (0.3 / 0.1)', () => {
    expect(decided({ ...base, distribution: undefined, demand: 0.3, capacityPerReplica: 0.1 }).replicas).toBe(
      3,
    );
    expect(
      decided({ ...base, distribution: undefined, demand: 0.31, capacityPerReplica: 0.1 }).replicas,
    ).toBe(4);
  });

  it('uses τ* = 0.5 with a warning when both costs are zero', () => {
    const d = decided({ ...base, sloMissCostPerHour: 0, costPerReplicaHour: 0 });
    expect(d.tau).toBe(0.5);
    expect(d.explanation.warnings.join()).toMatch(/both 0/);
  });

  it('reports cost per hour, per unit of work and the SLO-miss risk', () => {
    const d = decided(base);
    expect(d.costPerHour).toBe(18);
    expect(d.costPerUnit).toBeCloseTo(18 / (50 * 3600), 15);
    // 18 replicas × 10 = 180 capacity: never exceeded by peak demand uniform on [100, 180]; 15 replicas
    // are, with probability 30/80.
    expect(d.sloMissRisk).toBe(0);
    expect(decided({ ...base, maxReplicas: 15 }).sloMissRisk).toBeCloseTo(0.375, 6);
    expect(decided({ ...base, demand: 0, minReplicas: 0 }).costPerUnit).toBeNull();
  });
});

describe('bounds', () => {
  it('raises to the policy minimum', () => {
    const d = decided({ ...base, distribution: undefined, demand: 5, minReplicas: 3 });
    expect(d.replicas).toBe(3);
    expect(d.actingBound).toBe('min');
    expect(d.explanation.bounds).toEqual([{ bound: 'min', before: 1, after: 3, detail: 'policy minimum 3' }]);
    expect(d.load).toBe(3);
  });

  it('lowers to the policy maximum', () => {
    const d = decided({ ...base, maxReplicas: 10 });
    expect(d.replicas).toBe(10);
    expect(d.actingBound).toBe('max');
    expect(d.load).toBe(10);
  });

  const weekend: ScheduleProfile = {
    name: 'weekend-sale',
    timeZone: 'Europe/Berlin',
    days: ['sat', 'sun'],
    from: '08:00',
    to: '20:00',
    minReplicas: 25,
  };

  it('raises the floor while a schedule profile is active', () => {
    const d = decided({ ...base, schedules: [weekend] });
    expect(d.replicas).toBe(25);
    expect(d.actingBound).toBe('schedule');
    expect(d.explanation.bounds[0]?.detail).toMatch(/weekend-sale/);
    expect(decided({ ...base, schedules: [weekend], at: at + 10 * 3_600_000 }).replicas).toBe(18);
  });

  it('skips schedules on holidays', () => {
    const d = decided({ ...base, schedules: [weekend], holidays: ['2024-07-06'] });
    expect(d.replicas).toBe(18);
    expect(d.explanation.warnings.join()).toMatch(/holiday: weekend-sale/);
  });

  it('caps a schedule floor at the policy maximum, with a warning', () => {
    const d = decided({ ...base, schedules: [weekend], maxReplicas: 20 });
    expect(d.replicas).toBe(20);
    expect(d.explanation.bounds.map((b) => [b.bound, b.before, b.after])).toEqual([['schedule', 18, 20]]);
    expect(d.explanation.warnings.join()).toMatch(/asks for 25 replicas, above maxReplicas 20/);
  });

  const breach = { latency: { measured: 0.9, target: 0.5 } };

  it('forbids scale-down while the SLO is breached', () => {
    const d = decided({ ...base, slo: breach, currentReplicas: 30 });
    expect(d.replicas).toBe(30);
    expect(d.actingBound).toBe('slo-guard');
    expect(d.explanation.bounds[0]?.detail).toMatch(/latency 0.9 > target 0.5/);
    // Scaling up is still allowed.
    expect(decided({ ...base, slo: breach, currentReplicas: 10 }).replicas).toBe(18);
  });

  it('guards on the error ratio too, but never above the maximum', () => {
    const d = decided({ ...base, slo: { errorRatio: { measured: 0.2, target: 0.01 } }, currentReplicas: 80 });
    expect(d.replicas).toBe(50);
  });

  it('lets scale-down happen while the SLO holds or is unknown', () => {
    expect(
      decided({ ...base, slo: { latency: { measured: 0.4, target: 0.5 } }, currentReplicas: 30 }).replicas,
    ).toBe(18);
    const unknown = decided({
      ...base,
      slo: { latency: { measured: Number.NaN, target: 0.5 } },
      currentReplicas: 30,
    });
    expect(unknown.replicas).toBe(18);
    expect(unknown.explanation.warnings.join()).toMatch(/latency measurement is NaN/);
  });

  it('warns when the SLO is breached but current replicas are unknown', () => {
    const d = decided({ ...base, slo: breach });
    expect(d.replicas).toBe(18);
    expect(d.explanation.warnings.join()).toMatch(/current replicas are unknown/);
  });

  const emergency = {
    name: 'team',
    shadowPrice: 0,
    utilisation: 0.96,
    criticalThreshold: 0.95,
    remaining: 40,
    hoursLeft: 4,
  };

  it('caps replicas at what the remaining budget affords in a budget-first emergency', () => {
    const d = decided({ ...base, mode: 'budget-first', budget: emergency });
    // 40 left over 4 h at 1 per replica-hour affords 10 replicas.
    expect(d.replicas).toBe(10);
    expect(d.actingBound).toBe('budget-emergency');
    expect(d.explanation.bounds[0]?.detail).toMatch(/affords 10 replicas for 4 h/);
  });

  it('never caps below the policy minimum', () => {
    const d = decided({
      ...base,
      mode: 'budget-first',
      budget: { ...emergency, remaining: 0 },
      minReplicas: 2,
    });
    expect(d.replicas).toBe(2);
  });

  it('caps only in budget-first mode and only from the critical threshold', () => {
    expect(decided({ ...base, budget: emergency }).replicas).toBe(18);
    expect(
      decided({ ...base, mode: 'budget-first', budget: { ...emergency, utilisation: 0.94 } }).replicas,
    ).toBe(18);
  });

  it('overrides a breached SLO in a budget emergency (budget-first puts the budget first)', () => {
    const d = decided({ ...base, mode: 'budget-first', budget: emergency, slo: breach, currentReplicas: 30 });
    expect(d.explanation.bounds.map((b) => [b.bound, b.before, b.after])).toEqual([
      ['slo-guard', 18, 30],
      ['budget-emergency', 30, 10],
    ]);
    expect(d.replicas).toBe(10);
  });

  it('does not cap on an incomplete budget status, and says so', () => {
    const d = decided({ ...base, mode: 'budget-first', budget: { ...emergency, remaining: Number.NaN } });
    expect(d.replicas).toBe(18);
    expect(d.explanation.warnings.join()).toMatch(/status is incomplete/);
  });

  it('lists the budget inputs in every mode', () => {
    const names = decided({ ...base, budget: emergency }).explanation.inputs.map((i) => i.name);
    expect(names).toEqual(
      expect.arrayContaining(['budgetUtilisation', 'budgetRemaining', 'budgetHoursLeft']),
    );
  });

  it('ignores λ in sla-first mode, so the budget never lowers replicas', () => {
    const pressed = { ...emergency, shadowPrice: 5 };
    const d = decided({ ...base, mode: 'sla-first', budget: pressed });
    expect(d.shadowPrice).toBe(0);
    expect(d.replicas).toBe(decided({ ...base, mode: 'sla-first' }).replicas);
    expect(decided({ ...base, mode: 'balanced', budget: pressed }).replicas).toBeLessThan(d.replicas);
  });

  it('lets an active manual override win over everything', () => {
    const overrides = [{ replicas: 70, expiresAt: at + 60_000, reason: 'launch day' }];
    const d = decided({ ...base, overrides, maxReplicas: 15, mode: 'budget-first', budget: emergency });
    expect(d.replicas).toBe(70);
    expect(d.actingBound).toBe('override');
    expect(d.explanation.bounds.map((b) => b.bound)).toEqual(['max', 'budget-emergency', 'override']);
    expect(d.explanation.bounds[2]?.detail).toBe('manual override: launch day');
  });

  it('accepts an override that never expires', () => {
    const d = decided({ ...base, overrides: [{ replicas: 7, expiresAt: Number.POSITIVE_INFINITY }] });
    expect(d.replicas).toBe(7);
    expect(d.explanation.inputs.find((i) => i.name === 'override')?.source).toBe('override until no expiry');
  });

  it('ignores expired overrides and applies the first of several active ones', () => {
    expect(decided({ ...base, overrides: [{ replicas: 70, expiresAt: at }] }).replicas).toBe(18);
    const d = decided({
      ...base,
      overrides: [
        { replicas: 2, expiresAt: at - 1 },
        { replicas: 4, expiresAt: at + 1 },
        { replicas: 6, expiresAt: at + 1 },
      ],
    });
    expect(d.replicas).toBe(4);
    expect(d.explanation.warnings.join()).toMatch(/2 overrides active/);
  });
});

describe('no decision without demand', () => {
  it.each([
    ['missing', undefined, /demand is missing/],
    ['NaN', Number.NaN, /demand is NaN/],
    ['infinite', Number.POSITIVE_INFINITY, /demand is Infinity/],
    ['negative', -1, /demand is negative/],
  ])('refuses %s demand', (_, demand, message) => {
    const failure = failed({ ...base, demand });
    expect(failure.explanation.errors.join()).toMatch(message);
    expect(failure.explanation.summary).toMatch(/^checkout: no decision/);
    const shown = failure.explanation.inputs.find((i) => i.name === 'demand')?.value;
    // JSON cannot hold NaN or Infinity: non-finite values are shown as null, the error names them.
    expect(shown).toBe(demand !== undefined && Number.isFinite(demand) ? demand : null);
    expect(decisionFailureSchema.parse(JSON.parse(JSON.stringify(failure)))).toEqual(failure);
  });

  it('refuses stale demand but only warns on other stale inputs', () => {
    const provenance = { demand: { source: 'sum(rate(http_requests_total[1m]))', observedAt: at - 180_000 } };
    expect(failed({ ...base, provenance }).explanation.errors.join()).toMatch(
      /demand is stale: observed 180 s ago/,
    );
    const d = decided({
      ...base,
      provenance: { distribution: { source: 'forecast', observedAt: at - 600_000 } },
    });
    expect(d.explanation.warnings.join()).toMatch(/distribution is stale/);
    expect(decided({ ...base, provenance, staleAfterMs: 300_000 }).replicas).toBe(18);
  });

  it('refuses invalid capacity, cost, SLO-miss cost and replica bounds', () => {
    expect(failed({ ...base, capacityPerReplica: 0 }).explanation.errors.join()).toMatch(
      /capacity per replica/,
    );
    expect(failed({ ...base, costPerReplicaHour: undefined }).explanation.errors.join()).toMatch(
      /cost per replica-hour is missing/,
    );
    expect(failed({ ...base, sloMissCostPerHour: Number.NaN }).explanation.errors.join()).toMatch(
      /SLO-miss cost/,
    );
    expect(failed({ ...base, minReplicas: 5, maxReplicas: 4 }).explanation.errors.join()).toMatch(
      /exceeds maxReplicas/,
    );
  });
});

describe('the explanation', () => {
  it('names every input with value and source, and a one-line summary', () => {
    const d = decided({
      ...base,
      provenance: {
        demand: { source: 'sum(rate(http_requests_total[1m]))' },
        distribution: { source: 'reactive: 120 past horizons' },
        capacityPerReplica: { source: 'policy' },
        costPerReplicaHour: { source: 'price book' },
      },
      slo: { latency: { measured: 0.2, target: 0.5 } },
      currentReplicas: 12,
    });
    const byName = Object.fromEntries(d.explanation.inputs.map((i) => [i.name, i]));
    expect(byName.demand).toEqual({
      name: 'demand',
      value: 50,
      source: 'sum(rate(http_requests_total[1m]))',
      unit: 'requests/s',
    });
    expect(byName.demandQuantile?.source).toBe('reactive: 120 past horizons');
    expect(byName.costPerReplicaHour?.source).toBe('price book');
    for (const name of [
      'at',
      'mode',
      'capacityPerReplica',
      'sloMissCostPerHour',
      'minReplicas',
      'maxReplicas',
      'shadowPrice',
      'tau',
      'latency',
      'latencyTarget',
      'currentReplicas',
    ]) {
      expect(byName[name]).toBeDefined();
    }
    expect(d.explanation.summary).toBe(
      'checkout: 18 replicas (balanced) — target 177.4 requests/s = max(D 50, Q(0.9677) 177.4) / κ 10 → 18; no bound acted',
    );
    expect(d.explanation.errors).toEqual([]);
  });

  it('names an active anomaly and says the forecast is not trusted because of it', () => {
    const since = at - 20 * 60_000;
    const d = decided({ ...base, anomalies: [{ signal: 'demand', since, peak: 0.91234 }] });
    expect(d.explanation.inputs.find((i) => i.name === 'anomaly')).toEqual({
      name: 'anomaly',
      value: 'demand since 2024-07-06T11:40:00.000Z',
      source: 'anomaly detector, peak score 0.9123',
    });
    expect(d.explanation.warnings).toContain(
      'demand is anomalous since 2024-07-06T11:40:00.000Z (peak anomaly score 0.9123): the forecast is not trusted, the reactive distribution decides',
    );
    // Even without a decision, the explanation says why the forecast was set aside.
    const none = failed({ ...base, demand: undefined, anomalies: [{ signal: 'demand', since, peak: 0.5 }] });
    expect(none.explanation.inputs.map((i) => i.name)).toContain('anomaly');
    expect(decided(base).explanation.inputs.map((i) => i.name)).not.toContain('anomaly');
  });

  it('round-trips through JSON against the schema', () => {
    const d = decided({ ...base, minReplicas: 20, slo: { latency: { measured: Number.NaN, target: 1 } } });
    expect(decisionSchema.parse(JSON.parse(JSON.stringify(d)))).toEqual(d);
  });
});

describe('decisionBudget', () => {
  it('carries a budget status into the decision input', () => {
    const period = budgetPeriodAt('monthly', 'UTC', at);
    const status = budgetStatus({ amount: 1000, period, spent: 960, burnRatePerHour: 2, at });
    const b = decisionBudget('team', status);
    expect(b).toEqual({
      name: 'team',
      shadowPrice: status.shadowPrice,
      utilisation: 0.96,
      criticalThreshold: 0.95,
      remaining: 40,
      hoursLeft: status.hoursLeft,
    });
    expect(decisionBudget('team', status, 10).remaining).toBe(10);
  });
});

describe('holding below the demand of now', () => {
  it('warns when an hour of miss is priced below the replicas that would cover it', () => {
    // v = 0.5 below c = 1: from 3 replicas, demand 50 (⌈D/κ⌉ = 5) — each count up costs 1 an hour and
    // saves at most 0.5, so the decision holds at 3.
    const d = decided({ ...base, sloMissCostPerHour: 0.5, currentReplicas: 3 });
    expect(d.replicas).toBe(3);
    expect(d.explanation.warnings).toContain(
      '3 replicas serve less than demand now (⌈D/κ⌉ = 5): 2 more would cost 2 per hour, more than the ' +
        'SLO-miss hours they save at v = 0.5 per hour',
    );
  });

  it('does not warn when the HPA could not move, or the decision covers demand now', () => {
    // From 5 at tolerance 0.5, 6 is inside the band: the band holds, not the price.
    const held = decided({
      ...base,
      demand: 51,
      sloMissCostPerHour: 0.5,
      currentReplicas: 5,
      hpaTolerance: 0.5,
    });
    expect(held.replicas).toBe(5);
    expect(held.explanation.warnings.filter((w) => w.includes('less than demand now'))).toEqual([]);
    const covered = decided({ ...base, currentReplicas: 3 });
    expect(covered.replicas).toBe(18);
    expect(covered.explanation.warnings).toEqual([]);
  });
});

describe("the HPA's tolerance band", () => {
  it('stays at the current count when the reachable jump costs more than the misses it saves', () => {
    // At v = 10 the highest count weighed is ⌈Q(10/11)/10⌉ = 18, inside the band around 17 at 0.1; 19 is
    // the nearest reachable above it, and costs 19 against 17 + 10·P(peak > 170) = 18.25 (and the lowest,
    // ⌈D/κ⌉ = 12, 12 + 10·60/80).
    const d = decided({
      ...base,
      demand: 120,
      sloMissCostPerHour: 10,
      currentReplicas: 17,
      hpaTolerance: 0.1,
    });
    expect(d.unboundedReplicas).toBe(18);
    expect(d.replicas).toBe(17);
    expect(d.load).toBe(17);
    expect(d.explanation.inputs).toContainEqual(
      expect.objectContaining({
        name: 'replicasChosen',
        value: 17,
        source:
          'least c·(1+λ)·n + v·P(peak > n·κ) over n from 12 to 18, the counts HPA tolerance 0.1 reaches from 17',
      }),
    );
    expect(d.explanation.summary).toContain('→ 18 → 17 (least expected cost of replicas and SLO-miss hours)');
    // At v = 30 the jump to 19 is worth it: 19 against 17 + 30·P(peak > 170) = 20.75.
    expect(decided({ ...base, currentReplicas: 17, hpaTolerance: 0.1 }).replicas).toBe(19);
  });

  it('jumps to the band edge when the replicas up to it are worth their price together', () => {
    // From 12 at tolerance 0.5, 18 is inside the band and 19 the nearest reachable count.
    const d = decided({ ...base, currentReplicas: 12, hpaTolerance: 0.5 });
    expect(d.replicas).toBe(19);
  });

  it('changes nothing without a tolerance, outside the band, or under a bound', () => {
    expect(decided({ ...base, currentReplicas: 17 }).replicas).toBe(18);
    expect(decided({ ...base, currentReplicas: 10, hpaTolerance: 0.1 }).replicas).toBe(18);
    expect(decided({ ...base, currentReplicas: 12, hpaTolerance: 0.5, maxReplicas: 18 }).replicas).toBe(18);
  });
});

describe("new replicas' start", () => {
  // v = 20, peak uniform on [100, 180], κ = 10, demand now 50 and falling (the query 50, 55 a lag
  // earlier: the demand of now at least 45, so no count under 5 is weighed): from 5 replicas, 18 cost 18 an
  // hour and 5 cost 5 + 20·P(peak > 50) = 25.
  const spike = {
    ...base,
    sloMissCostPerHour: 20,
    currentReplicas: 5,
    demandLag: { measured: 50, earlier: 55, lagSeconds: 60 },
  };

  it('charges each replica started its share of the horizon spent starting, and explains it', () => {
    expect(decided(spike).replicas).toBe(18);
    // With R/H = 0.8 the 13 replicas started add 10.4 an hour: 28.4 against 25.
    const d = decided({ ...spike, startupShare: 0.8 });
    expect(d.replicas).toBe(5);
    expect(d.explanation.inputs).toContainEqual({
      name: 'startupShare',
      value: 0.8,
      source: 'readiness delay / horizon, charged while demand falls',
    });
    expect(d.explanation.inputs).toContainEqual(
      expect.objectContaining({
        name: 'replicasChosen',
        value: 5,
        source:
          'least c·(1+λ)·n + v·P(peak > n·κ) + c·(1+λ)·0.8 per replica started above 5 over n from 5 to 18',
      }),
    );
  });

  it('charges nothing on a demand that is not falling, where a burst mostly goes on', () => {
    const rising = { ...spike, startupShare: 0.8, demandLag: { measured: 50, earlier: 40, lagSeconds: 60 } };
    expect(decided(rising).replicas).toBe(18);
    expect(decided({ ...rising, demandLag: { measured: 50, earlier: 50, lagSeconds: 60 } }).replicas).toBe(
      18,
    );
    const { demandLag: _lag, ...measured } = spike;
    const d = decided({ ...measured, startupShare: 0.8 });
    expect(d.replicas).toBe(18);
    expect(d.explanation.inputs.map((i) => i.name)).not.toContain('startupShare');
  });

  it('keeps replicas already started, and ignores a share outside (0, 1]', () => {
    expect(decided({ ...spike, currentReplicas: 18, startupShare: 0.8 }).replicas).toBe(18);
    expect(decided({ ...spike, startupShare: 1.5 }).replicas).toBe(18);
    expect(decided({ ...spike, startupShare: Number.NaN }).replicas).toBe(18);
  });
});

describe('replicas started for a rising demand', () => {
  // v = 3, c = 1: τ* = 0.75, Q(τ*) = 160, so counts up to 16 are weighed. Every count up to 10 misses the
  // peak for sure and 5 (5 + 3 = 8 an hour) beats 14 (14 + 3·P(peak > 140) = 15.5): a fresh decision holds 5.
  const burst = {
    ...base,
    sloMissCostPerHour: 3,
    currentReplicas: 14,
    demandLag: { measured: 50, earlier: 40, lagSeconds: 60 },
  };

  it('keeps them while demand rises, down to no fewer than the τ*-quantile needs, and explains it', () => {
    const d = decided(burst);
    expect(d.replicas).toBe(14);
    expect(d.explanation.inputs).toContainEqual({
      name: 'risingFloor',
      value: 14,
      source:
        'demand rising (query 50 above 40 a lag before): the replicas started for it are kept up to ⌈Q(τ*)/κ⌉ = 16',
    });
    expect(d.explanation.inputs).toContainEqual(
      expect.objectContaining({
        name: 'replicasChosen',
        source: expect.stringContaining('over n from 14 to 16'),
      }),
    );
    // Above the τ*-quantile's 16 the rest go.
    expect(decided({ ...burst, currentReplicas: 20 }).replicas).toBe(16);
  });

  it('lets them go on a flat, falling or barely rising demand, or with no lag to tell', () => {
    // 50 from 47 is 5.8 % (shifted by κ/2 = 5): not a rise in progress.
    expect(decided({ ...burst, demandLag: { measured: 50, earlier: 47, lagSeconds: 60 } }).replicas).toBe(5);
    expect(decided({ ...burst, demandLag: { measured: 50, earlier: 50, lagSeconds: 60 } }).replicas).toBe(5);
    expect(decided({ ...burst, demandLag: { measured: 50, earlier: 55, lagSeconds: 60 } }).replicas).toBe(5);
    const { demandLag: _lag, ...measured } = burst;
    const d = decided(measured);
    expect(d.replicas).toBe(5);
    expect(d.explanation.inputs.map((i) => i.name)).not.toContain('risingFloor');
  });

  it('scales up from below as before', () => {
    expect(decided({ ...burst, currentReplicas: 3 }).replicas).toBe(3);
    expect(decided({ ...burst, sloMissCostPerHour: 30, currentReplicas: 3 }).replicas).toBe(
      decided({ ...burst, sloMissCostPerHour: 30, currentReplicas: 3, demandLag: undefined }).replicas,
    );
  });
});

describe('counts under D(t) on a fall', () => {
  // κ = 10, c = 1, 5 replicas. The query reads 50, 60 a lag earlier: the demand of now may be as low as 40.
  // The peak over the horizon is uniform on [30, 70] (what followed such bases: the fall mostly goes on).
  const falling: DecisionInput = {
    ...base,
    distribution: { quantile: (tau) => 30 + 40 * tau },
    currentReplicas: 5,
    sloMissCostPerHour: 0.5,
    demandLag: { measured: 50, earlier: 60, lagSeconds: 60 },
  };

  it('weighs the counts down to the fall extrapolated over the lag, priced by the distribution, and explains it', () => {
    // 4 replicas: 4 + 0.5·P(peak > 40) ≈ 4.4 an hour; 5: 5 + 0.5·P(peak > 50) ≈ 5.3. Taken as certain, the
    // demand of now held 5.
    const d = decided(falling);
    expect(d.replicas).toBe(4);
    expect(d.sloMissRisk).toBeGreaterThan(0.6);
    expect(d.sloMissRisk).toBeLessThan(0.9);
    expect(d.explanation.inputs).toContainEqual({
      name: 'fallingFloor',
      value: 4,
      source:
        'demand falling (query 50 below 60 a lag before): the demand of now may be as low as 40, so counts from ' +
        "⌈40/κ⌉ are weighed, those under D priced by the peak's distribution",
    });
    expect(d.explanation.warnings.join(' ')).not.toContain('serve less than demand now');
  });

  it('holds D(t) where a miss is worth more than the replicas, on a flat demand, or without a distribution', () => {
    // v = 30: 7 replicas (7 + 30·P(peak > 70) = 7) against 4 (4 + 30·0.75): the same count as before.
    expect(decided({ ...falling, sloMissCostPerHour: 30 }).replicas).toBe(7);
    const flat = decided({ ...falling, demandLag: { measured: 50, earlier: 50, lagSeconds: 60 } });
    expect(flat.replicas).toBe(5);
    expect(flat.explanation.inputs.map((i) => i.name)).not.toContain('fallingFloor');
    expect(decided({ ...falling, distribution: undefined }).replicas).toBe(5);
  });
});

describe('new replicas on a fall, priced once ready', () => {
  // κ = 10, c = 1, 2 replicas, v = 20, R/H = 0.5. The query fell from 200 to 150 over its 60 s lag: the
  // demand 30 s on may be as low as 75. The peak over the horizon is D(t) = 150 with probability 0.8, else a
  // comeback up to 200.
  const fall: DecisionInput = {
    ...base,
    demand: 150,
    distribution: { quantile: (tau) => (tau < 0.8 ? 150 : 150 + (50 * (tau - 0.8)) / 0.2) },
    currentReplicas: 2,
    sloMissCostPerHour: 20,
    startupShare: 0.5,
    demandLag: { measured: 150, earlier: 200, lagSeconds: 60 },
    readinessSeconds: 30,
  };

  it('starts the replicas that serve the fall once ready, and explains it', () => {
    // 8 replicas: 8 + 0.5·6 + 20·P(comeback > 150) = 15 an hour; 2 replicas: 2 + 20 = 22. Priced by the
    // peak over the horizon, every count short of 150 missed as surely as 2 and covering it cost 25.5.
    const d = decided(fall);
    expect(d.replicas).toBe(8);
    expect(d.explanation.inputs).toContainEqual({
      name: 'demandOnceReady',
      value: 75,
      source:
        "demand falling: a replica started now meets as little as the fall extrapolated over the query's lag " +
        'and the readiness delay, so counts above 2 are priced by the demand once ready',
      unit: 'requests/s',
    });
  });

  it('holds without a readiness delay, on a flat demand, or where a miss is worth less', () => {
    expect(decided({ ...fall, readinessSeconds: undefined }).replicas).toBe(2);
    const flat = decided({ ...fall, demandLag: { measured: 150, earlier: 150, lagSeconds: 60 } });
    expect(flat.explanation.inputs.map((i) => i.name)).not.toContain('demandOnceReady');
    expect(decided({ ...fall, sloMissCostPerHour: 10 }).replicas).toBe(2);
  });

  it('spreads the start of replicas for a fall over the time they serve, where that is shorter than the horizon', () => {
    // From 5, the fall once ready (75) reaches 50 in 30 s at the query's rate of 50 a minute: the 3 pods
    // started pay R over 30 s, 1 an hour each: 8 + 3 + 7·0.2 = 12.4 against 5 + 7 = 12, so it holds. Spread
    // over the horizon (0.5 each) they cost 10.9 and were started.
    expect(decided({ ...fall, currentReplicas: 5, sloMissCostPerHour: 7 }).replicas).toBe(5);
    expect(decided({ ...fall, currentReplicas: 5, sloMissCostPerHour: 8 }).replicas).toBe(8);
  });

  it('prices every count by the peak over the horizon where the replicas there are cover the demand once ready', () => {
    // From 8 (80 ≥ 75) a 9th replica serves nothing the 8 do not once ready: read once ready, 9 cost
    // 9 + 0.5 + 20·0.2 = 13.5 against 8 + 20 for the 8 missing now, and started a pod for nothing. Priced
    // by the peak, the count covers D(t) as it did.
    const covered = decided({ ...fall, currentReplicas: 8 });
    expect(covered.replicas).toBeGreaterThanOrEqual(15);
    expect(covered.explanation.inputs.map((i) => i.name)).not.toContain('demandOnceReady');
  });
});

describe('demand extrapolated over the query lag', () => {
  it('decides on the extrapolated demand and explains the measured value, the earlier one and the lag', () => {
    // Without a distribution the target is D(t): 58 extrapolated from 54 measured, 50 one lag earlier.
    const d = decided({
      ...base,
      distribution: undefined,
      demand: 58,
      demandLag: { measured: 54, earlier: 50, lagSeconds: 60 },
      provenance: { demand: { source: 'sum(rate(req[2m]))' } },
    });
    expect(d.demand).toBe(58);
    expect(d.replicas).toBe(6);
    expect(d.explanation.inputs).toEqual(
      expect.arrayContaining([
        {
          name: 'demand',
          value: 58,
          source: 'sum(rate(req[2m])), extrapolated over its 60 s lag',
          unit: 'requests/s',
        },
        { name: 'measuredDemand', value: 54, source: 'sum(rate(req[2m]))', unit: 'requests/s' },
        expect.objectContaining({ name: 'demandOneLagEarlier', value: 50 }),
        expect.objectContaining({ name: 'demandLag', value: 60, unit: 's' }),
      ]),
    );
    expect(d.explanation.summary).toMatch(/max\(D 58 \(measured 54, 60 s behind\)/);
  });

  it('explains the value half a lag earlier where the rise accelerated, and only there', () => {
    // 50 one lag earlier, 51 half a lag earlier, 54 now: 50 + 4·(54 − 51) = 62 above the linear 58.
    const lag = { measured: 54, earlier: 50, lagSeconds: 60 };
    const d = decided({
      ...base,
      distribution: undefined,
      demand: 62,
      demandLag: { ...lag, halfEarlier: 51 },
    });
    expect(d.explanation.inputs).toContainEqual(
      expect.objectContaining({
        name: 'demandHalfLagEarlier',
        value: 51,
        source: expect.stringMatching(
          /^the demand query 30 s earlier: .*that rise scaled to the whole rate\(\) window$/,
        ),
      }),
    );
    const linear = decided({ ...base, distribution: undefined, demand: 58, demandLag: lag });
    expect(linear.explanation.inputs.map((i) => i.name)).not.toContain('demandHalfLagEarlier');
  });

  it('names no lag when the demand is the measured value', () => {
    const d = decided(base);
    expect(d.explanation.inputs.map((i) => i.name)).not.toContain('measuredDemand');
    expect(d.explanation.summary).not.toMatch(/behind/);
  });
});
