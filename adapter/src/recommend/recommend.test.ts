import { policySchema, recommendationsSchema, type Policy } from '../config/schema';
import { priceSetFromBook } from '../domain';
import { priceBookSchema } from '../config/schema';
import { recommendWorkload } from './recommend';
import type { ContainerHistory, Recommendation, Scaling, WorkloadInput } from './types';

// The recommenders on crafted histories with known answers. Time runs in 5-minute steps from a Monday
// 00:00 UTC; pods exist while the replica count covers them.

const STEP = 300_000;
const MONDAY = Date.UTC(2024, 0, 1);
const MIB = 1024 * 1024;
const book = priceBookSchema.parse({});

interface Crafted {
  days: number;
  demand: (t: number) => number;
  replicas: (t: number, demand: number) => number;
  /** CPU cores one pod uses, given the demand it carries. */
  cpu: (perPodDemand: number, i: number) => number;
  memoryBytes?: number;
  requests: { cpuCores: number; memoryBytes: number };
  maxPods?: number;
}

function craft(c: Crafted): WorkloadInput['history'] {
  const n = (c.days * 86_400_000) / STEP;
  const maxPods = c.maxPods ?? 40;
  const timesMs = new Float64Array(n);
  const demand = new Float64Array(n);
  const replicas = new Float64Array(n);
  const cpu = Array.from({ length: maxPods }, () => new Float64Array(n).fill(Number.NaN));
  const memory = Array.from({ length: maxPods }, () => new Float64Array(n).fill(Number.NaN));
  for (let i = 0; i < n; i++) {
    const t = MONDAY + i * STEP;
    timesMs[i] = t;
    const d = c.demand(t);
    const r = c.replicas(t, d);
    demand[i] = d;
    replicas[i] = r;
    for (let p = 0; p < Math.min(r, maxPods); p++) {
      (cpu[p] as Float64Array)[i] = c.cpu(r > 0 ? d / r : 0, i);
      (memory[p] as Float64Array)[i] = c.memoryBytes ?? 300 * MIB;
    }
  }
  const container: ContainerHistory = {
    name: 'app',
    cpuCores: cpu,
    memoryBytes: memory,
    requests: c.requests,
    limits: { cpuCores: null, memoryBytes: null },
  };
  return { stepMs: STEP, timesMs, demand, replicas, containers: [container] };
}

function policy(extra: Record<string, unknown> = {}): Policy {
  return policySchema.parse({
    name: 'web',
    namespace: 'shop',
    target: { name: 'web' },
    demand: { query: 'sum(rate(http_requests_total[2m]))' },
    capacityPerReplica: 100,
    replicas: { min: 2, max: 40 },
    readinessDelaySeconds: 30,
    ...extra,
  });
}

function input(
  history: WorkloadInput['history'],
  scaling: Scaling,
  extra: Partial<WorkloadInput> = {},
  settings: Record<string, unknown> = {},
): WorkloadInput {
  return {
    policy: policy(),
    workloadKind: 'Deployment',
    history,
    scaling,
    podDisruptionBudget: null,
    prices: priceSetFromBook(book),
    currency: book.currency,
    settings: recommendationsSchema.parse(settings),
    ...extra,
  };
}

/** A deterministic wobble in [-1, 1]. */
const wobble = (i: number): number => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 4.1414) * 0.5;
const daily = (t: number): number => 500 + 300 * Math.sin((2 * Math.PI * (t - MONDAY)) / 86_400_000);
const costscaleReplicas = (_t: number, d: number): number => Math.max(2, Math.ceil(d / 90));
const external: Scaling = { kind: 'hpa-external', hpa: 'web', minReplicas: 2, maxReplicas: 40 };

const find = (list: readonly Recommendation[], kind: string) => list.find((r) => r.kind === kind);

