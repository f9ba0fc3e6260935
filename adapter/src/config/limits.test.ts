import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createDetector, scoreSample } from '../anomaly';
import { compactModel } from '../engine/forecasting';
import { packDetector } from '../engine/packedDetector';
import { fitForecastState, type PackedCalibration } from '../forecast';
import {
  FORECAST_STATE_BYTES,
  HEAP_RESERVE_BYTES,
  HEAP_USABLE_SHARE,
  POLICY_BYTES,
  SIGNAL_DETECTOR_BYTES,
  policyHeapBytes,
  policyLimitProblem,
} from './limits';
import { ConfigError, parseConfigText } from './load';
import { ConfigManager } from './manager';
import { configSchema } from './schema';

// Issue 16: a heap cap comes with a policy limit checked at load and reload, never an out-of-memory
// crash loop.

const MIB = 2 ** 20;

const policyYaml = (i: number, forecast = '') => `  - name: web${i}
    namespace: shop
    target: { name: web${i} }
    demand: { query: 'sum(rate(x{svc="web${i}"}[1m]))' }
    capacityPerReplica: 10
    replicas: { min: 1, max: 5 }
    resources: { cpuCores: 1, memoryGiB: 1 }
${forecast}`;
const fileWith = (count: number, extra = '', forecast = '') =>
  `prometheus:\n  default: { url: 'http://p:9090' }\n${extra}policies:\n${Array.from({ length: count }, (_, i) => policyYaml(i, forecast)).join('')}`;

