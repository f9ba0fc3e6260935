/** Makes a zeroed array of `n` doubles. */
export type Allocate = (n: number) => Float64Array;

export const fresh: Allocate = (n) => new Float64Array(n);

/**
 * Arrays a computation works in, kept from one run to the next: `take` hands them out in order, zeroed
 * as new ones would be, and `reset` starts again from the first. A forecast remade from the history
 * works in some ten arrays as long as the history (gap-filled, transformed, decomposed: 0.3 MiB at 14
 * days of 5 minutes); allocated afresh each time, a service remaking thousands of forecasts a tick left
 * their backing stores to the garbage collector and the allocator (issue 16: engine memory).
 */
export class ScratchArrays {
  private readonly arrays: Float64Array[] = [];
  private used = 0;

  /** A zeroed array of n values, valid until the next reset(). */
  readonly take: Allocate = (n) => {
    let array = this.arrays[this.used];
    if (array === undefined || array.length < n) {
      array = new Float64Array(n);
      this.arrays[this.used] = array;
    }
    this.used++;
    return array.length === n ? array.fill(0) : array.subarray(0, n).fill(0);
  };

  reset(): void {
    this.used = 0;
  }
}
