import { uniformNoise } from './uniformNoise';

/** A noisy daily pattern of 5-minute samples, 100 ± 30, deterministic. */
export function seasonal(length: number, seed = 1): number[] {
  const noise = uniformNoise(seed);
  return Array.from({ length }, (_, t) => 100 + 30 * Math.sin((2 * Math.PI * t) / 288) + 4 * noise());
}

/**
 * Twelve days of the daily pattern with bursts of +60 to +100 every 7 hours 5 minutes from day 1 (not at
 * one time of day, so not routine events), then, 100 samples before the end, one of +150: a burst beyond
 * every one of them. A wide swing in the warm-up (0, then 300) keeps every burst inside the range seen, so
 * that none is a spatial anomaly.
 */
export function burstySeasonal(): { values: number[]; bursts: number[]; big: number } {
  const values = seasonal(288 * 12);
  values[2] = 0;
  values[3] = 300;
  const bursts: number[] = [];
  for (let at = 288 + 50; at < values.length - 200; at += 85) {
    bursts.push(at);
    values[at] = values[at]! + 60 + 10 * ((bursts.length * 7) % 5);
  }
  const big = values.length - 100;
  values[big] = values[big]! + 150;
  return { values, bursts, big };
}
