'use strict';
// The demo workload's demand: NYC taxi passengers per 30 minutes (NAB, MIT licence; provenance in
// test/fixtures/data/README.md), scaled to requests per second and replayed so that the trace's weekday
// and time of day match the wall clock. The same function drives the backfilled history and the live
// exporter, so the two join without a seam.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const STEP_S = 1800;
const PEAK_RPS = 400;

function loadTrace() {
  const rows = readFileSync(join(__dirname, '..', 'fixtures', 'data', 'nab', 'nyc_taxi.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const firstTs = Date.parse(rows[0].split(',')[0].replace(' ', 'T') + 'Z') / 1000;
  const values = Float64Array.from(rows, (r) => Number(r.split(',')[1]));
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  for (let i = 0; i < values.length; i++) values[i] = (values[i] / max) * PEAK_RPS;
  return { firstTs, values };
}

/** Demand (requests/s) and the request counter's value at epoch second t. */
function makeWorkload(nowS = Date.now() / 1000) {
  const { firstTs, values } = loadTrace();
  const week = 7 * 86400;
  const lengthS = values.length * STEP_S;
  // Shift by whole weeks (keeping weekday and time of day) so "now" falls about three weeks before the
  // trace's end: two weeks of history before it, room to run after it.
  const offset = -Math.round((nowS - (firstTs + lengthS - 3 * week)) / week) * week;
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = prefix[i] + values[i] * STEP_S;

  const position = (t) => (t + offset - firstTs) / STEP_S;
  const rate = (t) => {
    const p = Math.min(Math.max(position(t), 0), values.length - 1.000001);
    const i = Math.floor(p);
    const f = p - i;
    return values[i] * (1 - f) + values[Math.min(i + 1, values.length - 1)] * f;
  };
  // Integral of the step-wise trace from the first point: a counter with a consistent history.
  const total = (t) => {
    const p = Math.min(Math.max(position(t), 0), values.length - 1e-6);
    const i = Math.floor(p);
    return prefix[i] + values[i] * (p - i) * STEP_S;
  };
  return { rate, total };
}

module.exports = { makeWorkload };
