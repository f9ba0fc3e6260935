/**
 * Deterministic synthetic series for the tests: a seeded generator (mulberry32) and series with known
 * structure, so every expected value is derived from the construction rather than recorded.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a uniform generator. */
export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export interface SyntheticOptions {
  length: number;
  level?: number;
  /** Slope per step. */
  trend?: number;
  daily?: { period: number; amplitude: number };
  weekly?: { period: number; amplitude: number };
  /** Standard deviation of Gaussian noise. */
  noise?: number;
  seed?: number;
}

/** level + trend·t + daily and weekly sine waves + noise. */
export function synthetic(options: SyntheticOptions): Float64Array {
  const random = seededRandom(options.seed ?? 1);
  const out = new Float64Array(options.length);
  for (let t = 0; t < options.length; t++) {
    let v = (options.level ?? 100) + (options.trend ?? 0) * t;
    if (options.daily) v += options.daily.amplitude * Math.sin((2 * Math.PI * t) / options.daily.period);
    if (options.weekly)
      v += options.weekly.amplitude * Math.sin((2 * Math.PI * t) / options.weekly.period + 1);
    out[t] = v + (options.noise ?? 0) * normal(random);
  }
  return out;
}

/** Mean absolute error between two equally long arrays. */
export function meanAbsoluteError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
