'use strict';
// What remaking forecasts costs in memory and CPU (issue 16): N forecasting policies as the engine holds
// them (engine-memory.bench.ts's series, 14 days of 5-minute buckets and a stored model each), every
// forecast remade ROUNDS times as when buckets close, with the service's heap growing factor. Prints RSS
// after the set-up (the baseline, same run), after each round and at its peak, the typed arrays' contents
// and the CPU per reforecast. ADAPTER_DIST=<dist> measures another build (before/after, one after the other).
//   npm run build && node test/bench/forecast-reforecast-memory.js      (N=2000 ROUNDS=6 by default)
const { join } = require('node:path');
const fs = require('node:fs');

const dist = process.env.ADAPTER_DIST ?? join(__dirname, '..', '..', 'adapter', 'dist');
const forecast = require(join(dist, 'forecast', 'index.js'));
const { forecastPolicySeries } = require('./forecast-policy-series.js');
const { compactModel } = require(join(dist, 'engine', 'forecasting.js'));
if (fs.existsSync(join(dist, 'engine', 'heapGrowth.js')))
  require(join(dist, 'engine', 'heapGrowth.js')).boundHeapGrowth();

const N = Number(process.env.N ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const { STEP_MS, BUCKETS, now, history, stored } = forecastPolicySeries(forecast);

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage.rss());
};

async function main() {
  const series = [];
  for (let i = 0; i < N; i++) {
    const s = forecast.onlineSeries(STEP_MS, now, history, undefined, BUCKETS);
    s.model = compactModel(forecast.deserializeForecastState(stored));
    series.push(s);
  }
  console.log(`${N} policies, model ${forecast.modelDescription(series[0].model)}`);
  console.log(`after the set-up (baseline): RSS ${mib(process.memoryUsage.rss())}`);
  const timer = setInterval(sample, 20);
  const cpu = process.cpuUsage();
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < N; i++) {
      forecast.reforecastSeries(series[i], 12);
      series[i].view = forecast.seriesView(series[i], 12);
      // Yield now and then, as a tick does between its awaits, so the sampler sees the peak.
      if (i % 100 === 0) {
        sample();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const m = process.memoryUsage();
    console.log(
      `round ${r}: RSS ${mib(m.rss)}, heap ${mib(m.heapUsed)} of ${mib(m.heapTotal)}, typed arrays ${mib(m.arrayBuffers)}`,
    );
  }
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  console.log(
    `peak RSS ${mib(peak)}; CPU per reforecast ${((used.user + used.system) / 1000 / ROUNDS / N).toFixed(2)} ms`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
