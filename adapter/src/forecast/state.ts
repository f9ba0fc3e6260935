import { z } from 'zod';
import { unpackCalibration, type Calibration, type PackedCalibration } from './calibration';

/**
 * The fitted forecaster as plain JSON data: which models, their parameters, the transform and the
 * interval calibration. It is what gets persisted (so a restart keeps its models) and what forecasts are
 * made from between refits; the history itself is not part of it.
 */
const etsParamsSchema = z.object({
  trend: z.enum(['none', 'additive', 'damped']),
  period: z.number().int().min(0),
  alpha: z.number().min(0).max(1),
  beta: z.number().min(0).max(1),
  gamma: z.number().min(0).max(1),
  phi: z.number().min(0).max(1),
});

const decompositionSettingsSchema = z.object({
  periods: z.array(z.number().int().min(2)),
  seasonalWindows: z.array(z.number().int().min(1)),
  robust: z.boolean(),
});

const remainderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['ses', 'damped']), params: etsParamsSchema }),
  z.object({ kind: z.literal('theta'), params: z.object({ alpha: z.number().min(0).max(1) }) }),
  z.object({ kind: z.enum(['linear-trend', 'recent-mean']), window: z.number().int().min(1) }),
]);

const fittedModelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('seasonal-naive'), period: z.number().int().min(1) }),
  z.object({ kind: z.literal('ets'), params: etsParamsSchema }),
  z.object({
    kind: z.literal('decomposition'),
    decomposition: decompositionSettingsSchema,
    remainder: remainderSchema,
  }),
]);

export const forecastStateSchema = z.object({
  version: z.literal(1),
  /** When the models were fitted (ms since the epoch, as passed in by the caller). */
  fittedAtMs: z.number(),
  /** Horizon (steps) the selection and calibration were made for. */
  horizon: z.number().int().min(1),
  periods: z.array(z.number().int().min(2)),
  transform: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('identity') }),
    z.object({ kind: z.literal('log') }),
  ]),
  /** Ensemble members; the forecast is their mean in transformed space. */
  members: z.array(fittedModelSchema).min(1),
  /** Backtest error scale per step and scaled errors per origin (see calibration.ts). */
  calibration: z.object({
    scales: z.array(z.number()),
    paths: z.array(z.array(z.number())),
    peakPaths: z.array(z.array(z.number())),
  }),
  /**
   * Backtest summary: origins used, and mean absolute errors (transformed units) of the ensemble and
   * of seasonal naive; null when the history was too short to measure them.
   */
  backtest: z.object({
    origins: z.number().int().min(0),
    ensembleError: z.number().nullable(),
    seasonalNaiveError: z.number().nullable(),
  }),
});

/** A state as stored, or as a service holds it with its calibration packed (calibration.ts). */
export type ForecastState = Omit<z.infer<typeof forecastStateSchema>, 'calibration'> & {
  calibration: Calibration | PackedCalibration;
};

/**
 * The state as JSON, its calibration with a JS array per origin whichever form it is held in. Its fields
 * read one by one: a state the engine holds reads its members and backtest through accessors
 * (engine/forecasting.ts), which a spread would not copy.
 */
export function serializeForecastState(state: ForecastState): string {
  return JSON.stringify({
    version: state.version,
    fittedAtMs: state.fittedAtMs,
    horizon: state.horizon,
    periods: state.periods,
    transform: state.transform,
    members: state.members,
    calibration: unpackCalibration(state.calibration),
    backtest: state.backtest,
  });
}

/** Parses and validates a stored state; throws an Error naming the offending field when it is invalid. */
export function deserializeForecastState(text: string): ForecastState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`forecast state is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = forecastStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid forecast state at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Whether the models are due for a refit: `refitEveryMs` has passed since the fit, or the clock went back. */
export function isRefitDue(state: ForecastState, nowMs: number, refitEveryMs: number): boolean {
  const elapsed = nowMs - state.fittedAtMs;
  return elapsed < 0 || elapsed >= refitEveryMs;
}
