'use strict';
// Child of engine-memory.bench.ts: what one forecasting policy holds, by component, as the engine holds
// it (engine/forecasting.ts): N policies' state built one component at a time, the heap after a full
// collection and the typed arrays' contents measured after each, divided by N. Run with --expose-gc.
// ADAPTER_DIST=<dist> measures another build. Not meant to be run by hand.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const v8 = require('node:v8');

const dist = process.env.ADAPTER_DIST ?? join(__dirname, '..', '..', 'adapter', 'dist');
const forecast = require(join(dist, 'forecast', 'index.js'));
const { forecastPolicySeries } = require('./forecast-policy-series.js');
const anomaly = require(join(dist, 'anomaly', 'index.js'));
const { compactModel } = require(join(dist, 'engine', 'forecasting.js'));
const { packDetector } = require(join(dist, 'engine', 'packedDetector.js'));
// Builds whose engine holds demand's detector packed between the buckets it scores (engine/forecasting.ts).
const packsDemandDetector = /packDetector|WatchScorer/.test(
  readFileSync(join(dist, 'engine', 'forecasting.js'), 'utf8'),
);

const N = 2000;
const { STEP_MS, BUCKETS, now, history, stored } = forecastPolicySeries(forecast);
const OUTCOMES = 288;

function measure() {
  globalThis.gc();
  globalThis.gc();
  return { heap: v8.getHeapStatistics().used_heap_size, arrays: process.memoryUsage().arrayBuffers };
}

const series = [];
const watches = [];
const components = [
  [
    'bucket history and the (empty) scored-forecast windows',
    () => {
      for (let i = 0; i < N; i++)
        series.push(forecast.onlineSeries(STEP_MS, now, history, undefined, BUCKETS));
    },
  ],
  [
    'fitted model, as the engine holds it',
    () => {
      for (const s of series) s.model = compactModel(forecast.deserializeForecastState(stored));
    },
  ],
  [
    'served forecast and its view',
    () => {
      for (const s of series) {
        forecast.reforecastSeries(s, 12);
        s.view = forecast.seriesView(s, 12);
      }
    },
  ],
  [
    `scored forecasts, full (${OUTCOMES})`,
    () => {
      for (const s of series) {
        for (let j = 0; j < OUTCOMES; j++) {
          // Builds before the five outcome series shared one window kept one window each.
          if (typeof s.outcomes.push === 'function') s.outcomes.push(j, j, j, j, j);
          else for (const w of Object.values(s.outcomes)) w.push(j);
        }
      }
    },
  ],
  [
    `demand anomaly detector (adapter/src/anomaly)${packsDemandDetector ? ', packed as the engine holds it' : ''}`,
    () => {
      for (const s of series) {
        const watch = anomaly.newWatch(anomaly.createDetector({ stepMs: STEP_MS }));
        const first = s.bucketStart - s.values.length * STEP_MS;
        const values = s.values.view();
        for (let i = 0; i < values.length; i++) anomaly.watchSample(watch, first + i * STEP_MS, values[i]);
        watches.push(packsDemandDetector ? { ...watch, detector: packDetector(watch.detector) } : watch);
      }
    },
  ],
];

const kib = (bytes) => `${(bytes / N / 1024).toFixed(1)} KiB`;
let last = measure();
const first = last;
console.log(`bytes per forecasting policy (${N} policies), heap / typed arrays:`);
for (const [name, build] of components) {
  build();
  const m = measure();
  console.log(`  ${name}: ${kib(m.heap - last.heap)} / ${kib(m.arrays - last.arrays)}`);
  last = m;
}
console.log(`  all: ${kib(last.heap - first.heap)} / ${kib(last.arrays - first.arrays)}`);
