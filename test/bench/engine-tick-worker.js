'use strict';
// Child of engine-tick.bench.ts and engine-memory.bench.ts: runs engine ticks on the compiled adapter
// against the Prometheus the parent started, and prints the figures. Not meant to be run by hand.
// HEAP_SNAPSHOT=<file> writes a heap snapshot after the last tick (what the memory figures came from).
// ALLOC_PROFILE=<file> writes a sampling profile of every allocation (collected ones included) from the
// third tick on (ALLOC_PROFILE_FROM=<tick> from another), in the .heapprofile format DevTools reads:
// where a steady tick's garbage comes from. ALLOC_PROFILE_SURVIVORS=1 keeps only allocations that
// survived a scavenge: what the old generation grows by between full collections.
// CPU_PROFILE=<file> writes a CPU profile of the ticks after the first (.cpuprofile, DevTools reads it).
// TRACE=1 prints, after each tick, its time, RSS, glibc's main heap, V8's heap by space and what the tick
// allocated. After the last tick (on Linux) the RSS by what holds it: glibc's heap, V8's, the rest.
const { join } = require('node:path');
const v8 = require('node:v8');
const inspector = require('node:inspector');
const fs = require('node:fs');

// ADAPTER_DIST measures another build (e.g. the main branch's, for a before/after comparison).
const dist = process.env.ADAPTER_DIST ?? join(__dirname, '..', '..', 'adapter', 'dist');
const { configSchema } = require(join(dist, 'config', 'schema.js'));
const evaluators = require(join(dist, 'engine', 'evaluate.js'));
const { Engine } = require(join(dist, 'engine', 'engine.js'));
const { SnapshotHolder } = require(join(dist, 'snapshot', 'snapshot.js'));
const { PrometheusClient } = require(join(dist, 'sources', 'index.js'));
const { Forecasting } = require(join(dist, 'engine', 'forecasting.js'));
const { fitForecastState, serializeForecastState, deserializeForecastState } = require(
  join(dist, 'forecast', 'index.js'),
);

const POLICIES = Number(process.env.POLICIES);
const TEMPLATES = Number(process.env.TEMPLATES);
const TICKS = Number(process.env.TICKS);
// With BUDGETS=1 every policy belongs to its namespace's budget (one budget per template), so the tick
// also reads each budget's spend and apportions its remainder over its policies.
const BUDGETS = process.env.BUDGETS === '1';
// With FORECAST=1 the engine forecasts every policy as after a restart of a long-running service: each
// policy's model loaded from the store (a distinct copy per policy, parsed from JSON as the store does),
// its 14 days of 5-minute history warm-started from Prometheus. SIMULATED_CLOCK=1 advances the tick
// time by the interval per tick (from a fixed start), so forecast buckets close as they do in service.
const FORECAST = process.env.FORECAST === '1';
// The heap growing factor the service sets at start (engine/heapGrowth.ts), where the build has it.
if (fs.existsSync(join(dist, 'engine', 'heapGrowth.js')))
  require(join(dist, 'engine', 'heapGrowth.js')).boundHeapGrowth();
const SIMULATED_CLOCK = process.env.SIMULATED_CLOCK === '1';
// Every policy's cost per hour (and budgets' spend) is watched for anomalies, as the service does (main.ts
// wires onSignalAnomaly); SIGNALS=0 leaves them out, as the figures measured before it wired them did.
const SIGNALS = process.env.SIGNALS !== '0';
const INTERVAL_SECONDS = 15;
// AGED_WATCHES=<days> starts every 5-minute signal watch (each policy's cost per hour) with a detector that
// has already scored that many days of buckets of a varying cost, each watch its own copy: what a service
// that has run that long holds. The bench's own minutes stay within a detector's first day, whose slots are
// still mostly empty and packed small (a varying cost's watch holds about 1 KiB after an hour, 4.9 KiB
// after eight days: signal-detector-bytes.js).
const AGED_WATCHES_DAYS = Number(process.env.AGED_WATCHES ?? 0);
// IDLE_MS=<ms> waits that long after each tick, as a service idles between ticks (none by default).
const IDLE_MS = Number(process.env.IDLE_MS ?? 0);

