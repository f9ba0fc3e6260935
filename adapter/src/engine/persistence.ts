import type { BudgetEvent } from '../domain/budget';
import type { Logger } from '../log';
import type { Database } from '../store/db';
import { recordAnomalyEvent } from '../store/anomalyEvents';
import { insertBudgetEvents } from '../store/budgetEvents';
import { loadForecastModels, saveForecastModel } from '../store/forecastModels';
import { insertForecast } from '../store/forecasts';
import type { AnomalyEventRecord } from '../store/anomalyEvents';
import type { ForecastingDeps } from './forecasting';

// What a tick writes to the store besides decisions. The writes are not awaited: a failed one is
// logged and the tick goes on (ARCHITECTURE.md §6: deciding continues while PostgreSQL is down).

/** Forecasting's models loaded from and saved to the store, every forecast and demand anomaly recorded. */
export function forecastPersistence(db: Database, logger: Logger): ForecastingDeps {
  return {
    loadModels: () => loadForecastModels(db),
    onForecast: (f) =>
      void insertForecast(db, {
        ...f,
        point: Array.from(f.point),
        quantiles: f.quantiles.map((q) => ({ quantile: q.quantile, values: Array.from(q.values) })),
      }).catch((err: Error) => logger.warn({ err: err.message }, 'storing a forecast failed')),
    onAnomaly: anomalyRecorder(db, logger),
    saveModel: (namespace, policy, state) =>
      void saveForecastModel(db, namespace, policy, state).catch((err: Error) =>
        logger.warn({ namespace, policy, err: err.message }, 'saving forecast model failed'),
      ),
  };
}

/** Anomaly episodes of any signal: a start is logged, starts and ends are recorded. */
export function anomalyRecorder(db: Database, logger: Logger): (event: AnomalyEventRecord) => void {
  return (event) => {
    if (event.endedAt === null)
      logger.info(
        { namespace: event.namespace, policy: event.policy, signal: event.signal, peak: event.peakScore },
        `${event.signal} anomaly`,
      );
    void recordAnomalyEvent(db, event).catch((err: Error) =>
      logger.warn({ err: err.message }, 'recording an anomaly event failed'),
    );
  };
}

/** Budget thresholds crossed in a tick: logged, and recorded for the REST API and Grafana. */
export function budgetEventRecorder(
  db: Database,
  logger: Logger,
): (events: readonly BudgetEvent[], periodStart: number) => void {
  return (events, periodStart) => {
    for (const e of events)
      logger.warn(
        { budget: e.budget, threshold: e.threshold, direction: e.direction, utilisation: e.utilisation },
        'budget threshold crossed',
      );
    insertBudgetEvents(db, events, periodStart).catch((err: Error) =>
      logger.warn({ err: err.message }, 'recording budget events failed'),
    );
  };
}
