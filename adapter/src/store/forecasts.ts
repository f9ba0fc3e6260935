import type { Queryable } from './db';

// Forecasts as served, kept for the Grafana plugin. Series are arrays at a fixed step, as the engine's
// forecasting makes them: value i is the mean demand over the step-aligned bucket that starts at
// floor(madeAt / step) · step + i · step (the bucket open at madeAt first). NaN is stored as null.

export interface ForecastAccuracy {
  /** Outcomes compared. */
  count: number;
  mase: number | null;
  smape: number | null;
  /** Fraction of actuals inside the served interval. */
  coverage: number | null;
  bias: number | null;
  /** MAE over seasonal naive's MAE (< 1: better than seasonal naive). */
  relativeMae: number | null;
}

/** A forecast to store; the engine's ServedForecast has this shape (typed arrays welcome). */
export interface ForecastInput {
  readonly namespace: string;
  readonly policy: string;
  /** Epoch ms at which the forecast was made. */
  readonly madeAt: number;
  readonly stepSeconds: number;
  readonly model: string;
  readonly point: ArrayLike<number | null>;
  readonly quantiles: ReadonlyArray<{ readonly quantile: number; readonly values: ArrayLike<number | null> }>;
  readonly accuracy: ForecastAccuracy | null;
}

export interface StoredForecast {
  id: number;
  namespace: string;
  policy: string;
  madeAt: number;
  stepSeconds: number;
  model: string;
  point: Array<number | null>;
  quantiles: Array<{ quantile: number; values: Array<number | null> }>;
  accuracy: ForecastAccuracy | null;
}

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** Epoch ms of each value's bucket start. */
export function forecastTimestamps(f: {
  madeAt: number;
  stepSeconds: number;
  point: ArrayLike<unknown>;
}): number[] {
  const stepMs = f.stepSeconds * 1000;
  const first = Math.floor(f.madeAt / stepMs) * stepMs;
  return Array.from({ length: f.point.length }, (_, i) => first + i * stepMs);
}

export async function insertForecast(db: Queryable, f: ForecastInput): Promise<number> {
  const rows = await db.query<{ id: number }>(
    `INSERT INTO forecasts (namespace, policy, made_at, step_seconds, model, point, quantiles, accuracy)
     VALUES ($1, $2, $3::timestamptz, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb) RETURNING id`,
    [
      f.namespace,
      f.policy,
      new Date(f.madeAt).toISOString(),
      f.stepSeconds,
      f.model,
      JSON.stringify(Array.from(f.point, finiteOrNull)),
      JSON.stringify(
        f.quantiles.map((q) => ({ quantile: q.quantile, values: Array.from(q.values, finiteOrNull) })),
      ),
      f.accuracy === null
        ? null
        : JSON.stringify({
            count: f.accuracy.count,
            mase: finiteOrNull(f.accuracy.mase),
            smape: finiteOrNull(f.accuracy.smape),
            coverage: finiteOrNull(f.accuracy.coverage),
            bias: finiteOrNull(f.accuracy.bias),
            relativeMae: finiteOrNull(f.accuracy.relativeMae),
          }),
    ],
  );
  return rows[0]!.id;
}

interface Row {
  id: number;
  namespace: string;
  policy: string;
  made_at: Date | string;
  step_seconds: number;
  model: string;
  point: Array<number | null>;
  quantiles: Array<{ quantile: number; values: Array<number | null> }>;
  accuracy: ForecastAccuracy | null;
}

/** The newest forecast made for the policy at or before `atOrBefore` (epoch ms), if any. */
export async function latestForecast(
  db: Queryable,
  namespace: string,
  policy: string,
  atOrBefore: number,
): Promise<StoredForecast | undefined> {
  const rows = await db.query<Row>(
    `SELECT id, namespace, policy, made_at, step_seconds, model, point, quantiles, accuracy FROM forecasts
     WHERE namespace = $1 AND policy = $2 AND made_at <= $3::timestamptz ORDER BY made_at DESC, id DESC LIMIT 1`,
    [namespace, policy, new Date(atOrBefore).toISOString()],
  );
  const r = rows[0];
  return (
    r && {
      id: r.id,
      namespace: r.namespace,
      policy: r.policy,
      madeAt: new Date(r.made_at).getTime(),
      stepSeconds: r.step_seconds,
      model: r.model,
      point: r.point,
      quantiles: r.quantiles,
      accuracy: r.accuracy,
    }
  );
}