/** What the bench reports of a tick's snapshot, and whether each policy's cost per hour changed. */
function readTick(policies, firstCost, costChanged) {
  policies.forEach((p, i) => {
    const c = p.decision?.costPerHour;
    if (c === undefined || i >= POLICIES) return;
    if (Number.isNaN(firstCost[i])) firstCost[i] = c;
    else if (c !== firstCost[i]) costChanged[i] = 1;
  });
  return {
    decided: policies.filter((p) => p.error === undefined).length,
    forecastMode: policies.filter((p) => p.forecast?.mode === 'forecast').length,
  };
}

async function main() {
  const perTemplate = POLICIES / TEMPLATES;
  const policies = [];
  for (let t = 0; t < TEMPLATES; t++) {
    for (let i = 0; i < perTemplate; i++) {
      policies.push({
        name: `svc${i}`,
        namespace: `ns${t}`,
        target: { name: `svc${i}` },
        demand: { query: `sum(bench_requests_${t}{namespace="ns${t}",service="svc${i}"})` },
        capacityPerReplica: 20,
        replicas: { min: 1, max: 50 },
        resources: { cpuCores: 0.5, memoryGiB: 1 },
        ...(BUDGETS && { budget: `team${t}` }),
        forecast: { enabled: FORECAST },
      });
    }
  }
  // As the service loads its file: with the policies' equal parts shared, where the build does that.
  const sharedParts = fs.existsSync(join(dist, 'config', 'sharedParts.js'))
    ? require(join(dist, 'config', 'sharedParts.js')).withSharedPolicyParts
    : (c) => c;
  const config = sharedParts(
    configSchema.parse({
      prometheus: { default: { url: process.env.PROM_URL, timeoutSeconds: 30, cacheSeconds: 0 } },
      policies,
      budgets: BUDGETS
        ? Array.from({ length: TEMPLATES }, (_, t) => ({
            name: `team${t}`,
            period: 'monthly',
            amount: 1_000_000,
            scope: { namespaces: [`ns${t}`] },
          }))
        : [],
    }),
  );
  let requests = 0;
  // Per tick: requests by endpoint and outcome, the slowest, and the circuit's changes.
  let tickRequests = new Map();
  let slowestSeconds = 0;
  let circuitChanges = [];
  const observer = {
    request: ({ endpoint, outcome, durationSeconds }) => {
      requests++;
      const key = `${endpoint} ${outcome}`;
      tickRequests.set(key, (tickRequests.get(key) ?? 0) + 1);
      slowestSeconds = Math.max(slowestSeconds, durationSeconds);
    },
    query: () => undefined,
    circuitStateChanged: (_backend, state) => circuitChanges.push(state),
  };
  const client = new PrometheusClient({ name: 'default', backend: config.prometheus.default, observer });
  const backends = new Map([['default', client]]);
  const startAt = Date.UTC(2026, 10, 2, 12, 0, 7);
  const forecasting = FORECAST
    ? new Forecasting(
        { loadModels: async () => storedModels(config.policies, startAt) },
        config.engine.forecast,
      )
    : undefined;
  // Ticks as the service runs them: the engine publishing into a holder (builds that replace the served
  // snapshot in one step give the engine their evaluator in two parts, createTickEvaluator). Decisions are
  // dropped, as no database is measured.
  const evaluate = (evaluators.createTickEvaluator ?? evaluators.createEvaluator)({
    backends: () => backends,
    ...(forecasting && { forecasting }),
    ...(SIGNALS && { onSignalAnomaly: () => undefined }),
  });
  if (SIGNALS && AGED_WATCHES_DAYS > 0) ageWatches(AGED_WATCHES_DAYS, startAt);
  const holder = new SnapshotHolder();
  let now = startAt;
  let failure;
  const engine = new Engine({
    evaluate,
    holder,
    persist: () => undefined,
    clock: () => now,
    logger: { error: ({ err }) => (failure = err), warn: () => undefined, info: () => undefined },
  });

  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  if (TICKS === 0) {
    globalThis.gc?.();
    console.log(`policies: ${POLICIES} loaded, no tick`);
    console.log(`peak RSS: ${mib(process.memoryUsage().rss)}`);
    console.log(`retained heap: ${mib(v8.getHeapStatistics().used_heap_size)}`);
    console.log(`typed arrays' contents, outside the heap: ${mib(process.memoryUsage().arrayBuffers)}`);
    client.close();
    return;
  }
  let peakRss = process.memoryUsage().rss;
  // The tick's own peak too (TRACE=1 prints it): which ticks set the peak.
  let tickPeakRss = 0;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    tickPeakRss = Math.max(tickPeakRss, rss);
  }, 10);
  const trace = process.env.TRACE === '1' ? allocationTrace() : undefined;
  const durations = [];
  const requestCounts = [];
  const rssAfter = [];
  let decided = 0;
  let forecastMode = 0;
  const engineCpuMs = [];
  const promCpuMs = [];
  const promMiB = [];
  let promBefore = await promStats();
  // How much of the population's cost per hour stays flat over the run (a flat cost's anomaly detector
  // packs small, engine/packedDetector.ts): each policy's first cost per hour and whether it changed.
  const firstCost = new Float64Array(POLICIES).fill(Number.NaN);
  const costChanged = new Uint8Array(POLICIES);
  for (let k = 0; k < TICKS; k++) {
    const before = requests;
    const cpuBefore = process.cpuUsage();
    if (k === Number(process.env.ALLOC_PROFILE_FROM ?? 2) && process.env.ALLOC_PROFILE)
      await allocationProfile.start();
    if (k === 1 && process.env.CPU_PROFILE) await cpuProfile.start();
    now = SIMULATED_CLOCK ? startAt + k * INTERVAL_SECONDS * 1000 : Date.now();
    const start = performance.now();
    await engine.tick(config);
    durations.push(performance.now() - start);
    if (failure !== undefined) throw failure;
    const cpu = process.cpuUsage(cpuBefore);
    engineCpuMs.push((cpu.user + cpu.system) / 1000);
    const promAfter = await promStats();
    // Both reads can fail (the synthetic Prometheus busy): the tick's share is then unknown.
    const promMeasured = promBefore !== undefined && promAfter !== undefined;
    if (promMeasured) {
      promCpuMs.push(promAfter.cpuMs - promBefore.cpuMs);
      promMiB.push((promAfter.bytes - promBefore.bytes) / 2 ** 20);
    }
    promBefore = promAfter;
    if (process.env.TRACE === '1' || process.env.REQUESTS === '1')
      console.log(
        `tick ${k}: ${durations[k].toFixed(0)} ms, engine CPU ${engineCpuMs[k].toFixed(0)} ms${promMeasured ? `, Prometheus CPU ${promCpuMs.at(-1).toFixed(0)} ms for ${promMiB.at(-1).toFixed(0)} MiB of responses` : ''}; requests: ${[...tickRequests].map(([key, n]) => `${key} ${n}`).join(', ')}; slowest ${slowestSeconds.toFixed(1)} s${circuitChanges.length > 0 ? `; circuit ${circuitChanges.join(' → ')}` : ''}`,
      );
    tickRequests = new Map();
    slowestSeconds = 0;
    circuitChanges = [];
    requestCounts.push(requests - before);
    rssAfter.push(process.memoryUsage().rss);
    // Read in a function of its own: a variable of this loop holding the served list would keep it alive
    // through the next tick (an async function keeps its registers across an await), as the engine does not.
    ({ decided, forecastMode } = readTick(holder.current().policies, firstCost, costChanged));
    trace?.tick(k, durations[k], tickPeakRss);
    tickPeakRss = 0;
    // As the service waits out the rest of the interval: V8 may collect while the process is idle.
    if (IDLE_MS > 0) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      trace?.idle(k);
    }
  }
  trace?.stop();
  if (process.env.ALLOC_PROFILE) await allocationProfile.stop(process.env.ALLOC_PROFILE);
  if (process.env.CPU_PROFILE && TICKS > 1) await cpuProfile.stop(process.env.CPU_PROFILE);
  clearInterval(sampler);
  const lastTick = rssBreakdown();
  globalThis.gc?.();
  const retained = v8.getHeapStatistics().used_heap_size;
  // Typed arrays' contents (the forecast history among them) live outside the V8 heap.
  const arrayBuffers = process.memoryUsage().arrayBuffers;
  if (process.env.HEAP_SNAPSHOT) v8.writeHeapSnapshot(process.env.HEAP_SNAPSHOT);
  const previous = holder.current();

  // What reading every explanation costs now that they are rendered on request: the snapshot as the HA
  // endpoint and the stored snapshot write it (builds that keep explanations in the entries have no snapshotJson).
  const { snapshotJson, SNAPSHOT_FORMAT } = require(join(dist, 'snapshot', 'snapshot.js'));
  const { snapshotSchema } = require(join(dist, 'snapshot', 'schema.js'));
  let rendered;
  let compact;
  if (snapshotJson) {
    let start = performance.now();
    const json = snapshotJson(previous, 'rendered');
    rendered = { ms: performance.now() - start, bytes: json.length };
    // Builds with the compact form (format 2): what the leader writes for followers and restarts, and what
    // a follower spends reading it back.
    if (SNAPSHOT_FORMAT !== undefined) {
      start = performance.now();
      const text = snapshotJson(previous, 'compact');
      const ms = performance.now() - start;
      start = performance.now();
      snapshotSchema.parse(JSON.parse(text));
      compact = { ms, bytes: text.length, readMs: performance.now() - start };
    }
  }

  const baseline = [];
  for (let k = 0; k < 5; k++) {
    const start = performance.now();
    for (let t = 0; t < TEMPLATES; t++)
      await client.instant(`sum by (service) (bench_requests_${t})`, { time: Date.now() + k });
    baseline.push(performance.now() - start);
  }
  client.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const steady = durations.slice(1);
  if (decided < POLICIES) console.log(`first error: ${previous.policies.find((p) => p.error)?.error}`);
  console.log(
    `policies: ${POLICIES} over ${TEMPLATES} templates${BUDGETS ? `, each in one of ${TEMPLATES} budgets` : ''}, ticks: ${TICKS}, decided: ${decided}`,
  );
  console.log(`first tick (with warm-start range queries): ${durations[0].toFixed(0)} ms`);
  console.log(`median tick (steady state): ${median(steady).toFixed(0)} ms   (target ≤ 2000 ms)`);
  console.log(
    `baseline, the ${TEMPLATES} demand queries alone: ${median(baseline).toFixed(0)} ms → tick/baseline = ${(median(steady) / median(baseline)).toFixed(2)}`,
  );
  console.log(
    `PromQL requests per tick (steady): ${median(requestCounts.slice(1))} for ${TEMPLATES} demand templates${BUDGETS ? ` and ${TEMPLATES} budgets` : ''} (1 naive request per policy would be ${POLICIES})`,
  );
  if (FORECAST) console.log(`policies served from a trusted forecast after the last tick: ${forecastMode}`);
  console.log(
    `cost per hour the same at every tick: ${POLICIES - costChanged.reduce((a, b) => a + b, 0)} of ${POLICIES} policies`,
  );
  console.log(
    `engine CPU per steady tick (median): ${median(engineCpuMs.slice(1)).toFixed(0)} ms${promCpuMs.length > 1 ? `; the synthetic Prometheus's CPU: ${median(promCpuMs.slice(1)).toFixed(0)} ms for ${median(promMiB.slice(1)).toFixed(0)} MiB of responses` : ''}`,
  );
  console.log(`peak RSS: ${mib(peakRss)}   (target ≤ 300 MB)`);
  // Steady: the median RSS after each tick over the last half of the ticks (after warm start).
  console.log(
    `steady RSS (median after each of the last ${Math.ceil(TICKS / 2)} ticks): ${mib(median(rssAfter.slice(Math.floor(TICKS / 2))))}`,
  );
  if (lastTick) console.log(`RSS after the last tick, by what holds it: ${lastTick}`);
  if (rendered)
    console.log(
      `the snapshot as JSON with every explanation rendered (HA endpoint, stored snapshot): ${rendered.ms.toFixed(0)} ms, ${mib(rendered.bytes)}`,
    );
  if (compact)
    console.log(
      `the snapshot as compact JSON (format 2, for followers and restarts): ${compact.ms.toFixed(0)} ms, ${mib(compact.bytes)}; read back by a follower: ${compact.readMs.toFixed(0)} ms`,
    );
  if (globalThis.gc) {
    console.log(`retained heap after the last tick and a full GC: ${mib(retained)}`);
    console.log(`typed arrays' contents, outside the heap: ${mib(arrayBuffers)}`);
  }
}

