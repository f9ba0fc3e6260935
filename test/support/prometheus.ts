import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FatalWaitError, freePort, waitFor } from './ports';
import { run, startProcess, type ManagedProcess } from './processes';

// A real Prometheus (Debian's binary) in a temp dir on a random port, optionally with history
// backfilled through `promtool tsdb create-blocks-from openmetrics`.

export interface PrometheusOptions {
  /** Scrape targets as host:port, scraped every `scrapeIntervalSeconds`. */
  targets?: string[];
  scrapeIntervalSeconds?: number;
  /** Keep job/instance labels the targets expose (so backfilled and scraped samples form one series). */
  honorLabels?: boolean;
  /** OpenMetrics text (ending in `# EOF`) written as TSDB blocks before start. */
  backfill?: string;
  binary?: string;
}

export interface PrometheusHandle {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server but keeps its data, so `start()` brings it back with the same history. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and removes the temp dir. */
  destroy(): Promise<void>;
  output(): string;
}

export async function startPrometheus(opts: PrometheusOptions = {}): Promise<PrometheusHandle> {
  const binary = opts.binary ?? 'prometheus';
  const dir = await mkdtemp(join(tmpdir(), 'costscale-prom-'));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const interval = opts.scrapeIntervalSeconds ?? 1;
  const config = [
    'global:',
    `  scrape_interval: ${interval}s`,
    `  evaluation_interval: ${interval}s`,
    'scrape_configs:',
    '  - job_name: test',
    `    honor_labels: ${opts.honorLabels ?? false}`,
    '    static_configs:',
    `      - targets: ${JSON.stringify(opts.targets ?? [])}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  if (opts.backfill !== undefined) {
    const om = join(dir, 'backfill.om');
    await writeFile(om, opts.backfill);
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, dataDir]);
  }
  const url = `http://127.0.0.1:${port}`;
  let proc: ManagedProcess | undefined;
  const start = async (): Promise<void> => {
    proc = startProcess(binary, [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=60d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
    ]);
    const p = proc;
    await waitFor(`Prometheus on ${url}`, async () => {
      if (p.child.exitCode !== null) throw new FatalWaitError(`prometheus exited:\n${p.output()}`);
      const res = await fetch(`${url}/-/ready`);
      return res.ok;
    });
  };
  await start();
  return {
    url,
    port,
    dir,
    start,
    stop: async () => proc?.stop(),
    destroy: async () => {
      await proc?.stop();
      await rm(dir, { recursive: true, force: true });
    },
    output: () => proc?.output() ?? '',
  };
}

/** Renders samples as OpenMetrics text for backfilling; timestamps in epoch seconds. */
export function toOpenMetrics(
  series: { name: string; labels?: Record<string, string>; samples: Array<[number, number]> }[],
): string {
  const lines: string[] = [];
  const byName = new Map<string, typeof series>();
  for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, group] of byName) {
    lines.push(`# TYPE ${name} gauge`);
    for (const s of group) {
      const labels = Object.entries(s.labels ?? {})
        .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
        .join(',');
      const sel = labels ? `${name}{${labels}}` : name;
      for (const [ts, v] of s.samples) lines.push(`${sel} ${v} ${ts}`);
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}
