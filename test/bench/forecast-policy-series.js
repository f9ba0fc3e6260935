'use strict';
// The forecasting policy engine-memory.bench.ts's children build: 14 days of 5-minute buckets of a daily
// swing with noise, and the model fitted on them, serialised as the engine stores it. Shared by
// forecast-policy-bytes.js and forecast-reforecast-memory.js so both measure the same policy.
const STEP_MS = 300_000;
const BUCKETS = 14 * 288;
const now = Date.UTC(2026, 10, 2, 12, 0, 7);

/** `forecast`: the build's forecast module (dist/forecast/index.js). */
function forecastPolicySeries(forecast) {
  const history = Float64Array.from({ length: BUCKETS }, (_, i) => {
    const t = now - (BUCKETS - i) * STEP_MS;
    const x = Math.sin((t / 1000) * 12.9898) * 43758.5453;
    return 60 * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 86_400_000)) + 18 * (x - Math.floor(x) - 0.5);
  });
  const stored = forecast.serializeForecastState(
    forecast.fitForecastState(history, { horizon: 12, stepSeconds: 300, nowMs: now }),
  );
  return { STEP_MS, BUCKETS, now, history, stored };
}

module.exports = { forecastPolicySeries };