function problemsOf(text: string, heapLimit: number): string[] {
  try {
    parseConfigText(text, 'c.yaml', {}, heapLimit);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  return [];
}

describe('policy heap estimate', () => {
  test('a forecast policy holds its history (14 days at 5 minutes by default); one without holds none', () => {
    const forecast = { enabled: true, stepSeconds: 300, historyDays: 14, refitHours: 6 };
    const base = POLICY_BYTES + SIGNAL_DETECTOR_BYTES;
    expect(policyHeapBytes({ forecast })).toBe(base + FORECAST_STATE_BYTES + 4095 * 4);
    expect(policyHeapBytes({ forecast: { ...forecast, historyDays: 7 } })).toBe(
      base + FORECAST_STATE_BYTES + 2048 * 4,
    );
    expect(policyHeapBytes({ forecast: { ...forecast, enabled: false } })).toBe(base);
  });

  test("every policy counts at least its cost per hour's anomaly detector as held, its slots filled", () => {
    // What the detector holds packed between buckets once a week of varying cost has visited every slot
    // (about 2.6 KiB, its slots in 16 bits; with its watch, test/bench/signal-detector-bytes.js, about 3 KiB).
    const detector = createDetector({ stepMs: 300_000 });
    for (let i = 0; i < 8 * 288; i++) scoreSample(detector, i * 300_000, 1 + Math.sin(i / 7) + (i % 5) / 10);
    const packed = packDetector(detector)!.length;
    expect(packed).toBeGreaterThan(2 * 1024);
    expect(SIGNAL_DETECTOR_BYTES).toBeGreaterThan(packed + 1024);
  });

  test('a forecast policy counts at least what its forecasting holds besides the history', () => {
    // Fourteen days of 5-minute buckets of a daily swing with noise (test/bench/forecast-policy-series.js).
    const step = 300_000;
    const history = Float64Array.from({ length: 14 * 288 }, (_, i) => {
      const x = Math.sin(i * 12.9898) * 43758.5453;
      return 60 * (1 + 0.5 * Math.sin((2 * Math.PI * i) / 288)) + 18 * (x - Math.floor(x) - 0.5);
    });
    // Demand's detector, held packed between the buckets it scores (engine/forecasting.ts).
    const detector = createDetector({ stepMs: step });
    history.forEach((v, i) => scoreSample(detector, i * step, v));
    const packed = packDetector(detector)!.length;
    // The fitted model's calibration, packed as the engine holds it (forecast/calibration.ts).
    const model = compactModel(fitForecastState(history, { horizon: 12, stepSeconds: 300 }));
    const calibration = (model.calibration as PackedCalibration).scores.byteLength;
    // A day of scored forecasts: three float32 series of 288 and their room of 16 (forecast/scoredOutcomes.ts).
    const outcomes = 3 * 4 * (288 + 16);
    // Besides these, forecast-policy-bytes.js measures about 4 KiB of objects (the series, the model's
    // members and settings, the served forecast and its view) and the bench a tick's garbage.
    expect(FORECAST_STATE_BYTES).toBeGreaterThan(packed + calibration + outcomes + 4 * 1024);
  });
});

describe('policy limit at load', () => {
  // The heap limit at which exactly `n` default (forecasting) policies fit.
  const heapFor = (n: number) =>
    (n * policyHeapBytes(configSchema.parse(parseConfigText(fileWith(1), 'c.yaml', {})).policies[0]!) +
      HEAP_RESERVE_BYTES) /
    HEAP_USABLE_SHARE;

  test('policies within the heap limit are accepted; one more is refused at the policies line', () => {
    expect(problemsOf(fileWith(3), heapFor(3))).toEqual([]);
    const [problem, ...rest] = problemsOf(fileWith(4), heapFor(3));
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^c\.yaml:4: policies: 4 policies need about \d+ MiB of heap, more than the \d+ MiB this process can give them \(heap limit \d+ MiB\); raise --max-old-space-size/,
    );
  });

  test('policies without forecasting need far less heap', () => {
    expect(problemsOf(fileWith(8, '', '    forecast: { enabled: false }\n'), heapFor(3))).toEqual([]);
  });

  test('under the heap cap deploy/ sets, about 2,850 forecasting policies fit', () => {
    // heap_size_limit of node --max-old-space-size=256 (Node 20 and 22 on x64).
    const deployHeap = 304 * MIB;
    expect(problemsOf(fileWith(2800), deployHeap)).toEqual([]);
    expect(problemsOf(fileWith(2900), deployHeap)).toHaveLength(1);
  });

  test('under that cap, about 11,400 policies without forecasting fit: fewer than the bench ran there', () => {
    // engine-memory.bench.ts under --max-old-space-size=256, watches a week old: 12,000 policies ran their
    // ticks and wrote the rendered and the compact snapshot; 15,000 ran out of memory after its ticks, writing them.
    const without = (n: number) =>
      policyLimitProblem(
        {
          policies: Array.from({ length: n }, () => ({ forecast: { enabled: false } })),
          limits: {},
        } as never,
        304 * MIB,
      );
    expect(POLICY_BYTES + SIGNAL_DETECTOR_BYTES).toBe(16 * 1024);
    expect(without(11_400)).toBeUndefined();
    expect(without(11_500)).toMatch(/^11500 policies need about 180 MiB of heap, more than the 180 MiB/);
    expect(without(12_000)).toBeDefined();
  });

  test('under 2048, the 100,000 policies without forecasting the bench runs fit', () => {
    const heap = 2096 * MIB; // heap_size_limit of node --max-old-space-size=2048
    const policies = Array.from({ length: 100_000 }, () => ({ forecast: { enabled: false } }));
    expect(policyLimitProblem({ policies, limits: {} } as never, heap)).toBeUndefined();
  });

  test('limits.maxPolicies replaces the estimate', () => {
    expect(problemsOf(fileWith(4, 'limits: { maxPolicies: 4 }\n'), heapFor(1))).toEqual([]);
    expect(problemsOf(fileWith(4, 'limits: { maxPolicies: 3 }\n'), 8 * 2 ** 30)).toEqual([
      'c.yaml:5: policies: 4 policies, more than limits.maxPolicies (3)',
    ]);
  });

  test('a reload over the limit keeps the running configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costscale-limits-'));
    const file = join(dir, 'config.yaml');
    try {
      writeFileSync(file, fileWith(2, 'limits: { maxPolicies: 2 }\n'));
      const manager = new ConfigManager(file, pino({ level: 'silent' }));
      writeFileSync(file, fileWith(3, 'limits: { maxPolicies: 2 }\n'));
      await expect(manager.reload('file change')).resolves.toBe(false);
      expect(manager.current().policies.map((p) => p.name)).toEqual(['web0', 'web1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('policyLimitProblem counts the policies it is given', () => {
  const config = configSchema.parse(parseConfigText(fileWith(2), 'c.yaml', {}));
  expect(policyLimitProblem(config, 8 * 2 ** 30)).toBeUndefined();
  expect(policyLimitProblem({ ...config, limits: { maxPolicies: 1 } }, 8 * 2 ** 30)).toBe(
    '2 policies, more than limits.maxPolicies (1)',
  );
});
