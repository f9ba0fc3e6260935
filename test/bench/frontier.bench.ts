// Cost-vs-SLO frontier benchmark (not a test): costscale at every SLO-miss cost v against a CPU HPA at
// every target, on public demand traces, through the faithful what-if (adapter/src/simulate: the live
// decision path and both metric pipelines), with a perfect-foresight oracle as the lower bound.
//
//   node -r ./test/bench/swc-register.cjs test/bench/frontier.bench.ts [--only elb,taxi] [--days 7]
//       [--readiness 30,120,300] [--jobs 2] [--out test/bench/out/frontier] [--v 0.03,0.1,…] [--report]
//
// Workload per trace, as /work/shared/tools/trace-frontier.py set it up: one replica serves 1/20 of the
// trace's 99th-percentile demand (κ), 1 CPU + 2 GiB per replica at the default price book, replicas
// 1–1000; readiness delays 30 s, 2 min and 5 min. costscale runs at v ∈ {0.03 … 1000} with the policy
// defaults otherwise (forecasting on); the HPA at CPU targets 0.4–0.9 and scale-down windows 300 s (the
// controller's default: HPA-70 is the reference point), 120, 60 and 0 s, its CPU capped at 1.0 of the
// request (and, as a sensitivity, at 1.5). Every HPA — costscale's and the baselines' — has the cluster
// default tolerance 0.1. The HPA reading costscale has the scale-down window deploy/examples/hpa.yaml
// recommends, as every what-if does (COSTSCALE_HPA_SCALE_DOWN_WINDOW_SECONDS, 0 s); the baselines are
// swept over the windows a user could set. The oracle runs ⌈demand/κ⌉ replicas at every 15 s step with no delay.
//
// Reported per trace and readiness: HPA-70's cost and SLO-miss minutes; costscale's cost at HPA-70's
// misses on its frontier (linear between neighbouring settings), relative to HPA-70; the oracle's; the
// share of the HPA-70 → oracle gap costscale closes; the best swept HPA's cost at those misses, and
// costscale's relative to it; whether costscale's frontier dominates the swept HPA's (for every HPA
// setting a costscale point with no more misses and no more cost); then the medians. An
// SVG of both frontiers and the figures of each trace (`<trace>.json`) go to the output folder; --report
// summarises the saved figures without running. Traces are cut to their first --days days.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policySchema, priceBookSchema } from '../../adapter/src/config/schema';
import {
  costAtMisses,
  costscaleScenario,
  DEFAULT_PIPELINE,
  dominates,
  forecastShare,
  frontier,
  gapClosed,
  observeForCostscale,
  parseTimestamp,
  perfectForesightReplicaHours,
  policyCostPerReplicaHour,
  simulate,
  workloadFromPolicy,
  type DemandTrace,
  type FrontierPoint,
  type Scenario,
} from '../../adapter/src/simulate';

const ROOT = join(__dirname, '..', '..');
const DATA = join(ROOT, 'test', 'fixtures', 'data');
const STEP_MS = 15_000;
const HPA_TARGETS = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/**
 * The baselines' `behavior.scaleDown.stabilizationWindowSeconds`: the controller's default first, then
 * shorter ones a user could set. A shorter window alone buys 10–21 % at a CPU HPA's own miss minutes on
 * most traces at 30 s readiness, so the best HPA a user could configure is swept over both.
 */
const HPA_SCALE_DOWN_WINDOWS = [300, 120, 60, 0];
/**
 * costscale's v, as dense as the HPA's 24 settings: the 1–3 steps of a half decade with 2 and 5 between
 * (the frontier is linear between neighbouring settings, which overstates a convex one's cost between
 * settings a decade apart: at 2 min readiness four loose-end HPA settings sat within 0.5 % of that line),
 * and on to 1,000 at the strict end (NASA's HPA-40 misses 4.8 minutes at 2 min readiness, fewer than v = 100's
 * 8.7; v = 1,000 misses 3.9 for 0.77× its cost). `--v` sets another sweep (the one before: 0.03,0.1,0.3,1,3,10,30,100).
 */
