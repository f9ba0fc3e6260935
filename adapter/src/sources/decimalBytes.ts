// A decimal read straight from a response body's bytes, without the string Number() would need (issue
// 16: a range query's answer is a timestamp and a value a point, and a string of each was most of what
// the scanner allocated).
//
// Only `-?digits(.digits)?` whose digits, read as one integer m, stay within 2^53, and at most 22 of them
// after the dot: then m and 10^k are both exact doubles, and m / 10^k, one correctly rounded division, is
// the double nearest the decimal, which is what Number() gives. Anything else (an exponent, more digits, a
// sign of plus, no digit before or after the dot) is NaN here: the caller reads it as a string.

const [MINUS, DOT, ZERO, NINE] = [45, 46, 48, 57];
/** 10^k, exact for k ≤ 22. */
const POWERS = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

/** The decimal in bytes [start, end) as Number() reads its text; NaN where it is not one read here. */
export function decimalAt(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      digits++;
      if (m > Number.MAX_SAFE_INTEGER) return Number.NaN;
    } else if (c === DOT && fraction < 0 && digits > 0) fraction = digits;
    else return Number.NaN;
  }
  const decimals = fraction < 0 ? 0 : digits - fraction;
  if (digits === 0 || (fraction >= 0 && decimals === 0) || decimals >= POWERS.length) return Number.NaN;
  const value = decimals === 0 ? m : m / POWERS[decimals]!;
  return negative ? -value : value;
}
