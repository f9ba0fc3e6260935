// A Prometheus HTTP API stand-in for the memory benchmarks, answering the engine's merged queries with
// synthetic series at any time and over any range: a real Prometheus would need 14 days of 5-minute
// history for every policy (40 million samples at 10,000 policies) backfilled before the forecasting
// warm start sees what it sees in production. The engine under measurement runs in another process
// and parses the same JSON a real Prometheus sends (its /api/v1/query and /query_range formats).
import { createServer, type Server } from 'node:http';

const DAY_MS = 86_400_000;

/** Deterministic noise in [-0.5, 0.5) for a time and a seed. */
export function noise(t: number, seed: number): number {
  const x = Math.sin((t / 1000) * 12.9898 + seed * 78.233) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}

/** Demand of one series at `t`: a daily cycle with a per-series phase and level, and noise. */
export function syntheticDemand(seriesKey: string, t: number): number {
  let h = 2166136261;
  for (let i = 0; i < seriesKey.length; i++) h = Math.imul(h ^ seriesKey.charCodeAt(i), 16777619);
  const phase = ((h >>> 0) % 1000) / 1000;
  const level = 40 + ((h >>> 10) % 60);
  const daily = Math.sin(2 * Math.PI * (t / DAY_MS + phase));
  return Math.max(0, level * (1 + 0.5 * daily) + 0.3 * level * noise(t, phase));
}

interface Selection {
  readonly metric: string;
  /** One label set per result series. */
  readonly series: ReadonlyArray<Record<string, string>>;
}

/**
 * The series a merged query asks for: the cross product of the values its matchers name for the labels
 * it groups by (`sum by (service) (m{ns="a", service=~"x|y"})` → {service=x}, {service=y}).
 */
function select(query: string): Selection | undefined {
  const metric = /(bench_requests_\d+|kube_(?:deployment|statefulset)_status_replicas)\{/.exec(query)?.[1];
  if (metric === undefined) return undefined;
  const matchers = new Map<string, string[]>();
  for (const m of query.matchAll(/(\w+)(=~|=)"([^"]*)"/g))
    matchers.set(m[1]!, m[2] === '=~' ? m[3]!.split('|') : [m[3]!]);
  const by =
    /by \(([^)]*)\)/
      .exec(query)?.[1]
      ?.split(',')
      .map((l) => l.trim()) ?? [];
  let series: Array<Record<string, string>> = [{}];
  for (const label of by)
    series = series.flatMap((s) => (matchers.get(label) ?? []).map((v) => ({ ...s, [label]: v })));
  const key = (labels: Record<string, string>) =>
    [...matchers].map(([l, vs]) => `${l}=${labels[l] ?? vs[0]}`).join(',');
  return { metric, series: series.map((labels) => ({ ...labels, __key: key(labels) })) };
}

function value(metric: string, key: string, t: number): number {
  return metric.startsWith('kube_') ? 3 : syntheticDemand(`${metric}{${key}}`, t);
}

const labelsJson = (labels: Record<string, string>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(labels).filter(([k]) => k !== '__key')));

function instant(query: string, time: number): string {
  const sel = select(query);
  const result = (sel?.series ?? []).map(
    (s) => `{"metric":${labelsJson(s)},"value":[${time / 1000},"${value(sel!.metric, s.__key!, time)}"]}`,
  );
  return `{"status":"success","data":{"resultType":"vector","result":[${result.join(',')}]}}`;
}

function range(query: string, start: number, end: number, stepMs: number): string {
  const sel = select(query);
  const result = (sel?.series ?? []).map((s) => {
    const points: string[] = [];
    for (let t = start; t <= end; t += stepMs)
      points.push(`[${t / 1000},"${value(sel!.metric, s.__key!, t)}"]`);
    return `{"metric":${labelsJson(s)},"values":[${points.join(',')}]}`;
  });
  return `{"status":"success","data":{"resultType":"matrix","result":[${result.join(',')}]}}`;
}

export interface SyntheticPrometheus {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves /api/v1/query and /api/v1/query_range (GET or form POST) on a free loopback port, and /stats:
 * what it has answered so far and the CPU time it took (its share of a machine it shares with the
 * engine under measurement).
 */
export async function startSyntheticPrometheus(): Promise<SyntheticPrometheus> {
  const stats = { requests: 0, rangeRequests: 0, bytes: 0, busyMs: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/stats') {
        const cpu = process.cpuUsage();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...stats, cpuMs: (cpu.user + cpu.system) / 1000 }));
        return;
      }
      const started = performance.now();
      const params = new URLSearchParams(req.method === 'POST' ? body : url.search);
      const query = params.get('query') ?? '';
      const seconds = (name: string) => Number(params.get(name) ?? Date.now() / 1000) * 1000;
      const out = url.pathname.endsWith('/query_range')
        ? range(query, seconds('start'), seconds('end'), Number.parseFloat(params.get('step') ?? '60') * 1000)
        : instant(query, seconds('time'));
      res.writeHead(200, { 'content-type': 'application/json' }).end(out);
      stats.requests++;
      if (url.pathname.endsWith('/query_range')) stats.rangeRequests++;
      stats.bytes += out.length;
      stats.busyMs += performance.now() - started;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
