// External Metrics API throughput and latency over TLS, against a bare Node https server answering a
// fixed body of the same size, measured in the same run.
//  1. wrk (1 thread, 16 connections, keep-alive) on the value-list endpoint, bearer-token
//     authenticated with warm TokenReview/SubjectAccessReview caches, alternating with the bare server:
//     requests/s, ratio, p50/p99, and each server's CPU time per request (the ratio that other load
//     on a shared machine does not disturb).
//  2. An open-loop generator at a fixed 1,000 requests/s, in short segments alternating between the two
//     servers so both meet the same background load; latency counts from each request's scheduled send
//     time, so queueing in the client or server is not hidden: p50/p99/max.
// Each server runs in its own child process. Run: npx tsc -b adapter && node test/bench/external-metrics-wrk.js
const { fork, spawnSync } = require('node:child_process');
const https = require('node:https');

const NAMESPACES = 20;
const POLICIES = 400;
const TOKEN = 'bench-token';
const PATH =
  '/apis/external.metrics.k8s.io/v1beta1/namespaces/ns-7/costscale_replicas?labelSelector=policy%3Dpolicy-7';
const WRK_SECONDS = Number(process.env.WRK_SECONDS ?? 6);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const FIXED_RATE = 1000;
const FIXED_SECONDS = 2;
const FIXED_SEGMENTS = Number(process.env.FIXED_SEGMENTS ?? 5);

// ---- child processes: the servers ----

async function serveCostscale() {
  const { createApiServer } = require('../../adapter/dist/server/external-metrics');
  const { SnapshotHolder } = require('../../adapter/dist/snapshot/snapshot');
  const now = Date.now();
  const policies = Array.from({ length: POLICIES }, (_, i) => ({
    name: `policy-${i}`,
    namespace: `ns-${i % NAMESPACES}`,
    labels: { policy: `policy-${i}`, team: `team-${i % 7}` },
    allowedNamespaces: [],
    values: {
      costscale_replicas: 3 + (i % 17),
      costscale_load: 2.5 + i / 1000,
      costscale_cost_per_hour: 0.0316 * (i + 1),
      costscale_budget_pressure: 0,
      costscale_forecast_demand: 1234.5678 + i,
    },
    valuesAt: now,
  }));
  // The Kubernetes API seam answered in-process: with warm caches it is consulted every 10 s only.
  const kubeApi = {
    createTokenReview: async ({ token }) =>
      token === TOKEN
        ? {
            authenticated: true,
            user: {
              username: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
              groups: ['system:serviceaccounts'],
            },
          }
        : { authenticated: false },
    createSubjectAccessReview: async () => ({ allowed: true }),
    readConfigMap: async () => ({}),
  };
  const api = await createApiServer({
    snapshot: new SnapshotHolder({ generatedAt: now, tick: 1, policies }),
    tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
    auth: { mode: 'delegated', kubeApi },
    stalenessMs: 3600_000,
  });
  const { port } = await api.listen(0, '127.0.0.1');
  answerCpuQueries();
  process.send({ port });
}

/** The parent asks for CPU time used so far, to divide by the requests a run served. */
function answerCpuQueries() {
  process.on('message', (m) => {
    if (m === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ cpuMicros: user + system });
    }
  });
}

async function serveBare(bodyLength) {
  const { generateServingCertificate } = require('../../adapter/dist/server/tls');
  const { cert, key } = await generateServingCertificate('bare', 'bench', new Date());
  const body = `${'x'.repeat(bodyLength - 1)}\n`;
  const server = https.createServer({ cert, key, minVersion: 'TLSv1.2' }, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  });
  answerCpuQueries();
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}

// ---- load generators ----

function get(port, headers) {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: PATH, headers, rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

function toMs(text) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

function wrk(port, seconds) {
  const out = spawnSync(
    'wrk',
    [
      '-t1',
      '-c16',
      `-d${seconds}s`,
      '--latency',
      '-H',
      `Authorization: Bearer ${TOKEN}`,
      `https://127.0.0.1:${port}${PATH}`,
    ],
    { encoding: 'utf8' },
  );
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`);
  const text = out.stdout;
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} error responses:\n${text}`);
  return {
    requests: Number(/(\d+) requests in/.exec(text)[1]),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)[1]),
    p50: toMs(/\s50%\s+(\S+)/.exec(text)[1]),
    p99: toMs(/\s99%\s+(\S+)/.exec(text)[1]),
  };
}

/** Open loop: request i is due at start + i/rate, whether or not earlier ones have returned. */
function fixedRate(port, headers, rate, seconds) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false });
  const total = rate * seconds;
  const latencies = [];
  let issued = 0;
  let errors = 0;
  return new Promise((resolve) => {
    const start = performance.now();
    const finish = () => {
      if (latencies.length + errors < total) return;
      agent.destroy();
      resolve({ latencies, errors, seconds: (performance.now() - start) / 1000 });
    };
    const send = (scheduled) => {
      https
        .get({ host: '127.0.0.1', port, path: PATH, headers, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - scheduled);
            else errors++;
            finish();
          });
        })
        .on('error', () => {
          errors++;
          finish();
        });
    };
    const pump = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
      while (issued < due) send(start + (issued++ * 1000) / rate);
      if (issued < total) setTimeout(pump, 1);
    };
    pump();
  });
}

