import type { Queryable } from './db';

// Forecasts as served, kept for the Grafana plugin and for accuracy tracking. Series are arrays at a
// fixed step: value i is for madeAt + (i + 1) · stepSeconds. NaN is stored as null (JSON has no NaN).

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

export interface ForecastRecord {
  namespace: string;
  policy: string;
  /** Epoch ms of the forecast origin. */
  madeAt: number;
  stepSeconds: number;
  model: string;
  point: ReadonlyArray<number | null>;
  quantiles: ReadonlyArray<{ quantile: number; values: ReadonlyArray<number | null> }>;
  accuracy: ForecastAccuracy | null;
}

export interface StoredForecast extends ForecastRecord {
  id: number;
}

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

export async function insertForecast(db: Queryable, f: ForecastRecord): Promise<number> {
  const rows = await db.query<{ id: number }>(
    `INSERT INTO forecasts (namespace, policy, made_at, step_seconds, model, point, quantiles, accuracy)
     VALUES ($1, $2, $3::timestamptz, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb) RETURNING id`,
    [
      f.namespace,
      f.policy,
      new Date(f.madeAt).toISOString(),
      f.stepSeconds,
      f.model,
      JSON.stringify(f.point.map(finiteOrNull)),
      JSON.stringify(f.quantiles.map((q) => ({ quantile: q.quantile, values: q.values.map(finiteOrNull) }))),
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
