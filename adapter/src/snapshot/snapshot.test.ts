import { decide, decisionSchema, type DecisionInput, type Explanation } from '../domain/decide';
import {
  decideCompact,
  explainedDecision,
  heldExplanation,
  type DecisionFacts,
  type HeldDecision,
} from '../domain/explainDecision';
import { snapshotSchema } from './schema';
import {
  PreviousSnapshot,
  SnapshotHolder,
  snapshotJson,
  type PolicySnapshot,
  type Snapshot,
} from './snapshot';

const snap = (tick: number): Snapshot => ({ generatedAt: tick * 1000, tick, policies: [] });
/** A bare policy entry, its values of `at`. */
const policyEntry = (name: string, at: number): PolicySnapshot => ({
  name,
  namespace: 'shop',
  labels: {},
  allowedNamespaces: [],
  valuesAt: at,
});

describe('SnapshotHolder', () => {
  test('subscribers see every publish, frozen, until they unsubscribe', () => {
    const holder = new SnapshotHolder();
    const seen: number[] = [];
    const unsubscribe = holder.subscribe((s) => {
      expect(Object.isFrozen(s)).toBe(true);
      expect(holder.current()).toBe(s);
      seen.push(s.tick);
    });
    holder.publish(snap(1));
    holder.publish(snap(2));
    unsubscribe();
    holder.publish(snap(3));
    expect(seen).toEqual([1, 2]);
    expect(holder.current()?.tick).toBe(3);
  });

  test('the same function subscribed twice is called twice and unsubscribed once per handle', () => {
    const holder = new SnapshotHolder();
    let calls = 0;
    const listener = (): void => void (calls += 1);
    const first = holder.subscribe(listener);
    holder.subscribe(listener);
    first();
    holder.publish(snap(1));
    expect(calls).toBe(1);
  });
});

