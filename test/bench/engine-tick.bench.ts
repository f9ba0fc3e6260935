// Engine tick at scale (issue: 10,000 policies over 20 query templates against a real Prometheus
// holding their series): median tick duration, PromQL requests per tick and peak RSS. The baseline,
// measured in the same run, is the cost of one instant query returning all 10,000 demand series
// (the least any tick must do). A third run puts every policy in a budget, against the first run.
// Usage: node -r ./test/bench/swc-register.cjs test/bench/engine-tick.bench.ts
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitFor } from '../support/ports';
import { startPrometheus } from '../support/prometheus';

const POLICIES = Number(process.env.POLICIES ?? 10_000);
const TEMPLATES = 20;
const TICKS = Number(process.env.TICKS ?? 9);

async function main(): Promise<void> {
  const perTemplate = POLICIES / TEMPLATES;
  const lines: string[] = [];
  for (let t = 0; t < TEMPLATES; t++) {
    lines.push(`# TYPE bench_requests_${t} gauge`);
    for (let i = 0; i < perTemplate; i++)
      lines.push(`bench_requests_${t}{namespace="ns${t}",service="svc${i}"} ${50 + ((i * 7 + t) % 100)}`);
  }
  lines.push('# TYPE kube_deployment_status_replicas gauge');
  for (let t = 0; t < TEMPLATES; t++) {
    for (let i = 0; i < perTemplate; i++)
      lines.push(`kube_deployment_status_replicas{namespace="ns${t}",deployment="svc${i}"} 3`);
  }
  const body = lines.join('\n') + '\n';
  const exporterPort = await freePort();
  const exporter = createServer((_q, r) => r.end(body)).listen(exporterPort, '127.0.0.1');
  const prom = await startPrometheus({ targets: [`127.0.0.1:${exporterPort}`], scrapeIntervalSeconds: 5 });
  try {
    await waitFor(
      'series scraped',
      async () => {
        const r = await fetch(`${prom.url}/api/v1/query?query=count(bench_requests_0)`);
        const j = (await r.json()) as { data: { result: Array<{ value: [number, string] }> } };
        return Number(j.data.result[0]?.value[1] ?? 0) === perTemplate;
      },
      60000,
    );

    // The measured ticks run in a child process holding only the compiled adapter, so its RSS is the
    // service's own (this process also carries the TypeScript compiler hook).
    // Twice: with Node's default heap sizing, and with the heap cap deploy/ sets (NODE_OPTIONS), which
    // trades some tick time for a bounded RSS. Then once more with every policy in a budget, against
    // the first run (same run, same heap sizing) as its baseline. Asynchronous, so this process keeps
    // answering Prometheus's scrapes of the exporter meanwhile.
    const runs = [
      { flags: [], budgets: false },
      { flags: ['--max-old-space-size=256'], budgets: false },
      { flags: [], budgets: true },
    ];
    const medians: number[] = [];
    for (const { flags, budgets } of runs) {
      console.log(
        `\n-- node ${flags.join(' ') || '(default heap sizing)'}${budgets ? ', with budgets' : ''}`,
      );
      const worker = spawn(process.execPath, [...flags, join(__dirname, 'engine-tick-worker.js')], {
        env: {
          ...process.env,
          PROM_URL: prom.url,
          POLICIES: String(POLICIES),
          TEMPLATES: String(TEMPLATES),
          TICKS: String(TICKS),
          BUDGETS: budgets ? '1' : '0',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      worker.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        process.stdout.write(chunk);
      });
      const code = await new Promise<number | null>((resolve) => worker.on('exit', resolve));
      if (code !== 0) throw new Error(`worker exited with ${code}`);
      medians.push(Number(/median tick \(steady state\): (\d+) ms/.exec(output)?.[1]));
    }
    console.log(
      `\nbudgets: median tick ${medians[2]} ms with every policy in one of ${TEMPLATES} budgets vs ${medians[0]} ms without → ratio ${(medians[2]! / medians[0]!).toFixed(2)}`,
    );
  } finally {
    exporter.close();
    await prom.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
