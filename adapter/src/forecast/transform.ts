/**
 * Variance-stabilising transform. Demand series usually have seasonal swings proportional to their
 * level, which the additive models only capture in log space; series with zeros or negatives stay
 * in their own units.
 */
export type Transform = { kind: 'identity' } | { kind: 'log' };

export function chooseTransform(values: ArrayLike<number>): Transform {
  for (let i = 0; i < values.length; i++) if (!(values[i]! > 0)) return { kind: 'identity' };
  return { kind: 'log' };
}

/**
 * Applies the transform, into `out` (which may be `values` itself). In log space a non-positive value
 * (demand that fell to zero after a log model was fitted) is taken as the smallest positive value of
 * the series.
 */
export function applyTransform(
  transform: Transform,
  values: ArrayLike<number>,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  if (transform.kind === 'identity') return out;
  let floor = Infinity;
  for (let i = 0; i < out.length; i++) if (out[i]! > 0 && out[i]! < floor) floor = out[i]!;
  if (!Number.isFinite(floor)) floor = 1;
  for (let i = 0; i < out.length; i++) out[i] = Math.log(out[i]! > 0 ? out[i]! : floor);
  return out;
}

export function invertTransform(transform: Transform, values: ArrayLike<number>): Float64Array {
  // A loop: Float64Array.from over a typed array iterates it, an object per value.
  const out = new Float64Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = invertValue(transform, values[i]!);
  return out;
}

/** One value of invertTransform, for callers that need no array. */
export function invertValue(transform: Transform, value: number): number {
  return transform.kind === 'log' ? Math.exp(value) : value;
}
