'use strict';
// Forecasting benchmark (not a test): accuracy, interval coverage and speed of the forecast core on
// public data, against baselines computed in the same run.
//
//   npx tsc -b adapter && node test/bench/forecast-m4.js [--only m4|traces] [--season 24[,168]]
//
// 1. M4 Hourly (test/fixtures/data/m4/Hourly-train.csv): the last 48 points of every series are held
//    out and forecast from the rest (horizon 48). sMAPE, MASE (m = 24, scaled on the fitted part) and
//    OWA against Naive2, as defined by the M4 competition (Makridakis et al., 2020); seasonal naive in
//    the same table. The forecaster is told the data are hourly (calendar periods 24 and 168 are then
//    detected per series); --season fixes the periods instead.
// 2. Traces at 5 and 30 minutes (Azure VM CPU, Google cluster CPU, NYC taxi): the last day is forecast
//    from the rest at several origins (a day apart), against seasonal naive (daily and weekly); and the
//    short horizon the autoscaler uses (one hour), from a state refitted daily, against the same
//    baselines, with the coverage of the forecast peak. The taxi series is evaluated on its last week
//    (with the January 2015 blizzard, an outage no forecaster foresees) and on the week before.
//
// The baselines are implemented here, independently of the code under test.
//
// --window <days> fits and forecasts the traces from their last <days> only, held as a service holds a
// policy's history (the build's historyWindow, or its QuantizedWindow when it has none): what the history's
// representation does to accuracy. ADAPTER_DIST=<dist> measures another build.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(
  process.env.ADAPTER_DIST ?? path.join(ROOT, 'adapter', 'dist'),
  'forecast',
  'index.js',
);
const DATA = path.join(ROOT, 'test', 'fixtures', 'data');

if (!fs.existsSync(DIST)) {
  console.error('adapter/dist/forecast is missing: build it first with `npx tsc -b adapter`.');
  process.exit(1);
}
const forecastCore = require(DIST);
const { fitForecastState, forecastFromState } = forecastCore;

function argument(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// ---- measures (M4 definitions) ----

function smape(actual, forecast) {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]) + Math.abs(forecast[i]);
    sum += d > 0 ? Math.abs(actual[i] - forecast[i]) / d : 0;
  }
  return (200 * sum) / actual.length;
}

function seasonalScale(history, m) {
  let sum = 0;
  for (let t = m; t < history.length; t++) sum += Math.abs(history[t] - history[t - m]);
  return sum / (history.length - m);
}

function mae(actual, forecast) {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - forecast[i]);
  return sum / actual.length;
}

// ---- baselines ----

function seasonalNaive(history, m, horizon) {
  const n = history.length;
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) out[h] = history[n - m + (h % m)];
  return out;
}

function autocorrelations(x, maxLag) {
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v / n;
  let energy = 0;
  for (const v of x) energy += (v - mean) ** 2;
  const out = new Float64Array(maxLag + 1);
  for (let lag = 0; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += (x[i] - mean) * (x[i - lag] - mean);
    out[lag] = s / energy;
  }
  return out;
}

// Naive2: naive forecast of the seasonally adjusted series (classical multiplicative decomposition),
// re-seasonalised; the adjustment applies only when the lag-m autocorrelation is significant at 90 %:
// |acf_m| > 1.645 * sqrt((1 + 2 * sum_{k<m} acf_k^2) / n).
function naive2(history, m, horizon) {
  const n = history.length;
  const acf = autocorrelations(history, m);
  let sumSquares = 0;
  for (let k = 1; k < m; k++) sumSquares += acf[k] ** 2;
  const seasonal = Math.abs(acf[m]) > 1.645 * Math.sqrt((1 + 2 * sumSquares) / n);
  const index = new Float64Array(m).fill(1);
  if (seasonal) {
    const half = m / 2;
    const sums = new Float64Array(m);
    const counts = new Float64Array(m);
    for (let t = half; t < n - half; t++) {
      let window = 0.5 * history[t - half] + 0.5 * history[t + half];
      for (let j = t - half + 1; j < t + half; j++) window += history[j];
      sums[t % m] += history[t] / (window / m);
      counts[t % m]++;
    }
    let total = 0;
    for (let j = 0; j < m; j++) total += index[j] = sums[j] / counts[j];
    for (let j = 0; j < m; j++) index[j] /= total / m;
  }
  const last = history[n - 1] / index[(n - 1) % m];
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) out[h] = last * index[(n + h) % m];
  return out;
}

// ---- data ----

function loadM4() {
  const lines = fs
    .readFileSync(path.join(DATA, 'm4', 'Hourly-train.csv'), 'utf8')
    .trim()
    .split('\n');
  return lines.slice(1).map((line) => {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    return {
      id: cells[0],
      values: Float64Array.from(
        cells
          .slice(1)
          .filter((c) => c !== '')
          .map(Number),
      ),
    };
  });
}

function loadColumn(file, column) {
  const lines = fs.readFileSync(path.join(DATA, file), 'utf8').trim().split('\n');
  const index = lines[0].split(',').indexOf(column);
  return Float64Array.from(lines.slice(1).map((line) => Number(line.split(',')[index])));
}

