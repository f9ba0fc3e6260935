import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatPath, formatProblem, zodProblems } from '../../config/load';
import {
  policySchema,
  priceBookSchema,
  pricesSchema,
  type Policy,
  type PriceBook,
} from '../../config/schema';
import {
  costscaleScenario,
  DEFAULT_PIPELINE,
  observeForCostscale,
  parseDemandTraceCsv,
  rateWindowOf,
  COSTSCALE_HPA_SCALE_DOWN_WINDOW_SECONDS,
  hpaBehavior,
  policyCostPerReplicaHour,
  resultTable,
  simulate,
  summarize,
  timelineCsv,
  TraceFormatError,
  workloadFromPolicy,
  type DemandTrace,
  type MetricPipeline,
  type Scenario,
  type SimulationOptions,
  type WorkloadModel,
} from '../../simulate';
import { InputError } from '../errors';

/** A baseline named on the command line. */
export type BaselineSpec =
  | { readonly kind: 'hpa-cpu'; readonly target: number }
  | { readonly kind: 'fixed'; readonly replicas: number }
  | { readonly kind: 'policy'; readonly file: string };

/** `hpa-cpu:<target>` (fraction, or percent with `%`), `fixed:<replicas>`, `policy:<file>`. */
export function parseBaselineSpec(spec: string): BaselineSpec {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const arg = colon < 0 ? '' : spec.slice(colon + 1).trim();
  if (kind === 'hpa-cpu') {
    const percent = arg.endsWith('%');
    const value = Number(percent ? arg.slice(0, -1) : arg) / (percent ? 100 : 1);
    if (arg === '' || !(value > 0 && value <= 1)) {
      throw new InputError(
        `--baseline ${spec}: hpa-cpu needs a target utilisation in (0, 1], e.g. hpa-cpu:0.7`,
      );
    }
    return { kind, target: value };
  }
  if (kind === 'fixed') {
    const replicas = Number(arg);
    if (arg === '' || !Number.isInteger(replicas) || replicas < 0) {
      throw new InputError(`--baseline ${spec}: fixed needs a replica count, e.g. fixed:10`);
    }
    return { kind, replicas };
  }
  if (kind === 'policy') {
    if (arg === '') throw new InputError(`--baseline ${spec}: policy needs a file, e.g. policy:other.yaml`);
    return { kind, file: arg };
  }
  throw new InputError(
    `--baseline ${spec}: unknown baseline (use hpa-cpu:<target>, fixed:<n> or policy:<file>)`,
  );
}

interface LoadedPolicy {
  readonly policy: Policy;
  readonly book: PriceBook;
}

function invalid(error: z.ZodError, file: string, prefix: PropertyKey[] = []): InputError {
  const at = formatPath(prefix);
  const problems = zodProblems(error, file).map((p) => {
    const path =
      at === '' || p.path === '' ? `${at}${p.path}` : `${at}${p.path.startsWith('[') ? '' : '.'}${p.path}`;
    return formatProblem({ ...p, path });
  });
  return new InputError(problems.join('\n'));
}

/**
 * A policy from YAML text: either a single policy object, or a configuration file with `policies:`
 * (and optionally `prices:`), from which `name` picks one (needed when there are several).
 */
export function parseSimulationPolicy(text: string, file: string, name?: string): LoadedPolicy {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => `${file}: ${e.message.split('\n')[0] ?? e.message}`).join('\n'),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(`${file}: expected a policy object or a configuration with policies:`);
  }
  const record = raw as Record<string, unknown>;
  if (!('policies' in record)) {
    const parsed = policySchema.safeParse(record);
    if (!parsed.success) throw invalid(parsed.error, file);
    if (name !== undefined && parsed.data.name !== name) {
      throw new InputError(`${file}: the policy is named ${parsed.data.name}, not ${name}`);
    }
    return { policy: parsed.data, book: priceBookSchema.parse({}) };
  }
  const prices = pricesSchema.safeParse(record.prices ?? {});
  if (!prices.success) throw invalid(prices.error, file, ['prices']);
  const list = Array.isArray(record.policies) ? (record.policies as unknown[]) : [];
  const index =
    name === undefined
      ? 0
      : list.findIndex((p) => typeof p === 'object' && p !== null && (p as { name?: unknown }).name === name);
  if (list.length === 0) throw new InputError(`${file}: policies: no policy to simulate`);
  if (name === undefined && list.length > 1) {
    throw new InputError(`${file}: ${list.length} policies; choose one with --name`);
  }
  if (index < 0) throw new InputError(`${file}: no policy named ${name}`);
  const parsed = policySchema.safeParse(list[index]);
  if (!parsed.success) throw invalid(parsed.error, file, ['policies', index]);
  return { policy: parsed.data, book: prices.data.book };
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

