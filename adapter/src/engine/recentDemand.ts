/**
 * Recent demand per policy at the tick step, kept in memory so the reactive distribution needs no
 * range query per tick: warm-started once from Prometheus, then fed by each tick's instant value.
 */
export class RecentDemand {
  private readonly buffers = new Map<string, Window>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.buffers.has(key);
  }

  /** Replaces a policy's history with `values` (oldest first), e.g. from a range query. */
  seed(key: string, values: Float64Array): void {
    const window = new Window(this.capacity);
    for (const v of values.subarray(Math.max(0, values.length - this.capacity))) window.push(v);
    this.buffers.set(key, window);
  }

  /** Appends one sample; NaN keeps the step when a tick had no value. */
  push(key: string, value: number): void {
    let window = this.buffers.get(key);
    if (window === undefined) {
      window = new Window(this.capacity);
      this.buffers.set(key, window);
    }
    window.push(value);
  }

  /** The policy's samples, oldest first: a view that later pushes leave unchanged (no copy per tick). */
  values(key: string): Float64Array {
    return this.buffers.get(key)?.view() ?? new Float64Array(0);
  }

  /** Forgets policies that are no longer configured. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.buffers.keys()) if (!keys.has(key)) this.buffers.delete(key);
  }
}

/**
 * The last `capacity` samples in a buffer an eighth larger: samples are appended and never overwritten,
 * and when the buffer is full the newest ones move to a fresh buffer (once every capacity/8 samples),
 * so a view handed out earlier keeps its values while costing no copy.
 */
class Window {
  private data: Float64Array;
  private end = 0;
  private length = 0;

  constructor(private readonly capacity: number) {
    this.data = new Float64Array(capacity + Math.max(1, Math.ceil(capacity / 8)));
  }

  push(v: number): void {
    if (this.end === this.data.length) {
      const kept = this.capacity - 1;
      const next = new Float64Array(this.data.length);
      next.set(this.data.subarray(this.end - kept, this.end));
      this.data = next;
      this.end = kept;
    }
    this.data[this.end++] = v;
    this.length = Math.min(this.length + 1, this.capacity);
  }

  view(): Float64Array {
    return this.data.subarray(this.end - this.length, this.end);
  }
}
