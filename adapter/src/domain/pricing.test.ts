import { priceBookSchema } from '../config/schema';
import {
  blendedCostPerReplicaHour,
  blendedUnitPrices,
  costPerReplicaHour,
  type NodePrice,
  priceSetFromBook,
  priceSetFromNodes,
} from './pricing';

const book = priceBookSchema.parse({});
const prices = priceSetFromBook(book);

describe('replica cost from the price book', () => {
  it('multiplies requests by on-demand unit prices', () => {
    const c = costPerReplicaHour({ cpuCores: 2, memoryGiB: 4, gpus: 0 }, prices.onDemand);
    expect(c).toBeCloseTo(2 * book.cpuCoreHour + 4 * book.ramGiBHour, 12);
    expect(costPerReplicaHour({ cpuCores: 0, memoryGiB: 0, gpus: 1 }, prices.onDemand)).toBe(book.gpuHour);
  });

  it('blends on-demand and spot by the spot share, clamped to [0, 1]', () => {
    const half = blendedUnitPrices(prices, 0.5);
    expect(half.cpuCoreHour).toBeCloseTo((book.cpuCoreHour + book.spotCpuCoreHour) / 2, 12);
    expect(half.ramGiBHour).toBeCloseTo((book.ramGiBHour + book.spotRamGiBHour) / 2, 12);
    expect(blendedUnitPrices(prices, 1.7)).toEqual(blendedUnitPrices(prices, 1));
    expect(blendedUnitPrices(prices, -1)).toEqual(prices.onDemand);
    const r = { cpuCores: 1, memoryGiB: 2, gpus: 0 };
    const allSpot = blendedCostPerReplicaHour(r, prices, 1);
    const allOnDemand = blendedCostPerReplicaHour(r, prices, 0);
    expect(allSpot).toBeLessThan(allOnDemand);
    expect(blendedCostPerReplicaHour(r, prices, 0.25)).toBeCloseTo(0.75 * allOnDemand + 0.25 * allSpot, 12);
  });
});

describe('priceSetFromNodes', () => {
  const nodes: NodePrice[] = [
    { node: 'a', cpuCoreHour: 0.04, ramGiBHour: 0.005, spot: false },
    { node: 'b', cpuCoreHour: 0.02, ramGiBHour: 0.003, spot: false },
    { node: 'c', cpuCoreHour: 0.01, ramGiBHour: 0.001, spot: true },
    { node: 'g', cpuCoreHour: 0.05, ramGiBHour: 0.006, gpuHour: 2.5, spot: false },
  ];

  it('averages the nodes the workload runs on, separately for spot', () => {
    const e = priceSetFromNodes(nodes, prices, ['a', 'b', 'c']);
    expect(e.scope).toBe('workload');
    expect(e.onDemandNodes).toBe(2);
    expect(e.spotNodes).toBe(1);
    expect(e.prices.onDemand.cpuCoreHour).toBeCloseTo(0.03, 12);
    expect(e.prices.onDemand.ramGiBHour).toBeCloseTo(0.004, 12);
    expect(e.prices.spot.cpuCoreHour).toBe(0.01);
    // No GPU node among them: the GPU price comes from the fallback book.
    expect(e.prices.onDemand.gpuHour).toBe(book.gpuHour);
    expect(e.warnings).toEqual([]);
  });

  it('averages GPU prices over GPU nodes only', () => {
    expect(priceSetFromNodes(nodes, prices).prices.onDemand.gpuHour).toBe(2.5);
  });

  it('falls back to all nodes, and to the book for a missing kind, saying so', () => {
    const e = priceSetFromNodes(nodes, prices, ['elsewhere']);
    expect(e.scope).toBe('all');
    expect(e.onDemandNodes).toBe(3);
    expect(e.warnings.join('\n')).toMatch(/none of the workload's nodes is priced/);
    const onDemandOnly = priceSetFromNodes(nodes.slice(0, 2), prices);
    expect(onDemandOnly.prices.spot).toEqual(prices.spot);
    expect(onDemandOnly.warnings.join('\n')).toMatch(/no spot nodes priced/);
  });

  it('skips nodes with missing or invalid prices', () => {
    const e = priceSetFromNodes(
      [...nodes, { node: 'broken', cpuCoreHour: Number.NaN, ramGiBHour: 0.002, spot: false }],
      prices,
      ['a', 'broken'],
    );
    expect(e.onDemandNodes).toBe(1);
    expect(e.prices.onDemand.cpuCoreHour).toBe(0.04);
    expect(e.warnings.join('\n')).toMatch(/node broken skipped/);
  });
});
