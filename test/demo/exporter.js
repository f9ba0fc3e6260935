'use strict';
// Demo workload exporter. `node exporter.js backfill FILE DAYS` writes the history as OpenMetrics for
// `promtool tsdb create-blocks-from openmetrics`; `node exporter.js serve PORT` serves live values.
const { createServer } = require('node:http');
const { writeFileSync } = require('node:fs');
const { makeWorkload } = require('./trace');

// job and instance are part of the exposed labels (scraped with honor_labels) so that the backfilled
// history and the live samples are one series.
const LABELS = 'job="demo-workload",instance="demo",namespace="shop",service="checkout"';
// p99 latency of a fixed fleet: flat until 80 % of its 300 req/s, then rising; it lets the demo show
// the SLO guard acting at peaks.
const latency = (rps) => 0.08 + 0.4 * Math.max(0, rps / 300 - 0.8);

function backfill(file, days) {
  const w = makeWorkload();
  const end = Math.floor(Date.now() / 1000 / 60) * 60 - 60;
  const start = end - days * 86400;
  const counter = ['# TYPE http_requests counter'];
  const gauge = ['# TYPE http_request_duration_p99_seconds gauge'];
  for (let t = start; t <= end; t += 60) {
    counter.push(`http_requests_total{${LABELS}} ${w.total(t).toFixed(3)} ${t}`);
    gauge.push(`http_request_duration_p99_seconds{${LABELS}} ${latency(w.rate(t)).toFixed(4)} ${t}`);
  }
  writeFileSync(file, [...counter, ...gauge, '# EOF', ''].join('\n'));
}

function serve(port) {
  const w = makeWorkload();
  createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const now = Date.now() / 1000;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(
      [
        '# TYPE http_requests_total counter',
        `http_requests_total{${LABELS}} ${w.total(now).toFixed(3)}`,
        '# TYPE http_request_duration_p99_seconds gauge',
        `http_request_duration_p99_seconds{${LABELS}} ${latency(w.rate(now)).toFixed(4)}`,
        '',
      ].join('\n'),
    );
  }).listen(Number(port), '127.0.0.1');
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 'backfill') backfill(a, Number(b ?? 14));
else if (mode === 'serve') serve(a);
else {
  console.error('usage: exporter.js backfill FILE DAYS | serve PORT');
  process.exit(2);
}
