import { deserializeForecastState, serializeForecastState, type ForecastState } from '../forecast';
import type { Queryable } from './db';

// Fitted forecast models per policy, so a restart forecasts at once instead of refitting everything.

export async function saveForecastModel(
  db: Queryable,
  namespace: string,
  policy: string,
  state: ForecastState,
): Promise<void> {
  await db.query(
    `INSERT INTO forecast_models (namespace, policy, state, fitted_at) VALUES ($1, $2, $3::jsonb, $4::timestamptz)
     ON CONFLICT (namespace, policy) DO UPDATE SET state = EXCLUDED.state, fitted_at = EXCLUDED.fitted_at`,
    [namespace, policy, serializeForecastState(state), new Date(state.fittedAtMs).toISOString()],
  );
}

/** Every stored model by `namespace/policy`; a row that no longer parses (older format) is skipped. */
export async function loadForecastModels(db: Queryable): Promise<Map<string, ForecastState>> {
  const rows = await db.query<{ namespace: string; policy: string; state: unknown }>(
    'SELECT namespace, policy, state FROM forecast_models',
  );
  const models = new Map<string, ForecastState>();
  for (const r of rows) {
    try {
      models.set(`${r.namespace}/${r.policy}`, deserializeForecastState(JSON.stringify(r.state)));
    } catch {
      // Refitted on the next schedule.
    }
  }
  return models;
}