function summary(segments) {
  const latencies = segments.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const seconds = segments.reduce((a, s) => a + s.seconds, 0);
  return {
    achieved: latencies.length / seconds,
    p50: q(0.5),
    p99: q(0.99),
    max: latencies.at(-1),
    errors: segments.reduce((a, s) => a + s.errors, 0),
  };
}

function startChild(role, arg) {
  const child = fork(module.filename, [role, String(arg ?? '')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const cpuMicros = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m.cpuMicros));
      child.send('cpu');
    });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: m.port, cpuMicros }));
    child.once('exit', (code) => reject(new Error(`${role} server exited ${code}`)));
  });
}

/** A wrk run plus the server CPU time it cost per request (robust to other load on the machine). */
async function measured(server, seconds) {
  const before = await server.cpuMicros();
  const run = wrk(server.port, seconds);
  const after = await server.cpuMicros();
  return { ...run, cpuPerRequest: (after - before) / run.requests };
}

const fmt = (ms) => `${ms.toFixed(2)} ms`;
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main() {
  const costscale = await startChild('costscale');
  const headers = { Authorization: `Bearer ${TOKEN}` };
  const sample = await get(costscale.port, headers);
  if (sample.status !== 200) throw new Error(`costscale answered ${sample.status}: ${sample.body}`);
  const bare = await startChild('bare', Buffer.byteLength(sample.body));
  const check = await get(bare.port, {});
  console.log(
    `value-list body: ${Buffer.byteLength(sample.body)} bytes (bare server: ${Buffer.byteLength(check.body)} bytes)`,
  );

  try {
    // Warm-up: JIT, TLS sessions, token and access-review caches.
    wrk(bare.port, 2);
    wrk(costscale.port, 2);
    const runs = { bare: [], costscale: [] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.bare.push(await measured(bare, WRK_SECONDS));
      runs.costscale.push(await measured(costscale, WRK_SECONDS));
    }
    console.log(`\nwrk -t1 -c16 -d${WRK_SECONDS}s, ${ROUNDS} alternating rounds, keep-alive TLS:`);
    for (const [name, list] of Object.entries(runs)) {
      const rps = mean(list.map((r) => r.rps)).toFixed(0);
      const rounds = list.map((r) => r.rps.toFixed(0)).join(', ');
      console.log(
        `  ${name.padEnd(10)} ${rps.padStart(7)} req/s   p50 ${fmt(mean(list.map((r) => r.p50)))}   p99 ${fmt(mean(list.map((r) => r.p99)))}   (rounds: ${rounds})`,
      );
    }
    const ratio = mean(runs.costscale.map((r) => r.rps)) / mean(runs.bare.map((r) => r.rps));
    console.log(`  throughput ratio costscale / bare: ${ratio.toFixed(2)} (target ≥ 0.70)`);
    const cpuBare = mean(runs.bare.map((r) => r.cpuPerRequest));
    const cpuCostscale = mean(runs.costscale.map((r) => r.cpuPerRequest));
    console.log(
      `  server CPU per request: bare ${cpuBare.toFixed(1)} µs, costscale ${cpuCostscale.toFixed(1)} µs; CPU-bound throughput ratio ${(cpuBare / cpuCostscale).toFixed(2)}`,
    );

    console.log(
      `\nopen loop at ${FIXED_RATE} req/s, ${FIXED_SEGMENTS} alternating segments of ${FIXED_SECONDS} s per server (latency from scheduled send time):`,
    );
    await fixedRate(bare.port, {}, FIXED_RATE, 1);
    await fixedRate(costscale.port, headers, FIXED_RATE, 1);
    const fixed = { bare: [], costscale: [] };
    for (let segment = 0; segment < FIXED_SEGMENTS; segment++) {
      fixed.bare.push(await fixedRate(bare.port, {}, FIXED_RATE, FIXED_SECONDS));
      fixed.costscale.push(await fixedRate(costscale.port, headers, FIXED_RATE, FIXED_SECONDS));
    }
    for (const [name, segments] of Object.entries(fixed)) {
      const r = summary(segments);
      console.log(
        `  ${name.padEnd(10)} achieved ${r.achieved.toFixed(0)} req/s   p50 ${fmt(r.p50)}   p99 ${fmt(r.p99)}   max ${fmt(r.max)}   errors ${r.errors}`,
      );
      if (name === 'costscale') console.log(`  costscale p99 < 5 ms: ${r.p99 < 5 ? 'yes' : 'no'}`);
    }
  } finally {
    costscale.child.kill();
    bare.child.kill();
  }
}

const [role, arg] = process.argv.slice(2);
if (role === 'costscale') serveCostscale();
else if (role === 'bare') serveBare(Number(arg));
else
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
