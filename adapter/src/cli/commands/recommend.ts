import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load';
import type { Config } from '../../config/schema';
import { withManaged } from '../../config/managed';
import { policyKey } from '../../config/policyIdentity';
import { loadKubeConnection } from '../../k8s/connection';
import { createWorkloadsApi, type WorkloadsApi } from '../../k8s/workloads';
import type { Recommendation } from '../../recommend';
import { generateRecommendations, type PolicyRecommendations } from '../../recommend-runtime';
import { PrometheusClient } from '../../sources';
import { openDatabase } from '../../store/db';
import { loadManagedState } from '../../store/managed';
import { migrate } from '../../store/migrate';
import { expireStale, saveRegeneration } from '../../store/recommendations';
import { InputError } from '../errors';

// `costscale recommend`: recommendations for the configured policies from their Prometheus history,
// printed as a table or JSON, and with --save stored as the service's periodic job stores them (then
// API-managed policies from the database are included too).

interface RecommendOptions {
  config: string;
  policy: string[];
  json?: boolean;
  save?: boolean;
  showRejected?: boolean;
  at?: string;
}

function kubeFrom(config: Config): WorkloadsApi | undefined {
  try {
    const connection = loadKubeConnection(config.server.auth.kubeconfig);
    return connection === undefined ? undefined : createWorkloadsApi(connection);
  } catch {
    return undefined;
  }
}

function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function rowOf(r: Recommendation, verdict: string): string[] {
  const sla = r.slaCheck;
  return [
    r.kind,
    `${r.namespace}/${r.policy}`,
    `${r.target.kind}/${r.target.name}`,
    `${r.monthlySavings.toFixed(2)} ${r.currency}`,
    `${verdict} ${sla.before.sloMissMinutes.toFixed(1)}→${sla.after.sloMissMinutes.toFixed(1)} min`,
    r.summary,
  ];
}

function print(policies: readonly PolicyRecommendations[], showRejected: boolean): void {
  const rows: string[][] = [['KIND', 'POLICY', 'TARGET', 'SAVINGS/MONTH', 'SLA CHECK', 'SUMMARY']];
  for (const p of policies) {
    for (const r of p.offered) rows.push(rowOf(r, 'pass'));
    if (showRejected) for (const r of p.rejected) rows.push(rowOf(r, 'FAIL'));
  }
  process.stdout.write(rows.length > 1 ? `${table(rows)}\n` : 'no recommendations\n');
  const rejected = policies.reduce((n, p) => n + p.rejected.length, 0);
  if (rejected > 0 && !showRejected) {
    process.stdout.write(`${rejected} rejected by the SLA check (--show-rejected lists them)\n`);
  }
}

async function runRecommend(opts: RecommendOptions): Promise<void> {
  const file = loadConfigFile(opts.config).config;
  const now = opts.at === undefined ? Date.now() : Date.parse(opts.at);
  if (!Number.isFinite(now)) throw new InputError(`--at ${opts.at}: expected an ISO 8601 time`);
  for (const p of opts.policy) {
    if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(p))
      throw new InputError(`--policy ${p}: expected <namespace>/<name>`);
  }
  const db = opts.save === true ? await openDatabase(file.database) : undefined;
  const backends = new Map(
    Object.entries(file.prometheus).map(([name, backend]) => [name, new PrometheusClient({ name, backend })]),
  );
  try {
    if (db !== undefined) await migrate(db);
    const config = db === undefined ? file : withManaged(file, await loadManagedState(db, now)).config;
    const known = new Set(config.policies.map(policyKey));
    const unknown = opts.policy.filter((p) => !known.has(p));
    if (unknown.length > 0) throw new InputError(`no policy ${unknown.join(', ')} in ${opts.config}`);
    const kube = kubeFrom(config);
    const { policies, priceWarnings } = await generateRecommendations({
      config,
      backends,
      ...(kube !== undefined && { kube }),
      now,
      ...(opts.policy.length > 0 && { only: new Set(opts.policy) }),
    });
    for (const w of priceWarnings) process.stderr.write(`prices: ${w}\n`);
    for (const p of policies) {
      for (const w of p.warnings) process.stderr.write(`${p.namespace}/${p.policy}: ${w}\n`);
      if (p.error !== undefined) process.stderr.write(`${p.namespace}/${p.policy}: ${p.error}\n`);
    }
    if (opts.json === true) {
      process.stdout.write(
        `${JSON.stringify({ generatedAt: new Date(now).toISOString(), priceWarnings, policies }, null, 2)}\n`,
      );
    } else {
      print(policies, opts.showRejected === true);
    }
    if (db !== undefined) {
      const regenerated = policies.filter((p) => p.error === undefined);
      const saved = await db.transaction(async (tx) => ({
        ...(await saveRegeneration(
          tx,
          regenerated,
          now,
          config.recommendations.expireAfterHours * 3_600_000,
        )),
        staleExpired: await expireStale(tx, now),
      }));
      process.stderr.write(
        `saved: ${saved.inserted} new, ${saved.refreshed} refreshed, ${saved.expired + saved.staleExpired} expired, ${saved.suppressed} dismissed before\n`,
      );
    }
    if (policies.length > 0 && policies.every((p) => p.error !== undefined)) process.exitCode = 1;
  } finally {
    for (const client of backends.values()) client.close();
    await db?.close();
  }
}

export function registerRecommendCommand(program: Command): void {
  program
    .command('recommend')
    .description(
      'right-sizing, HPA, schedule, spot and idle recommendations for the configured policies from their Prometheus history, priced and checked by simulation',
    )
    .requiredOption(
      '--config <file>',
      'the configuration file (policies, Prometheus backends, prices, recommendations)',
    )
    .option(
      '--policy <namespace/name>',
      'only this policy; repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--json', 'print JSON (offered and rejected recommendations, notes per recommender)')
    .option('--save', 'store them in the database, as the service does (DATABASE_URL or database:)')
    .option('--show-rejected', 'also list recommendations the SLA check rejected')
    .option('--at <time>', 'evaluate the history up to this ISO 8601 time instead of now')
    .action((opts: RecommendOptions) => runRecommend(opts));
}