/** The trace, saying on stderr where its clock stepped back and what was dropped. */
function readTrace(file: string): DemandTrace {
  try {
    const trace = parseDemandTraceCsv(readText(file, 'trace'));
    for (const step of trace.clockSteps) {
      process.stderr.write(
        `${file}: line ${step.line}: the clock steps back ${step.backMs / 60_000} min; ${step.dropped} row(s) dropped until it passed the last kept one\n`,
      );
    }
    return trace;
  } catch (err) {
    if (err instanceof TraceFormatError) throw new InputError(`${file}: ${err.message}`);
    throw err;
  }
}

interface SimulateOptions {
  trace: string;
  policy: string;
  name?: string;
  baseline: string[];
  timeline?: string;
  json?: boolean;
  replicaCost?: string;
  hpaTolerance: string;
  hpaScaleDownWindow: string;
  costscaleScaleDownWindow: string;
  cpuCap: string;
  syncSeconds: string;
  interpolation: string;
  scrapeInterval: string;
  rateWindow?: string;
  tickAge: string;
  metricsResolution: string;
  capacityError: string;
}

function positiveNumber(value: string, flag: string, allowZero = false): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || x < 0 || (!allowZero && x === 0)) {
    throw new InputError(`${flag} ${value}: expected a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
  return x;
}

/** The workload the primary policy describes, priced by --replica-cost or its resources. */
function primaryWorkload(loaded: LoadedPolicy, file: string, replicaCost: number | undefined): WorkloadModel {
  const cost = replicaCost ?? policyCostPerReplicaHour(loaded.policy, loaded.book);
  if (cost === null) {
    throw new InputError(
      `${file}: policy ${loaded.policy.name} has no resources, so its replica cost is unknown; set resources or --replica-cost`,
    );
  }
  try {
    return workloadFromPolicy(loaded.policy, cost);
  } catch (err) {
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
}

/** The metric pipelines from the flags; the rate() window defaults to the policy query's own. */
function pipelineOf(opts: SimulateOptions, policy: Policy): MetricPipeline {
  const seconds = (value: string, flag: string) => positiveNumber(value, flag) * 1000;
  const resolution = seconds(opts.metricsResolution, '--metrics-resolution');
  return {
    scrapeIntervalMs: seconds(opts.scrapeInterval, '--scrape-interval'),
    rateWindowMs:
      opts.rateWindow !== undefined
        ? positiveNumber(opts.rateWindow, '--rate-window', true) * 1000
        : (rateWindowOf(policy.demand.query) ?? DEFAULT_PIPELINE.rateWindowMs),
    tickAgeMs: positiveNumber(opts.tickAge, '--tick-age', true) * 1000,
    cpuResolutionMs: resolution,
    cpuAgeMs: resolution / 2,
  };
}

function runSimulate(opts: SimulateOptions): void {
  const trace = readTrace(opts.trace);
  const primary = parseSimulationPolicy(readText(opts.policy, 'policy'), opts.policy, opts.name);
  const replicaCost =
    opts.replicaCost === undefined ? undefined : positiveNumber(opts.replicaCost, '--replica-cost', true);
  const tolerance =
    opts.hpaTolerance === 'default' ? undefined : positiveNumber(opts.hpaTolerance, '--hpa-tolerance', true);
  const scaleDownWindow =
    opts.hpaScaleDownWindow === 'default'
      ? undefined
      : positiveNumber(opts.hpaScaleDownWindow, '--hpa-scale-down-window', true);
  const costscaleWindow = positiveNumber(
    opts.costscaleScaleDownWindow,
    '--costscale-scale-down-window',
    true,
  );
  if (opts.interpolation !== 'linear' && opts.interpolation !== 'hold') {
    throw new InputError(`--interpolation ${opts.interpolation}: expected linear or hold`);
  }
  const capacityError = Number(opts.capacityError);
  if (opts.capacityError.trim() === '' || !(capacityError > -1 && capacityError < 10)) {
    throw new InputError(`--capacity-error ${opts.capacityError}: expected a fraction above -1, e.g. -0.2`);
  }
  const pipeline = pipelineOf(opts, primary.policy);
  const options: SimulationOptions = {
    interpolation: opts.interpolation,
    syncPeriodMs: positiveNumber(opts.syncSeconds, '--sync-seconds') * 1000,
    cpuUtilizationCap: positiveNumber(opts.cpuCap, '--cpu-cap'),
    cpuPipeline: pipeline,
  };
  const baselines = (opts.baseline.length > 0 ? opts.baseline : ['hpa-cpu:0.7']).map(parseBaselineSpec);
  // costscale decides with the configured κ; the replicas really serve κ × (1 + capacity error).
  const believed = primaryWorkload(primary, opts.policy, replicaCost);
  const workload: WorkloadModel = {
    ...believed,
    capacityPerReplica: believed.capacityPerReplica * (1 + capacityError),
  };
  const observation = observeForCostscale(trace, options.syncPeriodMs!, opts.interpolation, pipeline);
  const costscale = (policy: Policy, name?: string): Scenario =>
    costscaleScenario(policy, believed, observation, {
      name,
      hpaTolerance: tolerance,
      hpaScaleDownWindowSeconds: costscaleWindow,
    });

  const scenarios: Scenario[] = baselines.map((b): Scenario => {
    if (b.kind === 'hpa-cpu')
      return {
        name: `hpa-cpu:${b.target}`,
        kind: 'hpa-cpu',
        targetUtilization: b.target,
        behavior: hpaBehavior(tolerance, scaleDownWindow),
      };
    if (b.kind === 'fixed') return { name: `fixed:${b.replicas}`, kind: 'fixed', replicas: b.replicas };
    // Other decision parameters on the same workload: capacity, readiness, bounds and price stay the primary's.
    const other = parseSimulationPolicy(readText(b.file, 'policy'), b.file, undefined);
    return costscale(other.policy, `costscale:${b.file}`);
  });
  scenarios.push(costscale(primary.policy));

  const results = scenarios.map((s) => simulate(trace, workload, s, options));
  if (opts.timeline !== undefined) {
    const primaryResult = results[results.length - 1];
    if (primaryResult !== undefined) writeFileSync(opts.timeline, timelineCsv(primaryResult.timeline));
  }
  const summaries = results.map(summarize);
  const currency = primary.book.currency;
  if (opts.json === true) {
    process.stdout.write(
      `${JSON.stringify(
        {
          trace: {
            file: opts.trace,
            samples: trace.timesMs.length,
            start: new Date(trace.timesMs[0] as number).toISOString(),
            hours: summaries[0]?.hours ?? 0,
          },
          policy: primary.policy.name,
          currency,
          costPerReplicaHour: workload.costPerReplicaHour,
          capacityPerReplica: believed.capacityPerReplica,
          trueCapacityPerReplica: workload.capacityPerReplica,
          readinessDelaySeconds: workload.readinessDelayMs / 1000,
          hpaTolerance: tolerance ?? null,
          hpaScaleDownWindowSeconds: scaleDownWindow ?? null,
          costscaleScaleDownWindowSeconds: costscaleWindow,
          cpuCap: options.cpuUtilizationCap,
          pipeline: {
            scrapeIntervalSeconds: pipeline.scrapeIntervalMs / 1000,
            rateWindowSeconds: pipeline.rateWindowMs / 1000,
            tickAgeSeconds: pipeline.tickAgeMs / 1000,
            metricsResolutionSeconds: pipeline.cpuResolutionMs / 1000,
          },
          scenarios: summaries,
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  const first = summaries[0];
  const kappaText =
    capacityError === 0
      ? `κ ${believed.capacityPerReplica}/replica`
      : `κ ${believed.capacityPerReplica}/replica planned, ${workload.capacityPerReplica} served`;
  process.stdout.write(
    `${opts.trace}: ${trace.timesMs.length} samples, ${(first?.hours ?? 0).toFixed(1)} h; policy ${primary.policy.name}: ` +
      `${kappaText}, ${workload.costPerReplicaHour?.toFixed(4)} ${currency}/replica-h, ` +
      `readiness ${workload.readinessDelayMs / 1000} s\n` +
      `pipelines: rate(…[${pipeline.rateWindowMs / 1000}s]) of ${pipeline.scrapeIntervalMs / 1000} s scrapes, ticks ` +
      `${pipeline.tickAgeMs / 1000} s before HPA syncs; metrics-server resolution ${pipeline.cpuResolutionMs / 1000} s; ` +
      `HPA tolerance ${tolerance ?? '0.1 (cluster default)'} on every HPA; scale-down window ` +
      `${scaleDownWindow === undefined ? '300 s (controller default)' : `${scaleDownWindow} s`} on the CPU HPAs, ` +
      `${costscaleWindow} s on costscale's; CPU capped at ${options.cpuUtilizationCap} of the request\n\n` +
      `${resultTable(summaries, currency)}\n\n` +
      `vs first: cost relative to ${first?.name}. SLO-miss min: minutes with demand above ready capacity.\n`,
  );
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'replay a demand trace through costscale and baselines with the HPA controller model; report cost and SLO misses',
    )
    .requiredOption('--trace <file>', 'CSV timestamp,demand (ISO 8601 or Unix seconds; header optional)')
    .requiredOption('--policy <file>', 'YAML: one policy, or a configuration with policies: (see --name)')
    .option('--name <policy>', 'the policy to simulate when the file holds several')
    .addOption(
      new Option('--baseline <spec>', 'hpa-cpu:<target>, fixed:<replicas> or policy:<file>; repeatable')
        .argParser((value: string, previous: string[]) => [...previous, value])
        .default([] as string[], 'hpa-cpu:0.7'),
    )
    .option(
      '--timeline <file>',
      "write costscale's timeline CSV (timestamp,demand,desired_replicas,ready_replicas,capacity)",
    )
    .option('--json', 'print JSON instead of a table')
    .option('--replica-cost <perHour>', 'price of one replica-hour (default: policy resources × price book)')
    .option(
      '--hpa-tolerance <fraction>',
      "tolerance of every simulated HPA (costscale's and the CPU baselines'), set through behavior (Kubernetes ≥ 1.35); 'default' for HPAs without behavior (cluster default 0.1)",
      'default',
    )
    .option(
      '--hpa-scale-down-window <seconds>',
      "behavior.scaleDown.stabilizationWindowSeconds of the CPU baselines' HPAs; 'default' for the controller's 300 s",
      'default',
    )
    .option(
      '--costscale-scale-down-window <seconds>',
      "the same for the HPA reading costscale (default: deploy/examples/hpa.yaml's)",
      String(COSTSCALE_HPA_SCALE_DOWN_WINDOW_SECONDS),
    )
    .option(
      '--cpu-cap <utilisation>',
      'highest CPU utilisation of the request a replica reaches (CPU baselines; 1 = limit at the request)',
      '1',
    )
    .option('--scrape-interval <seconds>', "Prometheus' scrape interval of the demand counter", '30')
    .option(
      '--rate-window <seconds>',
      "range of the demand query's rate(), 0 for a gauge (default: the policy query's own, else 120)",
    )
    .option(
      '--tick-age <seconds>',
      'how long before an HPA sync the engine tick it reads ran (0 to 15 with the defaults)',
      '7.5',
    )
    .option('--metrics-resolution <seconds>', "metrics-server's --metric-resolution (CPU baselines)", '15')
    .option(
      '--capacity-error <fraction>',
      'what a replica really serves relative to capacityPerReplica, e.g. -0.2 for 20 % less (costscale decides with the configured κ)',
      '0',
    )
    .option('--sync-seconds <seconds>', 'HPA sync period and simulation step', '15')
    .option(
      '--interpolation <mode>',
      'demand between samples: linear, or hold (each sample until the next)',
      'linear',
    )
    .action((opts: SimulateOptions) => runSimulate(opts));
}
