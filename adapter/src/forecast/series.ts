/** Gap handling for series given as plain arrays (NaN marks a missing point). */

/**
 * Replaces missing points (NaN or ±Infinity). With a season, a gap repeats the last season before
 * it, moved linearly towards the level found after it, so that a missing night keeps its daily shape;
 * gaps without a season of history before them are interpolated linearly between their neighbours
 * (and held flat at the ends).
 */
export function fillGaps(
  values: ArrayLike<number>,
  period = 0,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  const n = values.length;
  let i = 0;
  let lastKnown = -1;
  while (i < n) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      out[i] = v;
      lastKnown = i;
      i++;
      continue;
    }
    let end = i;
    while (end < n && !Number.isFinite(values[end]!)) end++;
    const left = lastKnown >= 0 ? out[lastKnown]! : NaN;
    const right = end < n ? values[end]! : NaN;
    if (lastKnown < 0 && end >= n) return out.fill(0);
    // The season before the gap, moved linearly towards the level found after it.
    const seasonal = period > 0 && lastKnown + 1 >= period;
    const rightReference = end - period * Math.ceil((end - lastKnown) / period);
    const offsetRight = seasonal && end < n && rightReference >= 0 ? right - out[rightReference]! : 0;
    for (let j = i; j < end; j++) {
      const fraction = (j - lastKnown) / (end - lastKnown);
      if (seasonal) out[j] = out[j - period * Math.ceil((j - lastKnown) / period)]! + fraction * offsetRight;
      else if (lastKnown < 0) out[j] = right;
      else if (end >= n) out[j] = left;
      else out[j] = left + fraction * (right - left);
    }
    i = end;
  }
  return out;
}

/** Number of finite points. */
export function countFinite(values: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) count++;
  return count;
}