describe('request right-sizing', () => {
  it('shrinks a request the workload uses a fifth of, at the operating point κ', () => {
    // 0.02 core + 0.0018 core per request/s: 0.2 core at κ = 100 against a request of 1 core.
    const history = craft({
      days: 3,
      demand: daily,
      replicas: costscaleReplicas,
      cpu: (d, i) => 0.02 + 0.0018 * d * (1 + 0.03 * wobble(i)),
      requests: { cpuCores: 1, memoryBytes: 2048 * MIB },
    });
    const out = recommendWorkload(input(history, external));
    const r = find(out.offered, 'rightsizing');
    expect(r).toBeDefined();
    const change = r!.changes[0];
    expect(change?.type).toBe('container-requests');
    const app = change?.type === 'container-requests' ? change.containers[0] : undefined;
    const cpu = Number(app?.cpu?.replace('m', '')) / 1000;
    // P90 at κ (≈ 0.2 core) plus the 15 % margin, rounded up to a histogram bucket.
    expect(cpu).toBeGreaterThan(0.2 * 1.15);
    expect(cpu).toBeLessThan(0.3);
    // Memory from 300 MiB daily peaks with the margin: 345 MiB, up to a bucket edge.
    const memory = Number(app?.memory?.replace('Mi', ''));
    expect(memory).toBeGreaterThanOrEqual(345);
    expect(memory).toBeLessThan(380);
    expect(r!.monthlySavings).toBeGreaterThan(0);
    expect(r!.slaCheck.passed).toBe(true);
    expect(r!.slaCheck.after.sloMissMinutes).toBeLessThanOrEqual(r!.slaCheck.before.sloMissMinutes + 1e-9);
    expect(r!.evidence['app.cpu.samples']).toBe('demand-shift');
    expect(r!.evidence['app.cpu.perDemandUnit']).toBeCloseTo(0.0018, 4);
  });

  it('does not shrink an HPA-held workload towards its target utilisation', () => {
    // A CPU HPA at 50 % holds each pod near 0.5 core of its 1-core request, whatever the demand.
    const scaling: Scaling = {
      kind: 'hpa-cpu',
      hpa: 'web',
      minReplicas: 2,
      maxReplicas: 40,
      targetUtilization: 0.5,
    };
    const history = craft({
      days: 3,
      demand: daily,
      replicas: (_t, d) => Math.max(3, Math.ceil(d / 50)),
      cpu: (_d, i) => 0.5 * (1 + 0.05 * wobble(i)),
      requests: { cpuCores: 1, memoryBytes: 440 * MIB },
    });
    const out = recommendWorkload(input(history, scaling, { policy: policy({ capacityPerReplica: 50 }) }));
    const r = find([...out.offered, ...out.rejected], 'rightsizing');
    // Raw usage would give 0.5 × 1.15 ≈ 0.58 core; the HPA-corrected estimate keeps about 1 core, inside
    // the bounds, so nothing is offered or rejected (issue 16: this was a conditional expect that never ran).
    expect(r).toBeUndefined();
    expect(out.notes.rightsizing).toBe('every request lies within its estimated bounds');
    // The same usage read without the HPA correction is shrunk towards half.
    const naive = recommendWorkload(
      input(
        history,
        { kind: 'none' },
        { policy: policy({ capacityPerReplica: 50, replicas: { min: 3, max: 40 } }) },
      ),
    );
    const shrunk = find(naive.offered, 'rightsizing')?.changes[0];
    const naiveCpu = shrunk?.type === 'container-requests' ? shrunk.containers[0]?.cpu : undefined;
    expect(Number(naiveCpu?.replace('m', ''))).toBeLessThan(700);
  });
});

describe('idle workloads', () => {
  it('offers scale-to-zero for a workload without demand, saving its whole cost', () => {
    const history = craft({
      days: 2,
      demand: () => 0,
      replicas: () => 1,
      cpu: () => 0.01,
      requests: { cpuCores: 0.5, memoryBytes: 512 * MIB },
    });
    const scaling: Scaling = { kind: 'hpa-external', hpa: 'web', minReplicas: 1, maxReplicas: 10 };
    const out = recommendWorkload(
      input(history, scaling, { policy: policy({ replicas: { min: 1, max: 10 } }) }),
    );
    const r = find(out.offered, 'idle');
    expect(r).toBeDefined();
    expect(r!.changes).toEqual([
      { type: 'workload-replicas', workload: { kind: 'Deployment', name: 'web' }, replicas: 0 },
    ]);
    expect(r!.slaCheck).toMatchObject({ passed: true, sloMissIncreaseMinutes: 0 });
    // One replica of 0.5 core and 0.5 GiB at the book prices, 730 h a month.
    expect(r!.monthlySavings).toBeCloseTo(730 * (0.5 * book.cpuCoreHour + 0.5 * book.ramGiBHour), 6);
  });

  it('does not propose scaling to zero what already runs no replicas', () => {
    const history = craft({
      days: 2,
      demand: () => 0,
      replicas: () => 0,
      cpu: () => 0,
      requests: { cpuCores: 0.5, memoryBytes: 512 * MIB },
    });
    const scaling: Scaling = { kind: 'hpa-external', hpa: 'web', minReplicas: 1, maxReplicas: 10 };
    const out = recommendWorkload(
      input(history, scaling, { policy: policy({ replicas: { min: 1, max: 10 } }) }),
    );
    expect(out.notes.idle).toBe('the workload ran no replicas in the window');
  });

  it('rejects scale-to-zero when the SLA check finds the traffic it would drop', () => {
    // Quiet 96.7 % of the time, but bursts of 300/s for 10 minutes every five hours.
    const bursts = (t: number): number => (((t - MONDAY) / STEP) % 60 < 2 ? 300 : 0);
    const history = craft({
      days: 2,
      demand: bursts,
      replicas: (_t, d) => Math.max(1, Math.ceil(d / 100)),
      cpu: () => 0.01,
      requests: { cpuCores: 0.5, memoryBytes: 512 * MIB },
    });
    const scaling: Scaling = { kind: 'hpa-external', hpa: 'web', minReplicas: 1, maxReplicas: 10 };
    const out = recommendWorkload(
      input(history, scaling, { policy: policy({ replicas: { min: 1, max: 10 } }) }),
    );
    expect(find(out.offered, 'idle')).toBeUndefined();
    const r = find(out.rejected, 'idle');
    expect(r).toBeDefined();
    expect(r!.slaCheck.passed).toBe(false);
    expect(r!.slaCheck.sloMissIncreaseMinutes).toBeGreaterThan(r!.slaCheck.toleranceMinutes);
    expect(r!.slaCheck.detail).toMatch(/^rejected: /);
  });
});