const TRACES = [
  {
    name: 'Azure VM CPU (5 min)',
    file: 'traces/vm_cpu_readings_month_aggregated_cpu_mem.csv',
    column: 'cpu_usage',
    step: 300,
  },
  {
    name: 'Google cluster CPU (5 min)',
    file: 'traces/instance_usage_grouped_300_seconds_month.csv',
    column: 'avg_cpu',
    step: 300,
  },
  { name: 'NYC taxi (30 min)', file: 'nab/nyc_taxi.csv', column: 'value', step: 1800 },
  // The last week of the taxi series holds the 26–27 January 2015 blizzard; the week before does not.
  {
    name: 'NYC taxi (30 min), the week before',
    file: 'nab/nyc_taxi.csv',
    column: 'value',
    step: 1800,
    daysBeforeEnd: 7,
  },
];

// ---- reporting ----

const fixed = (x, d = 3) => x.toFixed(d);
const pct = (x) => `${(100 * x).toFixed(1)} %`;
const row = (cells, widths) => cells.map((c, i) => String(c).padEnd(widths[i])).join('');
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

function coverage(actual, lower, upper) {
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
  return inside;
}

// ---- 1. M4 Hourly ----

function benchM4() {
  const H = 48;
  const M = 24;
  const season = argument('season');
  const fitOptions = season
    ? { horizon: H, periods: season.split(',').map(Number) }
    : { horizon: H, stepSeconds: 3600 };
  const series = loadM4();
  const totals = {
    naive2: { smape: 0, mase: 0 },
    snaive: { smape: 0, mase: 0 },
    costscale: { smape: 0, mase: 0 },
  };
  let inside = 0;
  let below = 0;
  let points = 0;
  let peaksCovered = 0;
  let modelSeconds = 0;
  let baselineSeconds = 0;
  const periodsUsed = new Map();
  for (const { values } of series) {
    const n = values.length;
    const history = values.subarray(0, n - H);
    const actual = values.subarray(n - H);
    const scale = seasonalScale(history, M);

    let start = process.hrtime.bigint();
    const baselines = { naive2: naive2(history, M, H), snaive: seasonalNaive(history, M, H) };
    baselineSeconds += seconds(start);

    start = process.hrtime.bigint();
    const state = fitForecastState(history, fitOptions);
    const forecast = forecastFromState(state, history);
    const lower = forecast.quantile(0.05);
    const upper = forecast.quantile(0.95);
    const peak90 = forecast.peak().quantile(0.9);
    modelSeconds += seconds(start);

    const key = state.periods.join(',') || 'none';
    periodsUsed.set(key, (periodsUsed.get(key) ?? 0) + 1);
    for (const [name, f] of [...Object.entries(baselines), ['costscale', forecast.point]]) {
      totals[name].smape += smape(actual, f) / series.length;
      totals[name].mase += mae(actual, f) / scale / series.length;
    }
    inside += coverage(actual, lower, upper);
    for (let h = 0; h < H; h++) if (actual[h] < lower[h]) below++;
    points += H;
    if (Math.max(...actual) <= peak90) peaksCovered++;
  }
  const owa = (t) => 0.5 * (t.smape / totals.naive2.smape + t.mase / totals.naive2.mase);
  console.log(`\nM4 Hourly: ${series.length} series, last ${H} points held out, horizon ${H}, MASE m = ${M}`);
  console.log(
    `forecaster options: ${JSON.stringify(fitOptions)}; periods used: ${[...periodsUsed].map(([k, v]) => `${k} ×${v}`).join(', ')}`,
  );
  const widths = [18, 10, 10, 10];
  console.log(row(['method', 'sMAPE', 'MASE', 'OWA'], widths));
  for (const [name, label] of [
    ['naive2', 'Naive2'],
    ['snaive', 'seasonal naive'],
    ['costscale', 'costscale'],
  ]) {
    const t = totals[name];
    console.log(row([label, fixed(t.smape), fixed(t.mase), fixed(owa(t))], widths));
  }
  console.log(`costscale OWA / seasonal-naive OWA: ${fixed(owa(totals.costscale) / owa(totals.snaive))}`);
  console.log(
    `90 % interval (q0.05–q0.95) coverage: ${pct(inside / points)} (below ${pct(below / points)}, above ${pct((points - inside - below) / points)})`,
  );
  console.log(
    `peak of the 48 held-out points ≤ forecast peak q0.9: ${pct(peaksCovered / series.length)} of series`,
  );
  console.log(
    `speed: ${fixed(series.length / modelSeconds, 1)} series/s (fit + forecast + quantiles), ${fixed(modelSeconds, 2)} s for all; ` +
      `baselines ${fixed(series.length / baselineSeconds, 0)} series/s; costscale takes ${fixed(modelSeconds / baselineSeconds, 0)}× the baselines' time`,
  );
}

// ---- 2. traces ----

