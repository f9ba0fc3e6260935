import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { InputError } from '../errors';
import { parseBaselineSpec, parseSimulationPolicy, registerSimulateCommand } from './simulate';

const dir = mkdtempSync(join(tmpdir(), 'costscale-simulate-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const POLICY = `name: web
namespace: shop
target: { name: web }
demand: { query: 'sum(rate(http_requests_total[1m]))' }
capacityPerReplica: 10
replicas: { min: 1, max: 20 }
readinessDelaySeconds: 30
resources: { cpuCores: 1, memoryGiB: 2 }
`;

/** Two hours of demand at one-minute samples: 1 h at 40, 1 h at 80 (Unix seconds, with a header). */
function stepTrace(): string {
  const rows = ['timestamp,demand'];
  for (let m = 0; m < 120; m++) rows.push(`${1_700_000_000 + m * 60},${m < 60 ? 40 : 80}`);
  return `${rows.join('\n')}\n`;
}

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerSimulateCommand(program);
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['simulate', ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('costscale simulate', () => {
  const trace = file('step.csv', stepTrace());
  const policy = file('web.yaml', POLICY);

  it('prints a table with the baselines first and costscale last', async () => {
    const out = await run([
      '--trace',
      trace,
      '--policy',
      policy,
      '--baseline',
      'fixed:6',
      '--baseline',
      'hpa-cpu:70%',
    ]);
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      `${trace}: 120 samples, 2.0 h; policy web: κ 10/replica, 0.0401 USD/replica-h, readiness 30 s`,
    );
    expect(lines[1]).toBe(
      'pipelines: rate(…[60s]) of 30 s scrapes, ticks 7.5 s before HPA syncs; metrics-server resolution 15 s; ' +
        "HPA tolerance 0.1 (cluster default) on every HPA; scale-down window 300 s (controller default) on the CPU HPAs, 0 s on costscale's; " +
        'CPU capped at 1 of the request',
    );
    expect(lines[3]).toMatch(/^scenario\s+replica-h/);
    expect(lines[4]).toMatch(/^fixed:6\s+12\.0\s+6\.00\s+6\s+0\.48\s+100\.0 %\s+60\.5\s+16\.690\s+0\s+0$/);
    expect(lines[5]).toMatch(/^hpa-cpu:0\.7\s/);
    expect(lines[6]).toMatch(/^costscale:web\s/);
  });

  it('prints JSON with --json, and the default baseline is hpa-cpu:0.7', async () => {
    const report = JSON.parse(await run(['--trace', trace, '--policy', policy, '--json']));
    expect(report).toMatchObject({
      policy: 'web',
      currency: 'USD',
      capacityPerReplica: 10,
      trueCapacityPerReplica: 10,
      hpaTolerance: null,
      cpuCap: 1,
      // The rate() window is the policy query's own.
      pipeline: {
        scrapeIntervalSeconds: 30,
        rateWindowSeconds: 60,
        tickAgeSeconds: 7.5,
        metricsResolutionSeconds: 15,
      },
    });
    expect(report.trace).toMatchObject({ samples: 120, hours: 2, start: '2023-11-14T22:13:20.000Z' });
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual(['hpa-cpu:0.7', 'costscale:web']);
    const [hpa, costscale] = report.scenarios;
    expect(costscale.cost).toBeCloseTo(costscale.replicaHours * report.costPerReplicaHour, 9);
    // Both react to the step at 1 h within their metric pipeline's lag, a sync and a readiness delay:
    // metrics-server's 15 s window, or the 30 s scrapes, 1-minute rate() and tick age costscale reads.
    expect(hpa.sloMissMinutes).toBeLessThan(2);
    expect(costscale.sloMissMinutes).toBeLessThan(3);
  });

  it('sets the pipelines, the tolerance of every HPA and a capacity error from flags', async () => {
    const base = ['--trace', trace, '--policy', policy, '--json'];
    const report = JSON.parse(
      await run([
        ...base,
        '--scrape-interval',
        '15',
        '--rate-window',
        '45',
        '--tick-age',
        '0',
        '--metrics-resolution',
        '30',
        '--hpa-tolerance',
        '0',
        '--capacity-error',
        '-0.2',
      ]),
    );
    expect(report).toMatchObject({
      capacityPerReplica: 10,
      trueCapacityPerReplica: 8,
      hpaTolerance: 0,
      pipeline: {
        scrapeIntervalSeconds: 15,
        rateWindowSeconds: 45,
        tickAgeSeconds: 0,
        metricsResolutionSeconds: 30,
      },
    });
    // Replicas that serve 20 % less than costscale plans for miss more than when κ is right.
    const right = JSON.parse(await run([...base, '--hpa-tolerance', '0']));
    expect(report.scenarios[1].sloMissMinutes).toBeGreaterThan(right.scenarios[1].sloMissMinutes);
    await expect(run([...base, '--capacity-error', '-1'])).rejects.toThrow(InputError);
  });

  it('sets the scale-down windows: without one, an HPA gives up replicas sooner after a fall', async () => {
    const rows = ['timestamp,demand'];
    for (let m = 0; m < 120; m++) rows.push(`${1_700_000_000 + m * 60},${m < 60 ? 80 : 20}`);
    const fall = file('fall.csv', `${rows.join('\n')}\n`);
    const base = ['--trace', fall, '--policy', policy, '--json'];
    const defaults = JSON.parse(await run(base));
    expect(defaults).toMatchObject({ hpaScaleDownWindowSeconds: null, costscaleScaleDownWindowSeconds: 0 });
    const held = JSON.parse(await run([...base, '--costscale-scale-down-window', '300']));
    const unheld = JSON.parse(await run([...base, '--hpa-scale-down-window', '0']));
    expect(unheld.scenarios.map((s: { name: string }) => s.name)).toEqual(['hpa-cpu:0.7', 'costscale:web']);
    // Each flag reaches its own HPA only.
    expect(unheld.scenarios[0].replicaHours).toBeLessThan(defaults.scenarios[0].replicaHours);
    expect(unheld.scenarios[1].replicaHours).toBe(defaults.scenarios[1].replicaHours);
    expect(held.scenarios[1].replicaHours).toBeGreaterThan(defaults.scenarios[1].replicaHours);
    expect(held.scenarios[0].replicaHours).toBe(defaults.scenarios[0].replicaHours);
  });

  it('holds each sample with --interpolation hold', async () => {
    const args = ['--trace', trace, '--policy', policy, '--baseline', 'fixed:6', '--json'];
    const held = JSON.parse(await run([...args, '--interpolation', 'hold']));
    const linear = JSON.parse(await run(args));
    expect(held.scenarios[0].sloMissMinutes).toBeCloseTo(60, 9);
    // Linear: the last minute at 40 ramps to 80 and crosses 60 halfway.
    expect(linear.scenarios[0].sloMissMinutes).toBeCloseTo(60.5, 9);
  });

  it('uses --replica-cost over the resources', async () => {
    const report = JSON.parse(
      await run([
        '--trace',
        trace,
        '--policy',
        policy,
        '--json',
        '--baseline',
        'fixed:5',
        '--replica-cost',
        '2',
      ]),
    );
    expect(report.costPerReplicaHour).toBe(2);
    expect(report.scenarios[0].cost).toBeCloseTo(5 * 2 * 2, 9);
  });

  it('writes the timeline CSV for every simulated step', async () => {
    const out = join(dir, 'timeline.csv');
    await run(['--trace', trace, '--policy', policy, '--timeline', out, '--baseline', 'fixed:4']);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('timestamp,demand,desired_replicas,ready_replicas,capacity');
    expect(rows).toHaveLength(1 + 2 * 240);
    expect(rows[1]).toBe('2023-11-14T22:13:20.000Z,40,4,4,40');
  });

  it('picks a policy from a configuration file with --name and prices it with its price book', async () => {
    const config = file(
      'config.yaml',
      `prices:\n  book: { currency: EUR, cpuCoreHour: 0.5, ramGiBHour: 0 }\npolicies:\n` +
        `  - ${POLICY.trim().split('\n').join('\n    ')}\n` +
        `  - ${POLICY.replace('name: web', 'name: api').trim().split('\n').join('\n    ')}\n`,
    );
    await expect(run(['--trace', trace, '--policy', config])).rejects.toThrow(
      `${config}: 2 policies; choose one with --name`,
    );
    const report = JSON.parse(await run(['--trace', trace, '--policy', config, '--name', 'api', '--json']));
    expect(report).toMatchObject({ policy: 'api', currency: 'EUR', costPerReplicaHour: 0.5 });
  });

  it('runs costscale with another policy as a baseline', async () => {
    const other = file(
      'sla-first.yaml',
      POLICY.replace('name: web', 'name: web-sla').concat('mode: sla-first\nsloMissCostPerHour: 50\n'),
    );
    const report = JSON.parse(
      await run(['--trace', trace, '--policy', policy, '--baseline', `policy:${other}`, '--json']),
    );
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual([
      `costscale:${other}`,
      'costscale:web',
    ]);
    expect(report.scenarios[0].replicaHours).toBeGreaterThan(report.scenarios[1].replicaHours);
  });

  it.each([
    [['--baseline', 'hpa-cpu:1.5'], '--baseline hpa-cpu:1.5: hpa-cpu needs a target utilisation in (0, 1]'],
    [['--baseline', 'magic'], '--baseline magic: unknown baseline'],
    [['--hpa-tolerance', '-1'], '--hpa-tolerance -1: expected a non-negative number'],
    [['--hpa-scale-down-window', '-5'], '--hpa-scale-down-window -5: expected a non-negative number'],
    [
      ['--costscale-scale-down-window', 'x'],
      '--costscale-scale-down-window x: expected a non-negative number',
    ],
    [['--interpolation', 'cubic'], '--interpolation cubic: expected linear or hold'],
  ])('rejects bad usage %j', async (extra, message) => {
    await expect(run(['--trace', trace, '--policy', policy, ...extra])).rejects.toThrow(message);
    await expect(run(['--trace', trace, '--policy', policy, ...extra])).rejects.toBeInstanceOf(InputError);
  });

  it('reports trace problems with the file and line', async () => {
    const bad = file('bad.csv', 'timestamp,demand\n1700000000,5\n1700000060,lots\n');
    await expect(run(['--trace', bad, '--policy', policy])).rejects.toThrow(
      `${bad}: line 3: demand "lots" is not a non-negative number`,
    );
    await expect(run(['--trace', join(dir, 'missing.csv'), '--policy', policy])).rejects.toThrow(
      /^cannot read trace .*missing\.csv/,
    );
  });

  it('says on stderr where the clock of a trace stepped back and what it dropped', async () => {
    const rows = stepTrace().trim().split('\n');
    // Minute 30 again after minute 89: the clock steps back 59 minutes, minutes 30-89 come twice.
    const repeated = file('repeated.csv', [...rows.slice(0, 91), ...rows.slice(31)].join('\n'));
    let err = '';
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    try {
      const report = JSON.parse(await run(['--trace', repeated, '--policy', policy, '--json']));
      const plain = JSON.parse(await run(['--trace', trace, '--policy', policy, '--json']));
      expect(report.scenarios).toEqual(plain.scenarios);
    } finally {
      spy.mockRestore();
    }
    expect(err).toBe(
      `${repeated}: line 92: the clock steps back 59 min; 60 row(s) dropped until it passed the last kept one\n`,
    );
  });

  it('reports policy problems with the file and path', async () => {
    const bad = file('bad.yaml', POLICY.replace('capacityPerReplica: 10', 'capacityPerReplica: -1'));
    await expect(run(['--trace', trace, '--policy', bad])).rejects.toThrow(
      new RegExp(`^${bad}: capacityPerReplica: `),
    );
    const noCost = file('nocost.yaml', POLICY.replace('resources: { cpuCores: 1, memoryGiB: 2 }\n', ''));
    await expect(run(['--trace', trace, '--policy', noCost])).rejects.toThrow(
      /replica cost is unknown; set resources or --replica-cost/,
    );
  });
});

describe('parseBaselineSpec', () => {
  it('reads the three kinds', () => {
    expect(parseBaselineSpec('hpa-cpu:0.7')).toEqual({ kind: 'hpa-cpu', target: 0.7 });
    expect(parseBaselineSpec('hpa-cpu:70%')).toEqual({ kind: 'hpa-cpu', target: 0.7 });
    expect(parseBaselineSpec('fixed:12')).toEqual({ kind: 'fixed', replicas: 12 });
    expect(parseBaselineSpec('policy:a/b.yaml')).toEqual({ kind: 'policy', file: 'a/b.yaml' });
    expect(() => parseBaselineSpec('fixed:1.5')).toThrow(InputError);
  });
});

describe('parseSimulationPolicy', () => {
  it('names the path of a problem inside policies[]', () => {
    const text = `policies:\n  - ${POLICY.replace('min: 1', 'min: 30').trim().split('\n').join('\n    ')}\n`;
    expect(() => parseSimulationPolicy(text, 'c.yaml')).toThrow(
      'c.yaml: policies[0].replicas.max: must be ≥ replicas.min (30)',
    );
  });
});