describe('schedule profiles', () => {
  // Weekdays: 50/s at night, ramping over half an hour to 800/s from 09:00, back down at 16:30–17:00;
  // weekends 50/s.
  const businessHours = (t: number): number => {
    const day = new Date(t).getUTCDay();
    if (day === 0 || day === 6) return 50;
    const hour = (t % 86_400_000) / 3_600_000;
    const ramp = Math.min(1, Math.max(0, 2 * Math.min(hour - 8.5, 17 - hour)));
    return 50 + 750 * ramp;
  };

  it('proposes a weekday business-hours floor for a strongly daily workload, lowering the minimum', () => {
    const history = craft({
      days: 7,
      demand: businessHours,
      replicas: (_t, d) => Math.max(8, Math.ceil(d / 90)),
      cpu: (d) => 0.02 + 0.0018 * d,
      requests: { cpuCores: 0.25, memoryBytes: 400 * MIB },
    });
    const scaling: Scaling = { kind: 'hpa-external', hpa: 'web', minReplicas: 8, maxReplicas: 40 };
    const out = recommendWorkload(
      input(
        history,
        scaling,
        { policy: policy({ replicas: { min: 8, max: 40 } }) },
        { slaToleranceMinutesPerDay: 2 },
      ),
    );
    const r = find(out.offered, 'schedule');
    expect(r).toBeDefined();
    expect(r!.evidence.dailyAutocorrelation).toBeGreaterThan(0.6);
    const policyChange = r!.changes.find((c) => c.type === 'policy');
    expect(policyChange).toMatchObject({
      type: 'policy',
      policy: 'web',
      minReplicas: 2,
      schedules: [
        {
          name: 'business-hours',
          timeZone: 'UTC',
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          from: '09:00',
          to: '17:00',
        },
      ],
    });
    expect(r!.changes.find((c) => c.type === 'hpa')).toMatchObject({
      type: 'hpa',
      hpa: 'web',
      minReplicas: 2,
    });
    expect(r!.monthlySavings).toBeGreaterThan(0);
    expect(r!.slaCheck.passed).toBe(true);
  });

  it('proposes none for demand without a daily pattern', () => {
    const history = craft({
      days: 4,
      demand: (t) => 400 + 200 * wobble((t - MONDAY) / STEP),
      replicas: costscaleReplicas,
      cpu: (d) => 0.02 + 0.0018 * d,
      requests: { cpuCores: 0.25, memoryBytes: 400 * MIB },
    });
    const out = recommendWorkload(input(history, external));
    expect(find(out.offered, 'schedule')).toBeUndefined();
    expect(out.notes.schedule).toMatch(/^demand is not periodic enough/);
  });
});

describe('HPA tuning', () => {
  it('raises a CPU target below the profile and lowers a minimum the troughs do not need', () => {
    // Troughs: P5 of demand ≈ 203/s, so ⌈203 / κ 100⌉ = 3 replicas instead of the minimum 10.
    const scaling: Scaling = {
      kind: 'hpa-cpu',
      hpa: 'web',
      minReplicas: 10,
      maxReplicas: 40,
      targetUtilization: 0.4,
    };
    const history = craft({
      days: 3,
      demand: daily,
      replicas: (_t, d) => Math.max(10, Math.ceil(d / 40)),
      cpu: (d) => 0.01 * d,
      requests: { cpuCores: 1, memoryBytes: 400 * MIB },
    });
    const out = recommendWorkload(input(history, scaling));
    const r = find(out.offered, 'hpa-tuning');
    expect(r).toBeDefined();
    expect(r!.changes).toEqual([
      {
        type: 'hpa',
        hpa: 'web',
        workload: { kind: 'Deployment', name: 'web' },
        minReplicas: 3,
        cpuTargetPercent: 70,
      },
    ]);
    expect(r!.monthlySavings).toBeGreaterThan(0);
  });

  it('raises a maximum below the peak and is offered for the SLO misses it removes', () => {
    const scaling: Scaling = { kind: 'hpa-external', hpa: 'web', minReplicas: 2, maxReplicas: 5 };
    const history = craft({
      days: 2,
      demand: daily,
      replicas: (_t, d) => Math.min(5, Math.max(2, Math.ceil(d / 90))),
      cpu: (d) => 0.02 + 0.0018 * d,
      requests: { cpuCores: 0.25, memoryBytes: 400 * MIB },
    });
    const out = recommendWorkload(input(history, scaling));
    const r = find(out.offered, 'hpa-tuning');
    expect(r).toBeDefined();
    // Peak 800/s over κ 100 needs 8 replicas; with 20 % headroom the maximum becomes 10.
    expect(r!.changes).toEqual([
      { type: 'hpa', hpa: 'web', workload: { kind: 'Deployment', name: 'web' }, maxReplicas: 10 },
    ]);
    expect(r!.monthlySavings).toBeLessThan(0);
    expect(r!.slaCheck.after.sloMissMinutes).toBeLessThan(r!.slaCheck.before.sloMissMinutes - 60);
  });
});

