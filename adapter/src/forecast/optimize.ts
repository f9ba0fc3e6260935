/**
 * Derivative-free minimisation (Nelder–Mead simplex with the standard coefficients: reflection 1,
 * expansion 2, contraction ½, shrink ½). Parameters are unconstrained; models map them into their
 * admissible ranges themselves.
 */
export interface MinimizeOptions {
  maxEvaluations: number;
  initialStep: number;
  tolerance: number;
}

export interface MinimizeResult {
  point: Float64Array;
  value: number;
  evaluations: number;
}

const DEFAULTS: MinimizeOptions = { maxEvaluations: 200, initialStep: 0.5, tolerance: 1e-7 };

export function minimize(
  objective: (x: Float64Array) => number,
  start: ArrayLike<number>,
  options: Partial<MinimizeOptions> = {},
): MinimizeResult {
  const { maxEvaluations, initialStep, tolerance } = { ...DEFAULTS, ...options };
  const d = start.length;
  const simplex: Float64Array[] = [];
  const values = new Float64Array(d + 1);
  let evaluations = 0;
  const evaluate = (x: Float64Array): number => {
    evaluations++;
    const v = objective(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  for (let i = 0; i <= d; i++) {
    const vertex = Float64Array.from(start);
    if (i > 0) vertex[i - 1]! += initialStep;
    simplex.push(vertex);
    values[i] = evaluate(vertex);
  }
  const order = new Int32Array(d + 1);
  const centroid = new Float64Array(d);
  const trial = new Float64Array(d);
  const second = new Float64Array(d);
  const move = (target: Float64Array, from: Float64Array, towards: Float64Array, factor: number): void => {
    for (let j = 0; j < d; j++) target[j] = from[j]! + factor * (towards[j]! - from[j]!);
  };

  while (evaluations < maxEvaluations) {
    for (let i = 0; i <= d; i++) order[i] = i;
    order.sort((a, b) => values[a]! - values[b]!);
    const best = order[0]!;
    const worst = order[d]!;
    const secondWorst = order[d - 1] ?? best;
    if (Math.abs(values[worst]! - values[best]!) <= tolerance * (Math.abs(values[best]!) + tolerance)) break;

    centroid.fill(0);
    for (let i = 0; i <= d; i++) {
      if (i === worst) continue;
      for (let j = 0; j < d; j++) centroid[j]! += simplex[i]![j]! / d;
    }
    const worstVertex = simplex[worst]!;
    move(trial, centroid, worstVertex, -1);
    const reflected = evaluate(trial);
    if (reflected < values[best]!) {
      move(second, centroid, worstVertex, -2);
      const expanded = evaluate(second);
      if (expanded < reflected) {
        worstVertex.set(second);
        values[worst] = expanded;
      } else {
        worstVertex.set(trial);
        values[worst] = reflected;
      }
      continue;
    }
    if (reflected < values[secondWorst]!) {
      worstVertex.set(trial);
      values[worst] = reflected;
      continue;
    }
    const outside = reflected < values[worst]!;
    move(second, centroid, outside ? trial : worstVertex, 0.5);
    const contracted = evaluate(second);
    if (contracted < (outside ? reflected : values[worst]!)) {
      worstVertex.set(second);
      values[worst] = contracted;
      continue;
    }
    const bestVertex = simplex[best]!;
    for (let i = 0; i <= d; i++) {
      if (i === best) continue;
      move(simplex[i]!, bestVertex, simplex[i]!, 0.5);
      values[i] = evaluate(simplex[i]!);
    }
  }
  let best = 0;
  for (let i = 1; i <= d; i++) if (values[i]! < values[best]!) best = i;
  return { point: simplex[best]!, value: values[best]!, evaluations };
}
