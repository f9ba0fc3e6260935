// Engine memory at scale (issue 16): 10,000 policies (POLICIES=100000 for the large mode) over 20 query
// templates, every policy in one of 20 budgets and forecasting (14 days of 5-minute history and a
// stored model per policy, as after a restart), ticking on a simulated 15 s clock until every history is
// warm-started and forecast buckets have closed. Peak and steady RSS, retained heap and per-tick time,
// with Node's default heap sizing and with the heap cap deploy/ sets. Baseline, same run: the same child
// holding the compiled adapter and the parsed configuration without ticking (TICKS=0).
// Where the memory goes: TRACE=1 prints each tick's heap by V8 space and what it allocated, ALLOC_PROFILE=<file>
// writes a sampling profile of every allocation from the third tick (ALLOC_PROFILE_SURVIVORS=1: only those
// that survived a scavenge, i.e. what the old generation grows by), IDLE_MS=<ms> idles between ticks as a
// service does (engine-tick-worker.js). With forecasting, the bytes a forecasting policy holds, by component
// (forecast-policy-bytes.js).
// RUNS=default,cap (of baseline, default, cap) runs only those children; all three by default.
// The children run with glibc's allocator settings as shipped (the image's ENV and deploy/base's:
// test/support/imageEnv.ts); ALLOCATOR=glibc measures glibc's own defaults instead. A MALLOC_* variable set in the
// environment is passed on as it is.
// Every policy's cost per hour is watched for anomalies, as the service does (main.ts); SIGNALS=0 leaves
// that out, as the figures measured before it did (100,000 policies then hold about half the heap).
// AGED_WATCHES=<days>: every watch starts from a detector that has scored that many days of a varying cost
// (engine-tick-worker.js), as a service that has run that long holds them; the bench's own minutes leave
// them in their first day, their slots mostly empty.
// Usage: node -r ./test/bench/swc-register.cjs test/bench/engine-memory.bench.ts
//        POLICIES=100000 TICKS=... node -r ./test/bench/swc-register.cjs test/bench/engine-memory.bench.ts
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { shippedAllocator } from '../support/imageEnv';
import { startSyntheticPrometheus } from './synthetic-prometheus';

const POLICIES = Number(process.env.POLICIES ?? 10_000);
const TEMPLATES = 20;
const FORECAST = process.env.FORECAST ?? '1';
// Warm starts load 200 policies' forecast history per tick: enough ticks to load all, then four forecast
// buckets. Without forecasting, 4,000 policies' recent demand per tick, then 20 ticks.
const TICKS = Number(
  process.env.TICKS ?? (FORECAST === '1' ? Math.ceil(POLICIES / 200) + 80 : Math.ceil(POLICIES / 4000) + 20),
);
/** The heap cap deploy/base sets through NODE_OPTIONS. */
const DEPLOY_HEAP_CAP = process.env.HEAP_CAP ?? '--max-old-space-size=256';
const RUNS = new Set((process.env.RUNS ?? 'baseline,default,cap').split(','));
/** glibc's allocator settings as the image ships them (deploy-manifests.test.ts holds deploy/base's equal). */
const ALLOCATOR = process.env.ALLOCATOR === 'glibc' ? {} : shippedAllocator(join(__dirname, '..', '..'));

interface Run {
  readonly name: string;
  readonly label: string;
  readonly flags: string[];
  readonly ticks: number;
}

async function main(): Promise<void> {
  const prom = await startSyntheticPrometheus();
  try {
    const runs: Run[] = [
      { name: 'baseline', label: 'baseline: adapter and configuration loaded, no tick', flags: [], ticks: 0 },
      { name: 'default', label: 'default heap sizing', flags: [], ticks: TICKS },
      { name: 'cap', label: `deploy heap cap (${DEPLOY_HEAP_CAP})`, flags: [DEPLOY_HEAP_CAP], ticks: TICKS },
    ];
    const peaks = new Map<string, number>();
    for (const run of runs.filter((r) => RUNS.has(r.name))) {
      console.log(
        `\n-- ${run.label}, ${process.env.ALLOCATOR === 'glibc' ? "glibc's allocator defaults" : 'the allocator settings as shipped'}`,
      );
      const output = await worker(run, prom.url);
      peaks.set(run.name, Number(/peak RSS: (\d+) MiB/.exec(output)?.[1]));
    }
    const base = peaks.get('baseline');
    if (base !== undefined && peaks.has('default') && peaks.has('cap'))
      console.log(
        `\npeak RSS over the baseline: default heap ${(peaks.get('default')! / base).toFixed(2)}×, deploy heap cap ${(peaks.get('cap')! / base).toFixed(2)}×`,
      );
    if (FORECAST === '1') await policyBytes();
  } finally {
    await prom.close();
  }
}

/** Runs the ticks in a child holding only the compiled adapter, so its RSS is the service's own. */
async function worker(run: Run, url: string): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', ...run.flags, join(__dirname, 'engine-tick-worker.js')],
    {
      env: {
        ...ALLOCATOR,
        ...process.env,
        PROM_URL: url,
        POLICIES: String(POLICIES),
        TEMPLATES: String(TEMPLATES),
        TICKS: String(run.ticks),
        BUDGETS: '1',
        FORECAST,
        SIMULATED_CLOCK: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) console.log(`worker exited with ${code} (out of memory when it is 134)`);
  return output;
}

/** What one forecasting policy holds, by component (forecast-policy-bytes.js, in a child of its own). */
async function policyBytes(): Promise<void> {
  console.log('');
  const child = spawn(process.execPath, ['--expose-gc', join(__dirname, 'forecast-policy-bytes.js')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await new Promise((resolve) => child.on('exit', resolve));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
