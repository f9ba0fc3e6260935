// Scales, ticks and SVG paths for the plugin's charts. Pure: numbers in, strings and numbers out.
// Series are parallel arrays (times in epoch ms, values possibly null or NaN for gaps).

export interface Extent {
  readonly min: number;
  readonly max: number;
}

export interface LinearScale {
  (value: number): number;
  readonly domain: Extent;
  readonly range: Extent;
}

/** Maps [domain.min, domain.max] linearly onto [range.min, range.max]; a zero-width domain maps to the range's middle. */
export function linearScale(domain: Extent, range: Extent): LinearScale {
  const width = domain.max - domain.min;
  const scale = (value: number) =>
    width === 0
      ? (range.min + range.max) / 2
      : range.min + ((value - domain.min) / width) * (range.max - range.min);
  return Object.assign(scale, { domain, range });
}

export const isPresent = (v: number | null | undefined): v is number =>
  v !== null && v !== undefined && Number.isFinite(v);

/** Smallest and largest finite value over all the given arrays; undefined when there is none. */
export function extentOf(
  ...arrays: ReadonlyArray<ReadonlyArray<number | null | undefined>>
): Extent | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const values of arrays) {
    for (const v of values) {
      if (isPresent(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
  }
  return min <= max ? { min, max } : undefined;
}

/** A step of 1, 2 or 5 × 10^k that cuts `span` into about `count` pieces. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) {
    return 1;
  }
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  // Round to the nearest of 1, 2, 5, 10 on a log scale (the cut points are their geometric means).
  const nice =
    fraction >= Math.sqrt(50) ? 10 : fraction >= Math.sqrt(10) ? 5 : fraction >= Math.SQRT2 ? 2 : 1;
  return nice * magnitude;
}

export interface NiceAxis extends Extent {
  /** The tick step; min and max are multiples of it. */
  readonly step: number;
}

/**
 * The extent widened to multiples of a nice step (at least `minStep`, e.g. 1 for counts), from zero
 * when `fromZero` and all values are positive.
 */
export function niceAxis(extent: Extent, count: number, fromZero: boolean, minStep = 0): NiceAxis {
  const min = fromZero && extent.min > 0 ? 0 : extent.min;
  const max = extent.max === min ? min + 1 : extent.max;
  const step = Math.max(minStep, niceStep(max - min, count));
  return { min: Math.floor(min / step) * step, max: Math.ceil(max / step) * step, step };
}

/** Ticks at every multiple of the axis step from its min to its max. */
export function axisTicks(axis: NiceAxis): number[] {
  const ticks: number[] = [];
  const first = Math.round(axis.min / axis.step);
  const last = Math.round(axis.max / axis.step);
  for (let i = first; i <= last; i++) {
    // Rounding keeps 0.1 + 0.2-style error out of tick labels.
    ticks.push(Number((i * axis.step).toPrecision(12)));
  }
  return ticks;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
];

/** Time ticks (epoch ms) at a round step giving about `count` ticks, aligned to the step in UTC. */
export function timeTicks(extent: Extent, count: number): { ticks: number[]; step: number } {
  const span = extent.max - extent.min;
  const step = TIME_STEPS.find((s) => span / s <= count) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(extent.min / step) * step; t <= extent.max; t += step) {
    ticks.push(t);
  }
  return { ticks, step };
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/**
 * An SVG path through the points (x[i], y[i]); a missing value ends the current segment so gaps stay
 * visible. `step` draws a step-after line (a value holds until the next point), as for replica counts.
 */
export function linePath(
  xs: readonly number[],
  ys: ReadonlyArray<number | null>,
  x: (v: number) => number,
  y: (v: number) => number,
  step = false,
): string {
  const parts: string[] = [];
  let open = false;
  let lastY = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = ys[i];
    if (!isPresent(v)) {
      open = false;
      continue;
    }
    const px = x(xs[i]!);
    const py = y(v);
    if (!open) {
      parts.push(`M${fmt(px)},${fmt(py)}`);
      open = true;
    } else if (step) {
      parts.push(`H${fmt(px)}V${fmt(py)}`);
    } else {
      parts.push(`L${fmt(px)},${fmt(py)}`);
    }
    lastY = py;
  }
  return parts.length === 0 ? '' : parts.join('') + (step && open ? `V${fmt(lastY)}` : '');
}

/**
 * A closed SVG path for the band between `lower` and `upper`, one polygon per run of points where both
 * are present.
 */
export function bandPath(
  xs: readonly number[],
  lower: ReadonlyArray<number | null>,
  upper: ReadonlyArray<number | null>,
  x: (v: number) => number,
  y: (v: number) => number,
): string {
  const polygons: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0) {
      const top = run.map((i) => `${fmt(x(xs[i]!))},${fmt(y(upper[i]!))}`);
      const bottom = run
        .slice()
        .reverse()
        .map((i) => `${fmt(x(xs[i]!))},${fmt(y(lower[i]!))}`);
      polygons.push(`M${top.join('L')}L${bottom.join('L')}Z`);
    }
    run = [];
  };
  for (let i = 0; i < xs.length; i++) {
    if (isPresent(lower[i]) && isPresent(upper[i])) {
      run.push(i);
    } else {
      flush();
    }
  }
  flush();
  return polygons.join('');
}