describe('SnapshotHolder.replace', () => {
  test('hands the served snapshot over, no longer holding it, and publishes what is made of it', () => {
    const holder = new SnapshotHolder({ ...snap(1), policies: [policyEntry('web', 1)] });
    const seen: number[] = [];
    holder.subscribe((s) => seen.push(s.tick));
    holder.replace((previous) => {
      expect(holder.current()).toBeUndefined();
      expect(previous?.get('shop/web')).toEqual(policyEntry('web', 1));
      return { ...snap(2), policies: [policyEntry('web', 2)] };
    });
    expect(holder.current()).toEqual({ ...snap(2), policies: [policyEntry('web', 2)] });
    expect(Object.isFrozen(holder.current()!.policies[0])).toBe(true);
    expect(seen).toEqual([2]);
  });

  test('without a served snapshot there is none to hand over; a failure leaves none', () => {
    const holder = new SnapshotHolder();
    expect(() =>
      holder.replace((previous) => {
        expect(previous).toBeUndefined();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(holder.current()).toBeUndefined();
  });

  test('a failure before any successor serves the snapshot as it was', () => {
    const served = {
      ...snap(1),
      policies: [policyEntry('web', 1), policyEntry('api', 1)],
      budgets: [{ name: 'b' }],
    };
    const holder = new SnapshotHolder(served);
    expect(() =>
      holder.replace(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(holder.current()).toEqual(served);
  });
});

describe('PreviousSnapshot', () => {
  test('puts successors in their places by key, leaving the served snapshot as it is', () => {
    const served: Snapshot = {
      ...snap(3),
      policies: [policyEntry('web', 1), policyEntry('api', 1), policyEntry('gone', 1)],
    };
    const previous = new PreviousSnapshot(served);
    previous.succeed('shop/api', policyEntry('api', 2));
    previous.succeed('shop/new', policyEntry('new', 2));
    expect(previous.get('shop/api')).toEqual(policyEntry('api', 2));
    expect(previous.get('shop/new')).toBeUndefined();
    expect(previous.policies()).toEqual([
      policyEntry('web', 1),
      policyEntry('api', 2),
      policyEntry('gone', 1),
    ]);
    expect(previous.asItStands()).toEqual({ ...snap(3), policies: previous.policies() });
    expect(served.policies.map((p) => p.valuesAt)).toEqual([1, 1, 1]);
  });

  test('of a key given twice, the first is the entry, as a tick reads it', () => {
    const previous = new PreviousSnapshot({
      ...snap(1),
      policies: [policyEntry('web', 1), policyEntry('web', 2)],
    });
    expect(previous.get('shop/web')?.valuesAt).toBe(1);
  });
});

describe('snapshotJson', () => {
  const input: DecisionInput = {
    policy: 'web',
    at: Date.UTC(2026, 10, 2, 12),
    mode: 'balanced',
    demand: 130,
    capacityPerReplica: 25,
    costPerReplicaHour: 0.04,
    sloMissCostPerHour: 1,
    minReplicas: 2,
    maxReplicas: 10,
    currentReplicas: 4,
    hpaTolerance: 0.1,
    distribution: { quantile: (tau) => 130 + 40 * tau },
    provenance: { demand: { source: 'sum(rate(http_requests_total[2m]))' } },
  };
  const entry = (decision: HeldDecision, explanation: Explanation | DecisionFacts): PolicySnapshot => ({
    name: 'web',
    namespace: 'shop',
    labels: { policy: 'web' },
    allowedNamespaces: [],
    values: {
      costscale_replicas: decision.replicas,
      costscale_load: decision.load,
      costscale_cost_per_hour: decision.costPerHour,
      costscale_budget_pressure: decision.shadowPrice,
      costscale_forecast_demand: decision.targetDemand,
    },
    valuesAt: input.at,
    decision,
    explanation,
  });

  /** A kept snapshot of a fresh compact decision and a failed one, with decide()'s full results for them. */
  const keptSnapshot = () => {
    const full = decide(input);
    const compact = decideCompact(input);
    if (!full.ok || !compact.ok) throw new Error('expected a decision');
    const failed = decide({ ...input, demand: undefined });
    if (failed.ok) throw new Error('expected no decision');
    const kept: Snapshot = {
      generatedAt: input.at,
      tick: 3,
      policies: [
        entry(compact.decision, compact.decision.facts),
        entry(compact.decision, failed.failure.explanation),
      ],
      budgets: [{ name: 'team', error: 'timeout' }],
    };
    return { full, failed, kept };
  };

  test('writes a compact decision with the explanation decide() gives, and parses back as it', () => {
    const { full, failed, kept } = keptSnapshot();
    const expected: Snapshot = {
      ...kept,
      policies: [
        entry(full.decision, full.decision.explanation),
        entry(full.decision, failed.failure.explanation),
      ],
    };
    const json = snapshotJson(kept, 'rendered');
    expect(json).toBe(JSON.stringify(expected));
    expect(snapshotSchema.parse(JSON.parse(json))).toEqual(expected);
    expect(JSON.stringify(kept.policies[0])).not.toContain('"summary"');
  });

  test('compact, writes the facts once and reads back what renders as decide() explains it', () => {
    const { full, failed, kept } = keptSnapshot();
    const json = snapshotJson(kept);
    const body = JSON.parse(json) as { format: number; policies: Array<Record<string, unknown>> };
    expect(body.format).toBe(2);
    expect(JSON.stringify(body.policies[0])).not.toContain('"summary"');
    // The fresh decision's explanation is its facts, written once.
    expect(body.policies[0]).not.toHaveProperty('explanation');
    expect(json.length).toBeLessThan(snapshotJson(kept, 'rendered').length);

    const read = snapshotSchema.parse(body);
    const [fresh, failing] = read.policies;
    expect(fresh!.explanation).toBe(fresh!.decision && 'facts' in fresh!.decision && fresh!.decision.facts);
    expect(explainedDecision(fresh!.decision!)).toEqual(full.decision);
    expect(heldExplanation(fresh!.explanation!)).toEqual(full.decision.explanation);
    expect(failing!.explanation).toEqual(failed.failure.explanation);
    // Rendered again, byte for byte what the leader would have written.
    expect(snapshotJson(read, 'rendered')).toBe(snapshotJson(kept, 'rendered'));
  });

  test('a reader of format 1 refuses the compact form: its decision schema is strict', () => {
    const compact = decideCompact(input);
    if (!compact.ok) throw new Error('expected a decision');
    const body = JSON.parse(
      snapshotJson({
        generatedAt: input.at,
        tick: 1,
        policies: [entry(compact.decision, compact.decision.facts)],
      }),
    ) as { policies: Array<{ decision: unknown }> };
    expect(decisionSchema.safeParse(body.policies[0]!.decision).success).toBe(false);
  });
});