describe('spot suitability', () => {
  const history = craft({
    days: 2,
    demand: daily,
    replicas: costscaleReplicas,
    cpu: (d) => 0.02 + 0.0018 * d,
    requests: { cpuCores: 0.25, memoryBytes: 400 * MIB },
  });

  it('offers spot placement for a Deployment with two replicas and a PDB, within the SLA tolerance', () => {
    // A daily interruption at the peak costs SLO-miss minutes until the replacement is ready (3 more over
    // the two days for this workload, provisioned tightly at v = 0.5; at the default v its headroom at the
    // peak covers the lost pod): over a tolerance of half a minute a day, within 3.
    const tight = { podDisruptionBudget: true, policy: policy({ sloMissCostPerHour: 0.5 }) };
    const strict = recommendWorkload(input(history, external, tight, { slaToleranceMinutesPerDay: 0.5 }));
    expect(find(strict.rejected, 'spot')?.slaCheck.passed).toBe(false);
    const out = recommendWorkload(input(history, external, tight, { slaToleranceMinutesPerDay: 3 }));
    const r = find(out.offered, 'spot');
    expect(r).toBeDefined();
    expect(r!.changes).toEqual([
      {
        type: 'spot-placement',
        workload: { kind: 'Deployment', name: 'web' },
        nodeSelector: { 'karpenter.sh/capacity-type': 'spot' },
        tolerations: [],
      },
    ]);
    const perReplica =
      0.25 * (book.cpuCoreHour - book.spotCpuCoreHour) +
      (400 / 1024) * (book.ramGiBHour - book.spotRamGiBHour);
    expect(r!.monthlySavings).toBeCloseTo(730 * perReplica * r!.slaCheck.before.meanReplicas, 6);
    expect(r!.slaCheck.scenario).toMatch(/daily spot interruptions$/);
    expect(r!.slaCheck.after.sloMissMinutes).toBeGreaterThan(r!.slaCheck.before.sloMissMinutes);
  });

  it('is not suitable without a PDB, below two replicas, or for a StatefulSet', () => {
    expect(recommendWorkload(input(history, external, { podDisruptionBudget: false })).notes.spot).toBe(
      'no PodDisruptionBudget covers the pods',
    );
    expect(recommendWorkload(input(history, external)).notes.spot).toMatch(/^unknown whether/);
    expect(
      recommendWorkload(
        input(
          history,
          { ...external, minReplicas: 1 },
          { podDisruptionBudget: true, policy: policy({ replicas: { min: 1, max: 40 } }) },
        ),
      ).notes.spot,
    ).toMatch(/^minimum replicas 1/);
    expect(
      recommendWorkload(input(history, external, { podDisruptionBudget: true, workloadKind: 'StatefulSet' }))
        .notes.spot,
    ).toBe('a StatefulSet keeps state on its pods');
  });
});

describe('preconditions', () => {
  it('needs κ, a day of history and known requests', () => {
    const history = craft({
      days: 2,
      demand: daily,
      replicas: costscaleReplicas,
      cpu: () => 0.1,
      requests: { cpuCores: 0.25, memoryBytes: 400 * MIB },
    });
    const learned = policySchema.parse({ ...policy(), capacityPerReplica: undefined, learnCapacity: true });
    const noKappa = recommendWorkload(input(history, external, { policy: learned }));
    expect(noKappa.offered).toEqual([]);
    expect(noKappa.notes.idle).toMatch(/no capacityPerReplica/);
    const short = {
      ...history,
      timesMs: history.timesMs.subarray(0, 100),
      demand: history.demand.subarray(0, 100),
    };
    expect(recommendWorkload(input(short, external)).notes.rightsizing).toMatch(
      /h of demand history; at least 24 h/,
    );
  });
});
