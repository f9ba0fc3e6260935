import { summarizeAccuracy, type AccuracySummary } from './accuracy';
import { Float32Window } from './float32Window';

const [ACTUAL, FORECAST, SEASONAL_NAIVE] = [0, 1, 2];
/** Bits of a word of `inside`: an integer of 30 bits is a small integer in any V8 build, held without a box. */
const WORD_BITS = 30;

/**
 * The last `limit` scored forecasts, oldest first, as a service holds them for each forecast policy
 * (issue 16: engine memory): the actual value, the point forecast served for it and seasonal naive's as
 * three float32 series in one window, and whether the actual fell inside the served interval as one bit
 * instead of the interval's two bounds (2.3 of 5.9 KiB once full), since the accuracy summary reads the
 * bounds only to compare the actual with them. The bit is that comparison made on the float32 values the
 * window held, so the summary is the one five float32 series gave, to the bit.
 */
export class ScoredOutcomes {
  private readonly values: Float32Window;
  /**
   * One bit per scored forecast, a ring of `limit` bits in words of WORD_BITS; `next` is where the newest
   * goes. A JS array of small integers, not a typed array: 36 bytes as a Uint8Array are 0.25 KiB of heap
   * with its buffer, ten integers 0.13 KiB (issue 16: one a forecasting policy).
   */
  private readonly inside: number[];
  private next = 0;

  constructor(private readonly limit: number) {
    this.values = new Float32Window(limit, [], 3);
    this.inside = new Array<number>(Math.ceil(Math.max(0, limit) / WORD_BITS)).fill(0);
  }

  get length(): number {
    return this.values.length;
  }

  /** Adds a scored forecast, dropping the oldest when the window is full. */
  push(actual: number, forecast: number, seasonalNaive: number, lower: number, upper: number): void {
    if (this.limit <= 0) return;
    const a = Math.fround(actual);
    const bit = 1 << (this.next % WORD_BITS);
    const word = Math.floor(this.next / WORD_BITS);
    this.inside[word] =
      a >= Math.fround(lower) && a <= Math.fround(upper)
        ? this.inside[word]! | bit
        : this.inside[word]! & ~bit;
    this.next = (this.next + 1) % this.limit;
    this.values.push(actual, forecast, seasonalNaive);
  }

  /** Whether the actual of the outcome at `index` (from the oldest) fell inside its interval. */
  covered(index: number): boolean {
    const k = (this.next - this.length + index + this.limit) % this.limit;
    return (this.inside[Math.floor(k / WORD_BITS)]! & (1 << (k % WORD_BITS))) !== 0;
  }

  /** The accuracy of the outcomes held; `scale` is the MASE denominator (accuracy.ts). */
  summary(scale: number): AccuracySummary {
    return summarizeAccuracy(
      {
        actual: this.values.view(ACTUAL),
        forecast: this.values.view(FORECAST),
        seasonalNaive: this.values.view(SEASONAL_NAIVE),
        covered: (i) => this.covered(i),
      },
      scale,
    );
  }
}