/** Resident KiB by mapping (Linux's /proc/self/smaps; undefined elsewhere): glibc's main heap, anonymous, files. */
function rssByMapping() {
  let text;
  try {
    text = fs.readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return undefined;
  }
  const kib = { heap: 0, anonymous: 0, files: 0 };
  let kind;
  for (const line of text.split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+ *(.*)$/.exec(line);
    if (mapping) {
      const path = mapping[1];
      kind =
        path === '[heap]' ? 'heap' : path.startsWith('/') ? 'files' : path === '' ? 'anonymous' : undefined;
      continue;
    }
    const rss = /^Rss: +(\d+) kB/.exec(line);
    if (rss && kind) kib[kind] += Number(rss[1]);
  }
  return kib;
}

/** glibc's main heap as resident (the typed arrays' contents are malloc'd there); 0 where unknown. */
const mallocHeapBytes = () => (rssByMapping()?.heap ?? 0) * 1024;

/**
 * The RSS by what holds it: glibc's main heap (the typed arrays' contents, other mallocs, and what the
 * allocator freed but kept), V8's heap as committed, the other anonymous mappings (glibc's other arenas,
 * large mallocs, stacks) and mapped files (the node binary).
 */
function rssBreakdown() {
  const kib = rssByMapping();
  if (kib === undefined) return undefined;
  const m = process.memoryUsage();
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  return (
    `${mib(m.rss)}: glibc's main heap ${mib(kib.heap * 1024)} (typed arrays' contents ${mib(m.arrayBuffers)}, ` +
    `external ${mib(m.external)}), V8's heap ${mib(m.heapTotal)} committed (${mib(m.heapUsed)} used), other ` +
    `anonymous memory ${mib(Math.max(0, kib.anonymous * 1024 - m.heapTotal))}, mapped files ${mib(kib.files * 1024)}`
  );
}

