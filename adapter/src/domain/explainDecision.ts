import {
  decideWith,
  decisionFailure,
  explanationOf,
  liveAnswers,
  type Decision,
  type DecisionFailure,
  type DecisionInput,
  type DecisionNotes,
  type DecisionNumbers,
  type DistributionAnswers,
  type Explanation,
} from './decide';

// A decision's explanation on request. The engine decides every policy every tick, and a decision's
// explanation (about 5 KiB of strings and objects) was most of what a tick kept alive until the next
// one; it is read only when someone asks (REST, the plugin, the decision history). So the engine keeps
// the few facts it is made from and renders it, with decide()'s own code, when it is read: same facts,
// same explanation.

/** The input without its distribution object (which is neither kept nor stored). */
export type KeptInput = Omit<DecisionInput, 'distribution'>;

/** What a decision's explanation is rendered from: its input and what the distribution answered. */
export interface DecisionFacts {
  readonly input: KeptInput;
  /** Q(τ*) as the distribution gave it; undefined without a distribution. */
  readonly rawQuantile: number | undefined;
  /**
   * The count the decision chose among those the HPA can reach, before the bounds: the expected cost of
   * each count needs the distribution, which is not kept.
   */
  readonly reachable: number;
}

/** A decision as the engine keeps it: its numbers and the facts its explanation is rendered from. */
export type CompactDecision = DecisionNumbers & { readonly facts: DecisionFacts };

/** A decision with its explanation (from decide() or read back from JSON), or kept compact. */
export type HeldDecision = Decision | CompactDecision;

export type CompactResult =
  | { readonly ok: true; readonly decision: CompactDecision }
  | { readonly ok: false; readonly failure: DecisionFailure };

/**
 * decide() without writing the explanation: the same numbers, and the facts explainDecision() renders it
 * from. A failure (rare) carries its explanation as decide() gives it.
 */
export function decideCompact(input: DecisionInput): CompactResult {
  const outcome = decideWith(input, liveAnswers);
  if (!outcome.ok) {
    const notes = newNotes();
    decideWith(input, liveAnswers, notes);
    return { ok: false, failure: decisionFailure(input, outcome.errors, notes) };
  }
  const facts: DecisionFacts = Object.freeze({
    input: keptInput(input),
    rawQuantile: outcome.rawQuantile,
    reachable: outcome.reachable,
  });
  return { ok: true, decision: withFacts(outcome.decision, facts) };
}

/** Every key of T, its optional ones included: a literal of this type cannot leave one out. */
type EveryKey<T> = { [K in keyof Required<T>]: T[K] };

/**
 * The decision's numbers and its facts as one literal: the engine keeps every policy's decision, and both
 * `{ ...d, facts }` (a hidden class of its own per object in V8) and `Object.assign({}, d, { facts })`
 * (13 of its 17 properties in a second, out-of-line array) made it bigger (issue 16). Keys in the order
 * decide() gives them, which JSON keeps; the type check fails when decide() gains a field not copied here.
 */
function withFacts(d: DecisionNumbers, facts: DecisionFacts): CompactDecision {
  const decision: EveryKey<DecisionNumbers> & { facts: DecisionFacts } = {
    policy: d.policy,
    at: d.at,
    mode: d.mode,
    replicas: d.replicas,
    unboundedReplicas: d.unboundedReplicas,
    load: d.load,
    targetDemand: d.targetDemand,
    demand: d.demand,
    demandQuantile: d.demandQuantile,
    tau: d.tau,
    shadowPrice: d.shadowPrice,
    costPerReplicaHour: d.costPerReplicaHour,
    costPerHour: d.costPerHour,
    costPerUnit: d.costPerUnit,
    sloMissRisk: d.sloMissRisk,
    actingBound: d.actingBound,
    facts,
  };
  return decision;
}

/** The input as kept and stored: everything but the distribution object. */
export function keptInput(input: DecisionInput): KeptInput {
  const { distribution: _distribution, ...kept } = input;
  return kept;
}

/** The explanation decide() gave with the decision the facts were kept from. */
export function explainDecision(facts: DecisionFacts): Explanation {
  const notes = newNotes();
  decideWith(facts.input, replayed(facts), notes);
  return explanationOf(notes);
}

/** The decision with its explanation, as decide() returned it. */
export function explainedDecision(held: HeldDecision): Decision {
  if (!('facts' in held)) return held;
  const { facts, ...numbers } = held;
  return { ...numbers, explanation: explainDecision(facts) };
}

/** A held explanation (rendered, or a decision's facts) as the explanation. */
export function heldExplanation(held: Explanation | DecisionFacts): Explanation {
  return 'summary' in held ? held : explainDecision(held);
}

/** The distribution's answers as they were when the decision was made. */
function replayed(facts: DecisionFacts): DistributionAnswers {
  return {
    quantile: () => facts.rawQuantile,
    choose: () => facts.reachable,
    missRisk: () => null,
  };
}

function newNotes(): DecisionNotes {
  return { inputs: [], warnings: [], bounds: [] };
}
