/**
 * Recent demand per policy at the tick step, kept in memory so the reactive distribution needs no
 * range query per tick: warm-started once from Prometheus, then fed by each tick's instant value.
 */
export class DemandHistory {
  private readonly buffers = new Map<string, Ring>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.buffers.has(key);
  }

  /** Replaces a policy's history with `values` (oldest first), e.g. from a range query. */
  seed(key: string, values: Float64Array): void {
    const ring = new Ring(this.capacity);
    for (const v of values.subarray(Math.max(0, values.length - this.capacity))) ring.push(v);
    this.buffers.set(key, ring);
  }

  /** Appends one sample; NaN keeps the step when a tick had no value. */
  push(key: string, value: number): void {
    let ring = this.buffers.get(key);
    if (ring === undefined) {
      ring = new Ring(this.capacity);
      this.buffers.set(key, ring);
    }
    ring.push(value);
  }

  values(key: string): Float64Array {
    return this.buffers.get(key)?.toArray() ?? new Float64Array(0);
  }

  /** Forgets policies that are no longer configured. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.buffers.keys()) if (!keys.has(key)) this.buffers.delete(key);
  }
}

class Ring {
  private readonly data: Float64Array;
  private start = 0;
  private length = 0;

  constructor(capacity: number) {
    this.data = new Float64Array(capacity);
  }

  push(v: number): void {
    const cap = this.data.length;
    if (this.length < cap) {
      this.data[(this.start + this.length) % cap] = v;
      this.length++;
    } else {
      this.data[this.start] = v;
      this.start = (this.start + 1) % cap;
    }
  }

  toArray(): Float64Array {
    const out = new Float64Array(this.length);
    const cap = this.data.length;
    const firstPart = Math.min(this.length, cap - this.start);
    out.set(this.data.subarray(this.start, this.start + firstPart), 0);
    out.set(this.data.subarray(0, this.length - firstPart), firstPart);
    return out;
  }
}