/** The synthetic Prometheus's own counters (synthetic-prometheus.ts); undefined for a real one. */
async function promStats() {
  try {
    const res = await fetch(`${process.env.PROM_URL}/stats`);
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Per tick: its time, RSS, heap used and committed per V8 space, typed arrays' contents, and the bytes
 * the tick allocated on the heap (from V8's GC profiler: each collection's heap before it less the heap
 * after the one before, plus the growth since the last collection).
 */
function allocationTrace() {
  const profiler = new v8.GCProfiler();
  profiler.start();
  let usedAfterLast = v8.getHeapStatistics().used_heap_size;
  let collections = 0;
  const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
  return {
    tick(k, ms, peakRss) {
      const { statistics } = profiler.stop();
      profiler.start();
      let allocated = 0;
      for (const gc of statistics) {
        allocated += gc.beforeGC.heapStatistics.usedHeapSize - usedAfterLast;
        usedAfterLast = gc.afterGC.heapStatistics.usedHeapSize;
      }
      const used = v8.getHeapStatistics().used_heap_size;
      allocated += used - usedAfterLast;
      usedAfterLast = used;
      collections += statistics.length;
      const spaces = v8
        .getHeapSpaceStatistics()
        .filter((s) => s.space_size > 2 ** 20)
        .map((s) => `${s.space_name.replace('_space', '')} ${mib(s.space_used_size)}/${mib(s.space_size)}`)
        .join(' ');
      const m = process.memoryUsage();
      console.log(
        `tick ${k}: ${ms.toFixed(0)} ms rss ${mib(m.rss)} (peak ${mib(peakRss)}) glibc heap ${mib(mallocHeapBytes())} heap ${mib(m.heapUsed)}/${mib(m.heapTotal)} arrayBuffers ${mib(m.arrayBuffers)} allocated ${mib(allocated)} MiB in ${statistics.length} GCs [${spaces}]`,
      );
    },
    idle(k) {
      const m = process.memoryUsage();
      console.log(`after tick ${k}, idle: rss ${mib(m.rss)} heap ${mib(m.heapUsed)}/${mib(m.heapTotal)}`);
    },
    stop() {
      profiler.stop();
      console.log(`collections: ${collections}`);
    },
  };
}

/** V8's CPU profiler over the inspector, in the .cpuprofile format DevTools reads. */
const cpuProfile = {
  session: undefined,
  async start() {
    this.session = new inspector.Session();
    this.session.connect();
    await allocationProfile.post.call(this, 'Profiler.enable');
    await allocationProfile.post.call(this, 'Profiler.start');
  },
  async stop(file) {
    const { profile } = await allocationProfile.post.call(this, 'Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    this.session.disconnect();
  },
};

/** V8's sampling heap profiler over the inspector, keeping the samples of collected objects too. */
const allocationProfile = {
  session: undefined,
  async start() {
    this.session = new inspector.Session();
    this.session.connect();
    await this.post('HeapProfiler.enable');
    await this.post('HeapProfiler.startSampling', {
      samplingInterval: 64 * 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: process.env.ALLOC_PROFILE_SURVIVORS !== '1',
    });
  },
  async stop(file) {
    const { profile } = await this.post('HeapProfiler.stopSampling');
    fs.writeFileSync(file, JSON.stringify(profile));
    this.session.disconnect();
  },
  post(method, params) {
    return new Promise((resolve, reject) =>
      this.session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
    );
  },
};

/**
 * Makes every new 5-minute watch start from a detector aged `days` (AGED_WATCHES): 64 watches fed a daily
 * cycle of cost with noise (as signal-detector-bytes.js's varying cost) up to the bucket `startAt` falls
 * in, their packed detectors then handed out in turn, each a copy of its own: a string, or in a build whose
 * watcher holds them in its scorer's slab (engine/packedSlab.ts), bytes written there, as a watch scored
 * since a start holds them. It replaces the watcher's private `newDetector` (engine/signalAnomalies.ts),
 * so it measures any build that has one.
 */
function ageWatches(days, startAt) {
  const { SignalAnomalies } = require(join(dist, 'engine', 'signalAnomalies.js'));
  const stepMs = 300_000;
  const buckets = Math.round(days * 288);
  const first = Math.floor(startAt / stepMs) * stepMs - buckets * stepMs;
  const noise = (i, k) => {
    const x = Math.sin(i * 12.9898 + k * 78.233) * 43758.5453;
    return x - Math.floor(x) - 0.5;
  };
  const watcher = new SignalAnomalies(() => undefined);
  const samples = Array.from({ length: 64 }, (_, i) => ({
    namespace: 'aged',
    owner: `w${i}`,
    signal: 'cost-per-hour',
    value: 0,
    stepMs,
  }));
  // Each observe closes the bucket before: the last closes the one before `startAt`'s.
  for (let k = 0; k <= buckets; k++) {
    for (let i = 0; i < samples.length; i++)
      samples[i].value =
        Math.max(1, 4 + 2 * Math.sin((2 * Math.PI * k) / 288 + i) + 2 * noise(i, k)) * 0.0789;
    watcher.observe(samples, first + k * stepMs);
  }
  const slabOf = (w) => w.scorer?.slab;
  const aged = [...watcher.watched.values()].map(({ detector: d }) => {
    if (typeof d === 'string') return d;
    if (typeof d !== 'number') throw new Error('AGED_WATCHES: a detector was not packed');
    const text = Buffer.alloc(slabOf(watcher).length(d));
    slabOf(watcher).read(d, text);
    return text.toString('latin1');
  });
  const newDetector = SignalAnomalies.prototype.newDetector;
  if (typeof newDetector !== 'function') throw new Error('AGED_WATCHES: this build has no newDetector');
  let next = 0;
  SignalAnomalies.prototype.newDetector = function (step) {
    if (step !== stepMs) return newDetector.call(this, step);
    const text = Buffer.from(aged[next++ % aged.length], 'latin1');
    return slabOf(this) === undefined ? text.toString('latin1') : slabOf(this).write(text, text.length);
  };
  const bytes = aged.reduce((sum, d) => sum + d.length, 0) / aged.length;
  console.log(
    `watches aged ${days} days: ${(bytes / 1024).toFixed(2)} KiB packed a detector (mean of ${aged.length})`,
  );
}

/** One fitted model, stored once per policy as a restart reads them from the store. */
function storedModels(policies, now) {
  const stepMs = 300_000;
  const history = Float64Array.from({ length: 14 * 288 }, (_, i) => {
    const t = now - (14 * 288 - i) * stepMs;
    const x = Math.sin((t / 1000) * 12.9898) * 43758.5453;
    return 60 * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 86_400_000)) + 18 * (x - Math.floor(x) - 0.5);
  });
  const text = serializeForecastState(
    fitForecastState(history, { horizon: 12, stepSeconds: 300, nowMs: now }),
  );
  return new Map(policies.map((p) => [`${p.namespace}/${p.name}`, deserializeForecastState(text)]));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
