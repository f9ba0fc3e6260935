import fc from 'fast-check';
import { decide, type Decision, type DecisionInput, decisionSchema, type Mode } from './decide';
import { decideCompact, explainedDecision } from './explainDecision';
import { reactiveDistribution } from './reactiveDistribution';
import type { ScheduleProfile, Weekday } from './schedule';

// Random decision inputs built from plain data (the distribution is rebuilt from its history on every
// call, so two calls share no object).

interface Case {
  readonly input: Omit<DecisionInput, 'distribution'>;
  readonly history: readonly number[] | null;
  readonly horizonSteps: number;
}

/** Mostly plain decimals, sometimes fast-check's edge-case doubles (denormals, bounds). */
function amount(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.integer({ min: Math.ceil(min * 1000), max: Math.floor(max * 1000) }).map((x) => x / 1000),
    },
    { weight: 1, arbitrary: fc.double({ min, max, noNaN: true }) },
  );
}

const clock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const schedule: fc.Arbitrary<ScheduleProfile> = fc.record({
  name: fc.constantFrom('a', 'b', 'c'),
  timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
  days: fc.subarray<Weekday>(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], { minLength: 1 }),
  from: clock,
  to: clock,
  minReplicas: fc.integer({ min: 0, max: 80 }),
});

const slo = fc.option(
  fc.record({
    measured: fc.oneof(amount(0, 2), fc.constant(Number.NaN)),
    target: amount(0.01, 1),
  }),
  { nil: undefined },
);

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    at: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
    mode: fc.constantFrom<Mode>('sla-first', 'balanced', 'budget-first'),
    // Hundredths keep demand realistic: fast-check's doubles favour denormals, which no demand series has.
    demand: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 500_000 }).map((x) => x / 100),
    ),
    // κ relative to demand, so that unbounded replica counts land across the [min, max] ranges below.
    replicasAtDemand: amount(0.2, 60),
    costPerReplicaHour: amount(0, 20),
    sloMissCostPerHour: amount(0, 200),
    minReplicas: fc.integer({ min: 0, max: 20 }),
    span: fc.integer({ min: 0, max: 150 }),
    budget: fc.option(
      fc.record({
        name: fc.constant('team'),
        shadowPrice: amount(0, 100),
        utilisation: amount(0, 1.3),
        criticalThreshold: fc.constantFrom(0.9, 0.95),
        remaining: amount(0, 5000),
        hoursLeft: amount(0, 744),
      }),
      { nil: undefined },
    ),
    currentReplicas: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
    latency: slo,
    errorRatio: slo,
    schedules: fc.array(schedule, { maxLength: 3 }),
    overrides: fc.array(
      fc.record({
        replicas: fc.integer({ min: 0, max: 120 }),
        expiresOffset: fc.integer({ min: -3_600_000, max: 3_600_000 }),
      }),
      { maxLength: 2 },
    ),
    // Past demand as multiples of current demand, with gaps, so the reactive ratios vary around 1.
    history: fc.option(
      fc.array(
        fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: 0, max: 300 }).map((x) => x / 100) },
          { weight: 1, arbitrary: fc.constant(Number.NaN) },
        ),
        // Mostly long enough for the empirical distribution (fast-check favours short arrays by default).
        { minLength: 0, maxLength: 120, size: 'max' },
      ),
      { nil: null, freq: 5 },
    ),
    horizonSteps: fc.integer({ min: 1, max: 8 }),
  })
  .map((r) => ({
    input: {
      policy: 'p',
      at: r.at,
      mode: r.mode,
      demand: r.demand,
      capacityPerReplica: (r.demand + 1) / r.replicasAtDemand,
      costPerReplicaHour: r.costPerReplicaHour,
      sloMissCostPerHour: r.sloMissCostPerHour,
      minReplicas: r.minReplicas,
      maxReplicas: r.minReplicas + r.span,
      ...(r.budget === undefined ? {} : { budget: r.budget }),
      ...(r.currentReplicas === undefined ? {} : { currentReplicas: r.currentReplicas }),
      slo: {
        ...(r.latency === undefined ? {} : { latency: r.latency }),
        ...(r.errorRatio === undefined ? {} : { errorRatio: r.errorRatio }),
      },
      schedules: r.schedules,
      overrides: r.overrides.map((o) => ({ replicas: o.replicas, expiresAt: r.at + o.expiresOffset })),
    },
    history: r.history === null ? null : r.history.map((f) => f * (r.demand + 1)),
    horizonSteps: r.horizonSteps,
  }));

