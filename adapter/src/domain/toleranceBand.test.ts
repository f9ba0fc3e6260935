import { bandEdges, reachableReplicas } from './toleranceBand';

describe('bandEdges', () => {
  it('gives the nearest counts the HPA moves to at the default tolerance', () => {
    // 11 → 12 is a ratio of 1.09, inside 0.1: the HPA holds; 13 (1.18) is the nearest it reaches.
    expect(bandEdges(11, 0.1)).toEqual({ up: 13, down: 9 });
    // 10 → 11 is exactly 1.1, which the HPA still treats as inside its tolerance.
    expect(bandEdges(10, 0.1)).toEqual({ up: 12, down: 8 });
    expect(bandEdges(3, 0.1)).toEqual({ up: 4, down: 2 });
    expect(bandEdges(1, 0.5)).toEqual({ up: 2, down: 0 });
  });
});

describe('reachableReplicas', () => {
  const never = (): number => 0;
  const always = (): number => 1;

  it('returns the wanted count outside the band, with tolerance 0 and without a current count', () => {
    expect(reachableReplicas(14, 11, 0.1, 1, 100, always)).toBe(14);
    expect(reachableReplicas(8, 11, 0.1, 1, 100, never)).toBe(8);
    expect(reachableReplicas(12, 11, 0, 1, 100, always)).toBe(12);
    expect(reachableReplicas(12, 0, 0.1, 1, 100, always)).toBe(12);
    expect(reachableReplicas(11, 11, 0.1, 1, 100, always)).toBe(11);
  });

  it('jumps up to the band edge when the replicas in between are worth their price', () => {
    // Need beyond 11 replicas is certain, beyond 12 has probability 0.5: 100·1 − 1 + 100·0.5 − 1 > 0.
    const exceeds = (k: number): number => (k <= 11 ? 1 : k === 12 ? 0.5 : 0);
    expect(reachableReplicas(12, 11, 0.1, 1, 100, exceeds)).toBe(13);
  });

  it('stays when the jump costs more than the misses it saves', () => {
    // Replica 12 is worth 2·0.6 − 1 = 0.2, replica 13 costs 1 against 2·0.01: net negative.
    const exceeds = (k: number): number => (k <= 10 ? 1 : k === 11 ? 0.6 : 0.01);
    expect(reachableReplicas(12, 11, 0.1, 1, 2, exceeds)).toBe(11);
  });

  it('scales down to the band edge only when the replicas given up are not worth keeping', () => {
    // From 11 wanting 10: dropping to 9 gives up replicas 10 and 11.
    expect(reachableReplicas(10, 11, 0.1, 1, 100, never)).toBe(9);
    const tenthNeeded = (k: number): number => (k < 9 ? 1 : k === 9 ? 0.5 : 0);
    // Replica 10 is worth 100·0.5 − 1: keeping 11 is cheaper than the risk.
    expect(reachableReplicas(10, 11, 0.1, 1, 100, tenthNeeded)).toBe(11);
  });
});