/** The newest `--window` days of `values` as the service's window gives them back (all of them, as they are, without it). */
function held(values, step) {
  const days = Number(argument('window'));
  if (!(days > 0)) return values;
  const limit = Math.round((days * 86400) / step);
  const window = forecastCore.historyWindow
    ? forecastCore.historyWindow(step * 1000, limit, values)
    : new forecastCore.QuantizedWindow(limit, values);
  return Float64Array.from(window.view());
}

function benchTrace(trace) {
  const day = 86400 / trace.step;
  const week = 7 * day;
  const all = loadColumn(trace.file, trace.column);
  const values = all.subarray(0, all.length - (trace.daysBeforeEnd ?? 0) * day);
  const n = values.length;

  // Day-ahead: the last 7 days, each forecast from everything before it.
  const dayAhead = { costscale: [0, 0], daily: [0, 0], weekly: [0, 0] };
  let inside = 0;
  let points = 0;
  let fitSeconds = 0;
  const origins = 7;
  let periods = '';
  for (let k = origins; k >= 1; k--) {
    const origin = n - k * day;
    const history = values.subarray(0, origin);
    const actual = values.subarray(origin, origin + day);
    const scale = seasonalScale(history, day);
    const start = process.hrtime.bigint();
    const seen = held(history, trace.step);
    const state = fitForecastState(seen, { horizon: day, stepSeconds: trace.step });
    const forecast = forecastFromState(state, seen);
    fitSeconds += seconds(start);
    periods = state.periods.join(',');
    for (const [name, f] of [
      ['costscale', forecast.point],
      ['daily', seasonalNaive(history, day, day)],
      ['weekly', seasonalNaive(history, week, day)],
    ]) {
      dayAhead[name][0] += smape(actual, f) / origins;
      dayAhead[name][1] += mae(actual, f) / scale / origins;
    }
    inside += coverage(actual, forecast.quantile(0.05), forecast.quantile(0.95));
    points += day;
  }

  // One hour ahead every hour of the last 7 days, from a state refitted at the start of each day.
  const H = Math.round(3600 / trace.step);
  const short = { costscale: [0, 0], daily: [0, 0], weekly: [0, 0] };
  let shortInside = 0;
  let shortPoints = 0;
  let peaksCovered = 0;
  let forecasts = 0;
  let forecastSeconds = 0;
  for (let k = origins; k >= 1; k--) {
    const dayStart = n - k * day;
    const state = fitForecastState(held(values.subarray(0, dayStart), trace.step), {
      horizon: H,
      stepSeconds: trace.step,
    });
    for (let origin = dayStart; origin + H <= dayStart + day; origin += H) {
      const history = values.subarray(0, origin);
      const actual = values.subarray(origin, origin + H);
      const scale = seasonalScale(history, day);
      const start = process.hrtime.bigint();
      const forecast = forecastFromState(state, held(history, trace.step));
      const peak90 = forecast.peak().quantile(0.9);
      forecastSeconds += seconds(start);
      forecasts++;
      for (const [name, f] of [
        ['costscale', forecast.point],
        ['daily', seasonalNaive(history, day, H)],
        ['weekly', seasonalNaive(history, week, H)],
      ]) {
        short[name][0] += smape(actual, f);
        short[name][1] += mae(actual, f) / scale;
      }
      shortInside += coverage(actual, forecast.quantile(0.05), forecast.quantile(0.95));
      shortPoints += H;
      if (Math.max(...actual) <= peak90) peaksCovered++;
    }
  }

  console.log(`\n${trace.name}: ${n} points, last 7 days evaluated, periods detected ${periods || 'none'}`);
  const widths = [38, 10, 10, 12, 12];
  console.log(row(['', 'sMAPE', 'MASE', 'sMAPE ratio', 'MASE ratio'], widths));
  const line = (label, t, base) =>
    console.log(
      row([label, fixed(t[0], 2), fixed(t[1]), fixed(t[0] / base[0]), fixed(t[1] / base[1])], widths),
    );
  line(`day ahead (${origins} origins), costscale`, dayAhead.costscale, dayAhead.daily);
  line('  seasonal naive, daily', dayAhead.daily, dayAhead.daily);
  line('  seasonal naive, weekly', dayAhead.weekly, dayAhead.daily);
  const scaleShort = (t) => [t[0] / forecasts, t[1] / forecasts];
  line(`1 h ahead (${forecasts} origins), costscale`, scaleShort(short.costscale), scaleShort(short.daily));
  line('  seasonal naive, daily', scaleShort(short.daily), scaleShort(short.daily));
  line('  seasonal naive, weekly', scaleShort(short.weekly), scaleShort(short.daily));
  console.log(
    `90 % interval coverage: day ahead ${pct(inside / points)}, 1 h ahead ${pct(shortInside / shortPoints)}; ` +
      `1 h peak ≤ forecast peak q0.9: ${pct(peaksCovered / forecasts)}`,
  );
  console.log(
    `speed: day-ahead fit + forecast ${fixed((1000 * fitSeconds) / origins, 0)} ms per origin; ` +
      `forecast from a fitted state ${fixed((1000 * forecastSeconds) / forecasts, 2)} ms`,
  );
}

const only = argument('only');
if (only !== 'traces') benchM4();
if (only !== 'm4') for (const trace of TRACES) benchTrace(trace);
