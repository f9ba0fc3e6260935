import type { Config } from '../config/schema';
import { budgetEvents, decideCompact, type BudgetEvent, type RecordedBudgetState } from '../domain';
import type { Backends } from '../sources';
import { decisionHorizonSeconds } from '../domain/horizon';
import { assembleTick, type AssembledPolicy, type TickBudget } from './assemble';
import { evaluateOnce, type Evaluate, type EvaluateTick } from './engine';
import { Forecasting, type ForecastView } from './forecasting';
import { createGatherer } from './gather';
import { publishTick, type DecidedPolicy } from './publish';
import { policyKey } from '../config/policyIdentity';
import { SignalAnomalies, signalSamples, withSignalStates } from './signalAnomalies';
import type { AnomalyEventRecord } from '../store/anomalyEvents';
import type { TickInputs } from './tickInputs';

// One tick's work for all policies: gather (I/O) → forecast → assemble (pure) → decide (pure) →
// publish (pure), plus the budget threshold events, which need the state of earlier ticks.

export interface EvaluatorDeps {
  /** Seasonal forecasts with accuracy gating; without it the reactive distribution is used. */
  forecasting?: Forecasting;
  /** The Prometheus clients by backend name, for the current configuration. */
  backends: () => Backends;
  /** Threshold crossings of one budget in the period starting at `periodStart` (epoch ms). */
  onBudgetEvents?: (events: BudgetEvent[], periodStart: number) => void;
  /** Where episodes of cost per hour, latency and budget spend go; without it only demand is watched. */
  onSignalAnomaly?: (event: AnomalyEventRecord) => void;
  /** Samples of recent demand kept per policy, at the tick step (default 1 h at 15 s). */
  historySamples?: number;
  /** Policies whose recent demand is loaded from Prometheus per tick (default 4,000). */
  warmStartsPerTick?: number;
}

/**
 * A one-off evaluator for a policy's dry run: the engine's own tick with fresh forecasting (history
 * loaded, models fitted and gated as the engine does); nothing is stored.
 */
export function dryRunEvaluator(backends: Backends): Evaluate {
  return (config, now, previous) =>
    createEvaluator({ backends: () => backends, forecasting: new Forecasting({}, config.engine.forecast) })(
      config,
      now,
      previous,
    );
}

/** The engine's tick, both parts at once from a served snapshot (see `evaluateOnce`). */
export const createEvaluator = (deps: EvaluatorDeps): Evaluate => evaluateOnce(createTickEvaluator(deps));

/** The engine's tick in its two parts: gathering, then deciding in one synchronous step (engine.ts). */
export function createTickEvaluator(deps: EvaluatorDeps): EvaluateTick {
  const gather = createGatherer(deps.historySamples ?? 240, deps.warmStartsPerTick);
  const budgetStates = new Map<string, RecordedBudgetState>();
  const signals = deps.onSignalAnomaly && new SignalAnomalies(deps.onSignalAnomaly);

  return async (config, now) => {
    const backends = deps.backends();
    // A backend behind an open circuit that has come back then answers this whole tick (issue 16).
    await Promise.all([...backends.values()].map((b) => b.probe?.()));
    const inputs = await gather(config, backends, now);
    const forecasts = await forecast(deps.forecasting, config, inputs, backends, now);
    return (previous) => {
      const tick = assembleTick(config, inputs, forecasts, previous, now);
      for (const b of tick.budgets) {
        const events = crossings(b, budgetStates, now);
        if (events.length > 0) deps.onBudgetEvents?.(events, b.periodStart);
      }
      const out = publishTick(decideEach(tick.policies), tick.budgets, now, previous);
      if (signals === undefined) return out;
      return withSignalStates(
        out,
        signals.observe(signalSamples(config, inputs, out, tick.budgets, now), now),
      );
    };
  };
}

/**
 * decide() for each policy as publishing takes it, so one policy's distribution is alive at a time;
 * compact, its explanation rendered when it is read.
 */
function* decideEach(policies: Iterable<AssembledPolicy>): Iterable<DecidedPolicy> {
  // One literal, not `{ ...p, result }` (V8 gives an object literal that opens with a spread a hidden class
  // of its own) nor Object.assign (which grows an empty object's properties out of line): 1.5 KiB a policy
  // a tick less to collect.
  for (const p of policies)
    yield {
      policy: p.policy,
      key: p.key,
      input: p.input,
      forecast: p.forecast,
      previous: p.previous,
      demandError: p.demandError,
      result: decideCompact(p.input),
    };
}

async function forecast(
  forecasting: Forecasting | undefined,
  config: Config,
  inputs: TickInputs,
  backends: Backends,
  now: number,
): Promise<ReadonlyMap<string, ForecastView>> {
  if (forecasting === undefined) return new Map();
  forecasting.configure(config.engine.forecast);
  const demand = new Map(
    config.policies.map((p, i) => {
      const d = inputs.policies[i]!.demand;
      return [policyKey(p), d.ok ? d.value : undefined];
    }),
  );
  return forecasting.tick(
    config.policies,
    demand,
    (p) => decisionHorizonSeconds(p, config.engine),
    backends,
    now,
  );
}

/** The budget's threshold crossings since the state recorded at the last tick, which it then replaces. */
function crossings(b: TickBudget, states: Map<string, RecordedBudgetState>, now: number): BudgetEvent[] {
  if (b.status === undefined) return [];
  const events = budgetEvents(b.name, states.get(b.name), b.status, now);
  states.set(b.name, { periodLabel: b.status.periodLabel, state: b.status.state });
  return events;
}