function run(c: Case, change: Partial<DecisionInput> = {}): Decision {
  const result = decide(withDistribution(c, change));
  if (!result.ok) throw new Error(result.failure.explanation.errors.join('; '));
  return result.decision;
}

function withDistribution(c: Case, change: Partial<DecisionInput> = {}): DecisionInput {
  const input = { ...c.input, ...change };
  const distribution =
    c.history === null
      ? undefined
      : reactiveDistribution(Float64Array.from(c.history), c.horizonSteps, input.demand ?? Number.NaN, {
          minWindows: 5,
        });
  return { ...input, ...(distribution === undefined ? {} : { distribution }) };
}

function runCompact(c: Case, change: Partial<DecisionInput> = {}): Decision {
  const result = decideCompact(withDistribution(c, change));
  if (!result.ok) throw new Error(result.failure.explanation.errors.join('; '));
  return explainedDecision(result.decision);
}

const hasActiveOverride = (c: Case) => (c.input.overrides ?? []).some((o) => o.expiresAt > c.input.at);
const inBudgetEmergency = (c: Case) =>
  c.input.mode === 'budget-first' &&
  c.input.budget !== undefined &&
  c.input.budget.utilisation >= c.input.budget.criticalThreshold;

describe('decide() properties', () => {
  it('keeps replicas within [min, max] absent an override, and output valid against its schema', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const d = run(c);
        expect(decisionSchema.safeParse(d).success).toBe(true);
        if (hasActiveOverride(c)) return;
        expect(d.replicas).toBeGreaterThanOrEqual(c.input.minReplicas);
        expect(d.replicas).toBeLessThanOrEqual(c.input.maxReplicas);
        expect(Math.max(0, Math.ceil(d.load - 1e-9))).toBe(d.replicas);
      }),
      { numRuns: 400 },
    );
  });

  it('never raises replicas under more budget pressure', () => {
    fc.assert(
      fc.property(
        caseArb,
        amount(0, 50),
        amount(0, 0.5),
        amount(0, 1),
        (c, moreLambda, moreUtilisation, remainingKept) => {
          const budget = c.input.budget ?? {
            name: 'team',
            shadowPrice: 0,
            utilisation: 0.5,
            criticalThreshold: 0.95,
            remaining: 1000,
            hoursLeft: 100,
          };
          const pressed = {
            ...budget,
            shadowPrice: Math.min(100, budget.shadowPrice + moreLambda),
            utilisation: budget.utilisation + moreUtilisation,
            remaining: budget.remaining * remainingKept,
          };
          expect(run(c, { budget: pressed }).replicas).toBeLessThanOrEqual(run(c, { budget }).replicas);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never lowers replicas when missing the SLO costs more', () => {
    fc.assert(
      fc.property(caseArb, amount(0, 500), (c, more) => {
        const v = c.input.sloMissCostPerHour;
        expect(run(c, { sloMissCostPerHour: v + more }).replicas).toBeGreaterThanOrEqual(run(c).replicas);
      }),
      { numRuns: 400 },
    );
  });

  it('never scales down while the SLO is breached (absent override and budget-first emergency)', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 120 }), amount(0.01, 1), (c, current, target) => {
        fc.pre(!hasActiveOverride(c) && !inBudgetEmergency(c));
        const d = run(c, {
          currentReplicas: current,
          slo: { latency: { measured: target * 1.5, target } },
        });
        expect(d.replicas).toBeGreaterThanOrEqual(Math.min(current, c.input.maxReplicas));
      }),
      { numRuns: 400 },
    );
  });

  it('gives identical outputs for identical inputs', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        expect(JSON.stringify(run(c))).toBe(JSON.stringify(run(c)));
      }),
      { numRuns: 200 },
    );
  });

  it('kept compact, a decision is rendered on request with the explanation decide() gives', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.option(fc.constantFrom(0.1, 0.3), { nil: undefined }),
        fc.option(
          fc.record({ measured: amount(0, 100), earlier: amount(0, 100), lagSeconds: amount(1, 300) }),
          {
            nil: undefined,
          },
        ),
        fc.boolean(),
        (c, hpaTolerance, demandLag, anomalous) => {
          const change: Partial<DecisionInput> = {
            ...(hpaTolerance !== undefined && { hpaTolerance }),
            ...(demandLag !== undefined && { demandLag }),
            ...(anomalous && { anomalies: [{ signal: 'demand', since: c.input.at - 60_000, peak: 0.9 }] }),
          };
          expect(runCompact(c, change)).toEqual(run(c, change));
        },
      ),
      { numRuns: 400 },
    );
  });
});