const SLO_MISS_COSTS = (argument('v') ?? '0.03,0.1,0.2,0.3,0.5,1,2,3,5,10,20,30,50,100,300,1000')
  .split(',')
  .map(Number);
const CPU_CAPS = [1, 1.5];

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// ---- traces ----

function csvRows(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(','));
}

/** A trace from samples; a sample not later than the one before (clock changes in NAB files) is dropped. */
function traceOf(times: number[], values: number[]): DemandTrace {
  const keep = times.flatMap((t, i) => (i === 0 || t > (times[i - 1] as number) ? [i] : []));
  return {
    timesMs: Float64Array.from(keep, (i) => times[i] as number),
    demand: Float64Array.from(keep, (i) => values[i] as number),
  };
}

/** NASA-HTTP: per-second request counts, averaged over 5 minutes (requests/s). */
function nasa(): DemandTrace {
  const dir = mkdtempSync(join(tmpdir(), 'costscale-nasa-'));
  try {
    execFileSync('tar', ['-xjf', join(DATA, 'traces', 'workload.tbz2'), '-C', dir]);
    const counts = readFileSync(join(dir, 'workload.txt'), 'utf8').split(/\s+/).filter(Boolean).map(Number);
    const start = Date.UTC(1995, 6, 1);
    const times: number[] = [];
    const values: number[] = [];
    for (let i = 0; i + 300 <= counts.length; i += 300) {
      let sum = 0;
      for (let s = i; s < i + 300; s++) sum += counts[s] as number;
      times.push(start + i * 1000);
      values.push(sum / 300);
    }
    return traceOf(times, values);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function azure(): DemandTrace {
  const rows = csvRows(join(DATA, 'traces', 'vm_cpu_readings_month_aggregated_cpu_mem.csv'));
  const start = Date.UTC(2019, 0, 1);
  return traceOf(
    rows.map((r) => start + Number(r[0]) * 1000),
    rows.map((r) => Number(r[1])),
  );
}

function google(): DemandTrace {
  const rows = csvRows(join(DATA, 'traces', 'instance_usage_grouped_300_seconds_month.csv'));
  const start = Date.UTC(2019, 4, 1);
  return traceOf(
    rows.map((_, i) => start + i * 300_000),
    rows.map((r) => Number(r[0])),
  );
}

/** A NAB series (`timestamp,value`) read as counts per 5 minutes, as trace-frontier.py reads it. */
function nab(file: string): () => DemandTrace {
  return () => {
    const rows = csvRows(join(DATA, 'nab', file));
    return traceOf(
      rows.map((r) => parseTimestamp(r[0] as string)),
      rows.map((r) => Number(r[1]) / 300),
    );
  };
}

const TRACES: Record<string, { load: () => DemandTrace; kind: string }> = {
  nasa: { load: nasa, kind: 'web requests, daily' },
  azure: { load: azure, kind: 'VM CPU, daily' },
  google: { load: google, kind: 'cluster CPU' },
  taxi: { load: nab('nyc_taxi.csv'), kind: 'passengers, daily' },
  elb: { load: nab('elb_request_count_8c0756.csv'), kind: 'requests, bursty' },
  'net-257a54': {
    load: nab('ec2_network_in_257a54.csv'),
    kind: 'network, spiky',
  },
  'net-5abac7': {
    load: nab('ec2_network_in_5abac7.csv'),
    kind: 'network, intermittent',
  },
  'disk-1ef3de': {
    load: nab('ec2_disk_write_bytes_1ef3de.csv'),
    kind: 'disk writes, intermittent',
  },
  'occ-6005': { load: nab('occupancy_6005.csv'), kind: 'road occupancy' },
  'occ-t4013': { load: nab('occupancy_t4013.csv'), kind: 'road occupancy' },
};

function firstDays(trace: DemandTrace, days: number): DemandTrace {
  const end = (trace.timesMs[0] as number) + days * 86_400_000;
  let n = 0;
  while (n < trace.timesMs.length && (trace.timesMs[n] as number) < end) n++;
  return {
    timesMs: trace.timesMs.slice(0, n),
    demand: trace.demand.slice(0, n),
  };
}

/** numpy's default (linear) quantile, as trace-frontier.py computed κ. */
function quantile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  const x = p * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (x - lo);
}

// ---- one trace ----

/** `0.7` for the controller's default scale-down window, `0.7 ↓60s` for another. */
const hpaLabel = (target: number, windowSeconds: number): string =>
  windowSeconds === HPA_SCALE_DOWN_WINDOWS[0] ? String(target) : `${target} ↓${windowSeconds}s`;
const HPA70 = hpaLabel(0.7, HPA_SCALE_DOWN_WINDOWS[0] as number);

interface Setting {
  readonly label: string;
  readonly misses: number;
  readonly cost: number;
}

interface ReadinessResult {
  readonly readinessSeconds: number;
  readonly hpa: Record<string, Setting[]>;
  readonly costscale: Setting[];
  readonly oracleCost: number;
}

interface TraceResult {
  readonly name: string;
  readonly kind: string;
  readonly days: number;
  readonly capacity: number;
  readonly forecastShare: number;
  readonly seconds: number;
  readonly readiness: ReadinessResult[];
}

function runTrace(name: string, days: number, readinessList: number[]): TraceResult {
  const started = performance.now();
  const spec = TRACES[name];
  if (spec === undefined) throw new Error(`unknown trace ${name}`);
  const trace = firstDays(spec.load(), days);
  const capacity = quantile(trace.demand, 0.99) / 20;
  const book = priceBookSchema.parse({});
  const observation = observeForCostscale(trace, STEP_MS, 'linear', DEFAULT_PIPELINE);
  const readiness = readinessList.map((seconds): ReadinessResult => {
    const policyAt = (v: number) =>
      policySchema.parse({
        name: `${name}-v${v}`.replace(/[^a-z0-9-]/g, '-'),
        namespace: 'bench',
        target: { name: 'bench' },
        demand: { query: 'demand' },
        capacityPerReplica: capacity,
        sloMissCostPerHour: v,
        replicas: { min: 1, max: 1000 },
        readinessDelaySeconds: seconds,
        resources: { cpuCores: 1, memoryGiB: 2 },
      });
    const first = policyAt(1);
    const workload = workloadFromPolicy(first, policyCostPerReplicaHour(first, book));
    const price = workload.costPerReplicaHour as number;
    const run = (scenario: Scenario, cpuCap = 1): Setting => {
      const r = simulate(trace, workload, scenario, {
        syncPeriodMs: STEP_MS,
        cpuUtilizationCap: cpuCap,
      });
      return {
        label: scenario.name,
        misses: r.sloMissMinutes,
        cost: r.cost as number,
      };
    };
    const hpa = Object.fromEntries(
      CPU_CAPS.map((cap) => [
        String(cap),
        HPA_SCALE_DOWN_WINDOWS.flatMap((window) =>
          HPA_TARGETS.map((target) =>
            run(
              {
                name: hpaLabel(target, window),
                kind: 'hpa-cpu',
                targetUtilization: target,
                behavior: { scaleDown: { stabilizationWindowSeconds: window } },
              },
              cap,
            ),
          ),
        ),
      ]),
    );
    const costscale = SLO_MISS_COSTS.map((v) =>
      run(
        costscaleScenario(policyAt(v), workload, observation, {
          name: String(v),
        }),
      ),
    );
    const oracleCost = perfectForesightReplicaHours(trace, capacity, STEP_MS, 1) * price;
    return { readinessSeconds: seconds, hpa, costscale, oracleCost };
  });
  // One forecast track serves every readiness delay (the fit horizon is 12 buckets for all of them).
  const share = forecastShare(
    observation.forecast({
      stepSeconds: 300,
      refitHours: 6,
      coverageMargin: 0.1,
      fitHorizon: 12,
    }),
  );
  return {
    name,
    kind: spec.kind,
    days: ((trace.timesMs[trace.timesMs.length - 1] as number) - (trace.timesMs[0] as number)) / 86_400_000,
    capacity,
    forecastShare: share,
    seconds: (performance.now() - started) / 1000,
    readiness,
  };
}

// ---- figures ----

interface Verdict {
  readonly hpa70Cost: number;
  readonly hpa70Misses: number;
  /** costscale's cost at HPA-70's misses / HPA-70's cost; undefined when no setting misses that little. */
  readonly ratio: number | undefined;
  readonly oracleRatio: number;
  readonly gapClosed: number | undefined;
  /** The best swept HPA's cost at HPA-70's misses / HPA-70's cost (what tuning the HPA alone buys). */
  readonly bestHpaRatio: number;
  /** costscale's cost at HPA-70's misses / the best swept HPA's there. */
  readonly ratioToBestHpa: number | undefined;
  /** For every swept HPA setting (targets × scale-down windows), a costscale point no worse in both. */
  readonly dominates: boolean;
}

const points = (settings: Setting[]): FrontierPoint[] =>
  settings.map((s) => ({ misses: s.misses, cost: s.cost, label: s.label }));

function verdict(r: ReadinessResult, cap: string): Verdict {
  const hpa = r.hpa[cap] as Setting[];
  const base = hpa.find((s) => s.label === HPA70) as Setting;
  const front = frontier(points(r.costscale));
  const at70 = costAtMisses(front, base.misses);
  const bestHpa = costAtMisses(frontier(points(hpa)), base.misses) as number;
  return {
    hpa70Cost: base.cost,
    hpa70Misses: base.misses,
    ratio: at70 === undefined ? undefined : at70 / base.cost,
    oracleRatio: r.oracleCost / base.cost,
    gapClosed: gapClosed(at70, base.cost, r.oracleCost),
    bestHpaRatio: bestHpa / base.cost,
    ratioToBestHpa: at70 === undefined ? undefined : at70 / bestHpa,
    dominates: dominates(front, points(hpa)),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = (s.length - 1) / 2;
  return ((s[Math.floor(mid)] as number) + (s[Math.ceil(mid)] as number)) / 2;
}

const fmt = (x: number | undefined, digits = 3): string => (x === undefined ? 'none' : x.toFixed(digits));
const pad = (text: string, width: number, left = false) => (left ? text.padEnd(width) : text.padStart(width));

// ---- SVG ----

/** Both frontiers per readiness delay, side by side: SLO-miss minutes (log1p axis) against cost / HPA-70. */
function svg(result: TraceResult): string {
  const panelW = 300;
  const panelH = 240;
  const m = { left: 48, top: 34, right: 12, bottom: 40 };
  const width = result.readiness.length * panelW;
  const height = panelH + 40;
  const parts: string[] = [];
  result.readiness.forEach((r, p) => {
    const base = (r.hpa['1'] as Setting[]).find((s) => s.label === HPA70) as Setting;
    const all = [...(r.hpa['1'] as Setting[]), ...r.costscale];
    const maxX = Math.log1p(Math.max(1, ...all.map((s) => s.misses)));
    const ys = [...all.map((s) => s.cost / base.cost), r.oracleCost / base.cost];
    const minY = Math.min(...ys) * 0.95;
    const maxY = Math.min(Math.max(...ys), 3) * 1.02;
    const x0 = p * panelW + m.left;
    const w = panelW - m.left - m.right;
    const h = panelH - m.top - m.bottom;
    const X = (misses: number) => x0 + (Math.log1p(misses) / maxX) * w;
    const Y = (ratio: number) => m.top + (1 - (Math.min(ratio, maxY) - minY) / (maxY - minY)) * h;
    parts.push(
      `<text x="${x0}" y="18" font-size="12" font-weight="bold">${r.readinessSeconds} s readiness</text>`,
      `<rect x="${x0}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
      `<text x="${x0 + w / 2}" y="${m.top + h + 28}" font-size="10" text-anchor="middle">SLO-miss minutes (log scale)</text>`,
      `<text x="${x0 - 36}" y="${m.top + h / 2}" font-size="10" transform="rotate(-90 ${x0 - 36} ${m.top + h / 2})" text-anchor="middle">cost / HPA-70</text>`,
    );
    for (const tick of [0, 10, 100, 1000, 10_000]) {
      if (Math.log1p(tick) > maxX) continue;
      parts.push(
        `<text x="${X(tick)}" y="${m.top + h + 12}" font-size="9" text-anchor="middle">${tick}</text>`,
      );
    }
    for (const ratio of [minY, 1, maxY]) {
      parts.push(
        `<text x="${x0 - 4}" y="${Y(ratio) + 3}" font-size="9" text-anchor="end">${ratio.toFixed(2)}</text>`,
      );
    }
    parts.push(
      `<line x1="${x0}" x2="${x0 + w}" y1="${Y(r.oracleCost / base.cost)}" y2="${Y(r.oracleCost / base.cost)}" stroke="#2a2" stroke-dasharray="4 3"/>`,
    );
    const series: Array<[Setting[], string, string]> = [
      [r.hpa['1'] as Setting[], '#1f77b4', 'HPA '],
      [r.costscale, '#ff7f0e', 'v='],
    ];
    for (const [settings, colour, prefix] of series) {
      const front = frontier(points(settings));
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${front
          .map((q) => `${X(q.misses).toFixed(1)},${Y(q.cost / base.cost).toFixed(1)}`)
          .join(' ')}"/>`,
      );
      for (const s of settings) {
        parts.push(
          `<circle cx="${X(s.misses).toFixed(1)}" cy="${Y(s.cost / base.cost).toFixed(1)}" r="2.5" fill="${colour}"><title>${prefix}${s.label}: ${s.misses.toFixed(1)} min, ${(s.cost / base.cost).toFixed(3)}×</title></circle>`,
        );
      }
    }
  });
  const legendY = height - 8;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...parts,
    `<text x="10" y="${legendY}" font-size="10"><tspan fill="#1f77b4">● CPU HPA, targets 0.4–0.9 × scale-down windows ${HPA_SCALE_DOWN_WINDOWS.join('/')} s</tspan>   <tspan fill="#ff7f0e">● costscale, v = 0.03–100</tspan>   <tspan fill="#2a2">– – perfect-foresight oracle</tspan>   trace ${result.name} (${result.kind}), ${result.days.toFixed(1)} days</text>`,
    `</svg>`,
    '',
  ].join('\n');
}

