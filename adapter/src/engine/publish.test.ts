import { policySchema } from '../config/schema';
import { decide, decideCompact, explainedDecision, heldExplanation, type DecisionInput } from '../domain';
import { storedDecision, type PendingDecision } from '../store/decisions';
import type { AssembledPolicy } from './assemble';
import { publishTick } from './publish';
import {
  PreviousSnapshot,
  SERVED_METRICS,
  snapshotJson,
  snapshotLines,
  type PolicySnapshot,
} from '../snapshot/snapshot';
import { ColumnDecision, explainedHeld, plainDecision } from '../snapshot/decisionColumns';

const AT = Date.parse('2026-03-10T12:00:00Z');
const policy = policySchema.parse({
  name: 'web',
  namespace: 'shop',
  labels: { team: 'checkout' },
  allowedNamespaces: ['edge'],
  target: { name: 'web-deploy' },
  demand: { query: 'd' },
  capacityPerReplica: 25,
  replicas: { min: 1, max: 10 },
});
const input = (fields: Partial<DecisionInput> = {}): DecisionInput => ({
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
const decided = (i: DecisionInput) => {
  const r = decide(i);
  if (!r.ok) throw new Error(r.failure.explanation.errors.join('; '));
  return r.decision;
};

/** The previous tick's entry: values from a decision at AT − 15 s. */
const previous: PolicySnapshot = (() => {
  const decision = decided(input({ at: AT - 15_000, demand: 50, distribution: { quantile: () => 50 } }));
  return {
    name: 'web',
    namespace: 'shop',
    labels: { team: 'checkout', policy: 'web' },
    allowedNamespaces: ['edge'],
    values: {
      costscale_replicas: decision.replicas,
      costscale_load: decision.load,
      costscale_cost_per_hour: decision.costPerHour,
      costscale_budget_pressure: decision.shadowPrice,
      costscale_forecast_demand: decision.targetDemand,
    },
    valuesAt: AT - 15_000,
    decision,
  };
})();

const publishOne = (assembled: Omit<AssembledPolicy, 'key'>) =>
  publishTick([{ ...assembled, key: 'shop/web', result: decideCompact(assembled.input) }], [], AT);

/** A snapshot entry as it is read: its values, decision and explanation rendered from what the engine kept. */
const rendered = ({ values, decision, explanation, ...rest }: PolicySnapshot) => ({
  ...rest,
  ...(values && { values: Object.fromEntries(SERVED_METRICS.map((m) => [m, values[m]])) }),
  ...(decision && { decision: explainedHeld(decision) }),
  ...(explanation && { explanation: heldExplanation(explanation) }),
});

describe('publishTick', () => {
  it("a decision is the policy's fresh values, its identity and its record", () => {
    const ok = input();
    const out = publishOne({
      policy,
      input: ok,
      previous,
      forecast: { mode: 'reactive', reason: 'too little history', accuracy: undefined },
    });
    const decision = decided(ok);
    expect(out.policies.map(rendered)).toEqual([
      {
        name: 'web',
        namespace: 'shop',
        labels: { team: 'checkout', policy: 'web' },
        allowedNamespaces: ['edge'],
        target: { kind: 'Deployment', name: 'web-deploy' },
        forecast: { mode: 'reactive', reason: 'too little history' },
        values: {
          costscale_replicas: decision.replicas,
          costscale_load: decision.load,
          costscale_cost_per_hour: decision.costPerHour,
          costscale_budget_pressure: decision.shadowPrice,
          costscale_forecast_demand: decision.targetDemand,
        },
        valuesAt: AT,
        decision,
        explanation: decision.explanation,
      },
    ]);
    expect(decision.replicas).toBeGreaterThan(previous.decision!.replicas);
    const { distribution: _, ...plain } = ok;
    expect(out.decisions.map(storedDecision)).toEqual([
      {
        namespace: 'shop',
        policy: 'web',
        decidedAt: AT,
        replicas: decision.replicas,
        inputs: { ...plain, distribution: { p50: 125, p90: 145, p99: 149.5 } },
        explanation: decision,
      },
    ]);
  });

  it('no decision keeps the last good values and decision, with the query failure as the error', () => {
    const failed = input({ demand: undefined, distribution: undefined });
    const out = publishOne({ policy, input: failed, previous, demandError: 'query returned no series' });
    const result = decide(failed);
    if (result.ok) throw new Error('expected no decision');
    expect(rendered(out.policies[0]!)).toMatchObject({
      values: previous.values,
      valuesAt: AT - 15_000,
      decision: previous.decision,
      error: 'query returned no series',
      explanation: result.failure.explanation,
    });
    expect(storedDecision(out.decisions[0]!)).toMatchObject({
      replicas: null,
      inputs: { demand: undefined, distribution: null },
      explanation: result.failure,
    });
  });

  it("without a demand failure the error is decide()'s, and without a previous entry there are no values", () => {
    const out = publishOne({ policy, input: input({ capacityPerReplica: undefined }) });
    expect(out.policies[0]!.error).toBe('capacity per replica is missing; it must be a positive number');
    expect(out.policies[0]).not.toHaveProperty('values');
    expect(out.policies[0]).not.toHaveProperty('decision');
  });

  it("puts each entry in its predecessor's place in the previous snapshot as it is made", () => {
    const other: PolicySnapshot = { name: 'api', namespace: 'shop', labels: {}, allowedNamespaces: [] };
    const before = new PreviousSnapshot({ generatedAt: AT - 15_000, tick: 3, policies: [other, previous] });
    const seen: Array<PolicySnapshot | undefined> = [];
    const decided = function* () {
      seen.push(before.get('shop/web'));
      yield { policy, key: 'shop/web', input: input(), previous, result: decideCompact(input()) };
      seen.push(before.get('shop/web'));
    };
    const out = publishTick(decided(), [], AT, before);
    expect(seen).toEqual([previous, out.policies[0]]);
    expect(before.asItStands()).toEqual({
      generatedAt: AT - 15_000,
      tick: 3,
      policies: [other, out.policies[0]],
    });
  });

  it("stores each of a tick's records as made from its own policy, input and distribution, more than its first 1,024", () => {
    // 1,100 policies: decisions, failures with a distribution and without one, each its own quantiles.
    const policies = Array.from({ length: 1100 }, (_, i) =>
      policySchema.parse({ ...policy, name: `web-${i}`, namespace: `ns-${i % 7}` }),
    );
    const inputs = policies.map((p, i) =>
      input({
        policy: p.name,
        demand: i % 5 === 1 ? undefined : 10 + i,
        distribution: i % 5 === 2 ? undefined : { quantile: (tau) => i + 50 * tau },
        capacityPerReplica: i % 5 === 3 ? undefined : 25,
      }),
    );
    const results = inputs.map((i) => decideCompact(i));
    const out = publishTick(
      policies.map((p, i) => ({
        policy: p,
        key: `${p.namespace}/${p.name}`,
        input: inputs[i]!,
        result: results[i]!,
      })),
      [],
      AT,
    );
    expect(results.filter((r) => !r.ok).length).toBeGreaterThan(400);
    // Each field as the record is read, the sink's rendering (`storedDecision`) as the first test checks.
    const fields = ({ namespace, policy, decidedAt, result, input, distribution }: PendingDecision) => ({
      namespace,
      policy,
      decidedAt,
      result: result.ok ? { ok: true, decision: plainDecision(result.decision) } : result,
      input,
      distribution,
    });
    expect(out.decisions.map(fields)).toEqual(
      inputs.map(({ distribution, ...kept }, k) => ({
        namespace: `ns-${k % 7}`,
        policy: `web-${k}`,
        decidedAt: AT,
        result: results[k],
        input: kept,
        distribution: distribution
          ? {
              p50: distribution.quantile(0.5),
              p90: distribution.quantile(0.9),
              p99: distribution.quantile(0.99),
            }
          : null,
      })),
    );
    // A decision's record holds the entry's decision, its numbers in the tick's columns, not a copy.
    const decisions = out.decisions.filter((d) => d.result.ok);
    expect(decisions.length).toBeGreaterThan(600);
    expect(
      decisions.every((d, k) => {
        const held = d.result.ok && d.result.decision;
        return held instanceof ColumnDecision && held === out.policies.filter((p) => !p.error)[k]!.decision;
      }),
    ).toBe(true);
  });

  it('serves, writes and stores the entries byte for byte as their decisions as decide() gave them would', () => {
    // Two ticks of 600 policies: decisions, failures, and in the second failures that carry the first's.
    const policies = Array.from({ length: 600 }, (_, i) =>
      policySchema.parse({ ...policy, name: `web-${i}`, namespace: `ns-${i % 7}` }),
    );
    const tick = (at: number, fails: (i: number) => boolean) =>
      policies.map((p, i) =>
        input({
          policy: p.name,
          at,
          demand: fails(i) ? undefined : i % 11 === 0 ? 0 : 10 + i * 0.37,
          distribution: i % 3 === 0 ? undefined : { quantile: (tau) => i + 50 * tau },
          currentReplicas: i % 4,
          hpaTolerance: i % 2 === 0 ? 0.1 : undefined,
        }),
      );
    const run = (inputs: DecisionInput[], at: number, before?: readonly PolicySnapshot[]) => {
      const results = inputs.map((i) => decideCompact(i));
      const out = publishTick(
        policies.map((p, i) => ({
          policy: p,
          key: `${p.namespace}/${p.name}`,
          input: inputs[i]!,
          previous: before?.[i],
          result: results[i]!,
        })),
        [],
        at,
      );
      return { results, out };
    };
    const first = run(
      tick(AT, (i) => i % 5 === 1),
      AT,
    );
    const second = run(
      tick(AT + 15_000, (i) => i % 5 !== 2),
      AT + 15_000,
      first.out.policies,
    );
    expect(second.out.policies.filter((p) => p.error !== undefined && p.decision).length).toBeGreaterThan(
      300,
    );
    // What the entry would hold with the decision as decide() gave it: same keys, same places.
    const asDecided = (entry: PolicySnapshot, k: number): PolicySnapshot => {
      const own = [second, first]
        .map((t) => t.results[k]!)
        .find((r) => r.ok && entry.valuesAt === r.decision.at);
      if (entry.decision === undefined || own === undefined || !own.ok) return entry;
      const d = own.decision;
      expect(entry.decision).toBeInstanceOf(ColumnDecision);
      return {
        ...entry,
        values: {
          costscale_replicas: d.replicas,
          costscale_load: d.load,
          costscale_cost_per_hour: d.costPerHour,
          costscale_budget_pressure: d.shadowPrice,
          costscale_forecast_demand: d.targetDemand,
        },
        decision: d,
        ...('facts' in entry.decision &&
          entry.explanation === entry.decision.facts && { explanation: d.facts }),
      };
    };
    const snapshot = { generatedAt: AT + 15_000, tick: 2, policies: second.out.policies };
    const reference = { ...snapshot, policies: second.out.policies.map(asDecided) };
    expect(snapshotJson(snapshot)).toBe(snapshotJson(reference));
    expect(snapshotJson(snapshot, 'rendered')).toBe(snapshotJson(reference, 'rendered'));
    expect(snapshotLines(snapshot)).toBe(snapshotLines(reference));
    const stored = (d: PendingDecision, k: number) =>
      JSON.stringify(
        storedDecision({
          namespace: d.namespace,
          policy: d.policy,
          decidedAt: d.decidedAt,
          result: second.results[k]!,
          input: d.input,
          distribution: d.distribution,
        }),
      );
    expect(second.out.decisions.map((d) => JSON.stringify(storedDecision(d)))).toEqual(
      second.out.decisions.map(stored),
    );
    // Read as properties, a held decision is decide()'s, and a carried one is this tick's.
    second.out.policies.forEach((entry, k) => {
      const ref = reference.policies[k]!;
      for (const m of SERVED_METRICS) expect(entry.values?.[m]).toBe(ref.values?.[m]);
      if (ref.decision !== undefined)
        expect(explainedHeld(entry.decision!)).toEqual(explainedDecision(ref.decision));
    });
  });

  it('budgets are published with their status or error', () => {
    const out = publishTick(
      [],
      [
        { name: 'a', periodStart: 0, error: 'timeout' },
        { name: 'b', periodStart: 0 },
      ],
      AT,
    );
    expect(out).toEqual({
      policies: [],
      decisions: [],
      budgets: [{ name: 'a', error: 'timeout' }, { name: 'b' }],
    });
  });
});
