/** Deterministic uniform noise in [−0.5, 0.5): a linear congruential generator from `seed`. */
export function uniformNoise(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  };
}