// ---- main ----

async function childResult(name: string, days: number, readiness: number[]): Promise<TraceResult> {
  const args = [
    '-r',
    join(__dirname, 'swc-register.cjs'),
    __filename,
    '--child',
    name,
    '--days',
    String(days),
    '--v',
    SLO_MISS_COSTS.join(','),
  ];
  args.push('--readiness', readiness.join(','));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as TraceResult) : reject(new Error(`${name}: exit ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const days = Number(argument('days') ?? 7);
  const readiness = (argument('readiness') ?? '30,120,300').split(',').map(Number);
  const outDir = argument('out') ?? join(ROOT, 'test', 'bench', 'out', 'frontier');
  mkdirSync(outDir, { recursive: true });
  const child = argument('child');
  if (child !== undefined) {
    const result = runTrace(child, days, readiness);
    // Each trace's figures are kept as soon as they exist, so `--report` can summarise a partial run.
    writeFileSync(join(outDir, `${child}.json`), JSON.stringify(result));
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const names = (argument('only') ?? Object.keys(TRACES).join(',')).split(',');
  const jobs = Math.max(1, Number(argument('jobs') ?? 1));
  const report = process.argv.includes('--report');

  const results: TraceResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, names.length) }, async () => {
      while (next < names.length) {
        const name = names[next++] as string;
        const saved = join(outDir, `${name}.json`);
        let r: TraceResult;
        if (report) {
          if (!existsSync(saved)) continue;
          r = JSON.parse(readFileSync(saved, 'utf8')) as TraceResult;
        } else {
          r = jobs > 1 ? await childResult(name, days, readiness) : runTrace(name, days, readiness);
          writeFileSync(saved, JSON.stringify(r));
          console.error(`${name}: ${r.days.toFixed(1)} days in ${r.seconds.toFixed(0)} s`);
        }
        writeFileSync(join(outDir, `${name}.svg`), svg(r));
        results.push(r);
      }
    }),
  );
  results.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));

  const header = [
    pad('trace', 12, true),
    pad('forecast', 8),
    pad('HPA-70 $', 9),
    pad('miss min', 9),
    pad('cs@70', 7),
    pad('oracle', 7),
    pad('gap', 7),
    pad('bestHPA', 7),
    pad('cs/best', 7),
    pad('dominates', 9),
    pad('cs@70 cap1.5', 12),
    pad('gap cap1.5', 10),
    pad('dom cap1.5', 10),
  ].join('  ');
  const summary: Record<string, unknown> = {};
  for (const [index, seconds] of readiness.entries()) {
    console.log(
      `\nreadiness ${seconds} s (cost ratios relative to the CPU-70 % HPA of the same trace and run)`,
    );
    console.log(header);
    const rows: Array<{ v: Verdict; c15: Verdict }> = [];
    for (const r of results) {
      const rr = r.readiness[index] as ReadinessResult;
      const v = verdict(rr, '1');
      const c15 = verdict(rr, '1.5');
      rows.push({ v, c15 });
      console.log(
        [
          pad(r.name, 12, true),
          pad(`${(100 * r.forecastShare).toFixed(0)} %`, 8),
          pad(v.hpa70Cost.toFixed(2), 9),
          pad(v.hpa70Misses.toFixed(0), 9),
          pad(fmt(v.ratio), 7),
          pad(fmt(v.oracleRatio), 7),
          pad(fmt(v.gapClosed, 2), 7),
          pad(fmt(v.bestHpaRatio), 7),
          pad(fmt(v.ratioToBestHpa), 7),
          pad(String(v.dominates), 9),
          pad(fmt(c15.ratio), 12),
          pad(fmt(c15.gapClosed, 2), 10),
          pad(String(c15.dominates), 10),
        ].join('  '),
      );
    }
    const defined = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);
    const m = {
      ratio: median(defined(rows.map((r) => r.v.ratio))),
      oracleRatio: median(rows.map((r) => r.v.oracleRatio)),
      gapClosed: median(defined(rows.map((r) => r.v.gapClosed))),
      bestHpaRatio: median(rows.map((r) => r.v.bestHpaRatio)),
      ratioToBestHpa: median(defined(rows.map((r) => r.v.ratioToBestHpa))),
      dominated: rows.filter((r) => r.v.dominates).length,
      matched: defined(rows.map((r) => r.v.ratio)).length,
      ratioCap15: median(defined(rows.map((r) => r.c15.ratio))),
      gapClosedCap15: median(defined(rows.map((r) => r.c15.gapClosed))),
      dominatedCap15: rows.filter((r) => r.c15.dominates).length,
    };
    summary[String(seconds)] = m;
    console.log(
      `medians: costscale at HPA-70's misses ${fmt(m.ratio)}× (on the ${m.matched} of ${rows.length} traces ` +
        `where some setting misses that little), oracle ${fmt(m.oracleRatio)}×, gap closed ${fmt(m.gapClosed, 2)}; ` +
        `the best swept HPA there ${fmt(m.bestHpaRatio)}× and costscale ${fmt(m.ratioToBestHpa)}× of it; ` +
        `frontier dominates the swept HPA's on ${m.dominated}/${rows.length}. With the HPA's CPU capped at 1.5: ` +
        `${fmt(m.ratioCap15)}×, gap ${fmt(m.gapClosedCap15, 2)}, dominates on ${m.dominatedCap15}/${rows.length}.`,
    );
  }
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 1));
  console.log(`\nSVG frontiers and per-trace figures (<trace>.json) in ${outDir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
