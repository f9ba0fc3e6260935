import { decideCompact, explainedDecision, type CompactDecision, type DecisionInput } from '../domain';
import {
  ColumnDecision,
  DecisionColumns,
  DecisionValues,
  explainedHeld,
  PackedFacts,
  plainDecision,
} from './decisionColumns';
import { SnapshotHolder } from './snapshot';

const AT = Date.parse('2026-03-10T12:00:00Z');
const decision = (fields: Partial<DecisionInput> = {}): CompactDecision => {
  const r = decideCompact({
    policy: 'web',
    at: AT,
    mode: 'balanced',
    demand: 100,
    distribution: { quantile: (tau) => 100 + 50 * tau },
    capacityPerReplica: 25,
    costPerReplicaHour: 0.04,
    sloMissCostPerHour: 1,
    minReplicas: 1,
    maxReplicas: 10,
    ...fields,
  });
  if (!r.ok) throw new Error('expected a decision');
  return r.decision;
};

describe('DecisionColumns', () => {
  it('holds each decision in a row, read back and written as decide() gave it, past the first rows', () => {
    const columns = new DecisionColumns();
    // Nulls (no distribution, no demand), -0 is not a decision's, large and fractional numbers are.
    const given = Array.from({ length: 700 }, (_, i) =>
      decision({
        policy: i % 9 === 0 ? undefined : `web-${i}`,
        at: AT + i * 15_000,
        demand: i % 4 === 0 ? 0 : 1e-3 + i * 7.31,
        distribution: i % 3 === 0 ? undefined : { quantile: (tau) => i * 1e6 + 50 * tau },
      }),
    );
    const held = given.map((d) => columns.hold(d));
    columns.trim();
    expect(columns.rows.length).toBe(13 * 700);
    expect(given.some((d) => d.demandQuantile === null && d.sloMissRisk === null)).toBe(true);
    expect(given.some((d) => d.costPerUnit === null)).toBe(true);
    held.forEach((h, k) => {
      const d = given[k]!;
      expect(h).toBeInstanceOf(ColumnDecision);
      expect(JSON.stringify(h)).toBe(JSON.stringify(d));
      expect(Object.keys(plainDecision(h))).toEqual(Object.keys(d));
      for (const key of Object.keys(d) as Array<keyof CompactDecision>)
        if (key !== 'facts') expect(h[key]).toBe(d[key]);
      // Its facts packed in the columns: read back as the literal, key for key.
      expect(h.facts).toBeInstanceOf(PackedFacts);
      expect(JSON.stringify(h.facts)).toBe(JSON.stringify(d.facts));
      expect(h.facts.input).toEqual(d.facts.input);
      expect(Object.keys(h.facts.input)).toEqual(Object.keys(d.facts.input));
      expect([h.facts.rawQuantile, h.facts.reachable]).toEqual([d.facts.rawQuantile, d.facts.reachable]);
      expect(explainedHeld(h)).toEqual(explainedDecision(d));
      expect(JSON.stringify(new DecisionValues(h as ColumnDecision))).toBe(
        JSON.stringify({
          costscale_replicas: d.replicas,
          costscale_load: d.load,
          costscale_cost_per_hour: d.costPerHour,
          costscale_budget_pressure: d.shadowPrice,
          costscale_forecast_demand: d.targetDemand,
        }),
      );
    });
  });

  it("holds a decision of another tick's columns again, its facts copied into its own", () => {
    const budget = {
      name: 'team',
      shadowPrice: 0.5,
      utilisation: 0.7,
      criticalThreshold: 0.95,
      remaining: 12.5,
      hoursLeft: 240,
    };
    const shared = Object.freeze({ source: 'kube-state-metrics' });
    const d = decision({
      budget,
      demandLag: { measured: 90, earlier: 80, lagSeconds: 30 },
      provenance: { demand: { source: 'sum(rate(x[1m]))', observedAt: AT - 5_000 }, currentReplicas: shared },
    });
    const first = new DecisionColumns();
    const held = first.hold(d);
    first.trim();
    const again = new DecisionColumns().hold(held);
    // Its own copy, not the first tick's facts held as they are (which would keep that tick's columns).
    expect(again.facts).toBeInstanceOf(PackedFacts);
    expect(again.facts).not.toBe(held.facts);
    expect((again.facts as PackedFacts).toJSON()).not.toBeInstanceOf(PackedFacts);
    expect(JSON.stringify(again)).toBe(JSON.stringify(d));
    expect(again.facts.input.provenance!.currentReplicas).toBe(shared);
    expect(explainedHeld(again)).toEqual(explainedDecision(d));
  });

  it('keeps a decision with a number it cannot hold as it is', () => {
    const odd = { ...decision(), costPerUnit: undefined } as unknown as CompactDecision;
    expect(new DecisionColumns().hold(odd)).toBe(odd);
  });

  it('is frozen with its snapshot, its columns left writable for the next decision of the tick', () => {
    const columns = new DecisionColumns();
    const held = columns.hold(decision());
    const holder = new SnapshotHolder();
    holder.publish({
      generatedAt: AT,
      tick: 1,
      policies: [
        {
          name: 'web',
          namespace: 'shop',
          labels: {},
          allowedNamespaces: [],
          values: new DecisionValues(held as ColumnDecision),
          decision: held,
        },
      ],
    });
    expect(Object.isFrozen(held)).toBe(true);
    expect(Object.isFrozen(holder.current()!.policies[0]!.values)).toBe(true);
    const next = columns.hold(decision({ demand: 300 }));
    expect(next.replicas).toBeGreaterThan(held.replicas);
    expect(held.replicas).toBe(decision().replicas);
  });
});
