// Kubernetes resource.Quantity ↔ number (external-metrics-api.md §3; apimachinery pkg/api/resource).
// Values are held as an exact decimal (sign · mantissa · 10^exponent, BigInt mantissa) so that
// formatting follows the canonical rules of §3.2 without floating-point artefacts.

type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

interface Decimal {
  readonly negative: boolean;
  readonly mantissa: bigint;
  readonly exponent: number;
}

interface ParsedQuantity {
  readonly value: Decimal;
  readonly format: QuantityFormat;
}

// Error strings of apimachinery quantity.go (§3.1).
const ERR_FORMAT_WRONG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const ERR_SUFFIX = "unable to parse quantity's suffix";

const NUMBER_PART = /^([+-]?)(\d*)(?:\.(\d*))?/;
const SUFFIX_PART = /^[eEinumkKMGTP]*[-+]?\d*$/;
const EXPONENT_SUFFIX = /^[eE]([-+]?\d+)$/;

const DECIMAL_SUFFIX_EXPONENTS: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const SUFFIX_FOR_DECIMAL_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIX_EXPONENTS).map(([s, e]) => [e, s]));

const NANO_EXPONENT = -9;
const MAX_DECIMAL_SI_EXPONENT = 18;
const MAX_INT64 = (1n << 63n) - 1n;
const ZERO: Decimal = { negative: false, mantissa: 0n, exponent: 0 };

/**
 * Canonical DecimalSI Quantity for a number, e.g. 1.5 → "1500m", 1e6 → "1M", 0 → "0".
 * The value is rounded half away from zero to 10^-9 (the Quantity resolution), which also removes
 * binary floating-point noise (0.1 + 0.2 → "300m"); Go's ParseQuantity would round such sub-nano
 * digits up instead (§3.2 rule 3), a difference no HPA can observe since it reads milli-units.
 */
export function formatQuantity(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`cannot represent ${n} as a Kubernetes quantity`);
  const exact = decimalFromNumber(n);
  return canonicalString({ value: roundToNano(exact, 'halfAwayFromZero'), format: 'DecimalSI' });
}

/** The number a Quantity string denotes, e.g. "1500m" → 1.5, "1Ki" → 1024; throws on bad syntax. */
export function parseQuantity(s: string): number {
  const { value } = parseExact(s);
  return Number(`${value.negative ? '-' : ''}${value.mantissa}e${value.exponent}`);
}

/** Re-renders a Quantity string canonically, as the API server does on a round trip ("1.5Gi" → "1536Mi"). */
export function canonicalQuantity(s: string): string {
  return canonicalString(parseExact(s));
}

function parseExact(s: string): ParsedQuantity {
  const numberMatch = NUMBER_PART.exec(s);
  // §3.1 grammar: a number needs at least one digit on either side of the point.
  if (numberMatch === null || (numberMatch[2] === '' && (numberMatch[3] ?? '') === '')) {
    throw new Error(ERR_FORMAT_WRONG);
  }
  const [numberText, sign, whole = '', fraction = ''] = numberMatch;
  const suffix = s.slice(numberText.length);
  if (!SUFFIX_PART.test(suffix)) throw new Error(ERR_FORMAT_WRONG);

  const negative = sign === '-';
  const digits = BigInt(whole + fraction || '0');
  let parsed: ParsedQuantity;
  const binaryPower = BINARY_SUFFIXES.indexOf(suffix as (typeof BINARY_SUFFIXES)[number]);
  if (binaryPower > 0) {
    const scaled = digits << BigInt(10 * binaryPower);
    parsed = {
      value: normalise({ negative, mantissa: scaled, exponent: -fraction.length }),
      format: 'BinarySI',
    };
  } else if (suffix in DECIMAL_SUFFIX_EXPONENTS) {
    const exponent = (DECIMAL_SUFFIX_EXPONENTS[suffix] ?? 0) - fraction.length;
    parsed = { value: normalise({ negative, mantissa: digits, exponent }), format: 'DecimalSI' };
  } else {
    const exponentMatch = EXPONENT_SUFFIX.exec(suffix);
    const exponent = exponentMatch === null ? NaN : Number(exponentMatch[1]);
    // Go parses the exponent as an int32.
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 2 ** 31 - 1) throw new Error(ERR_SUFFIX);
    parsed = {
      value: normalise({ negative, mantissa: digits, exponent: exponent - fraction.length }),
      format: 'DecimalExponent',
    };
  }

  // §3.2 rule 3: parsed values are rounded up (away from zero) to 10^-9; BinarySI is capped at 2^63−1.
  let value = roundToNano(parsed.value, 'up');
  let format = parsed.format;
  if (format === 'BinarySI') {
    if (compareMagnitude(value, { negative: false, mantissa: MAX_INT64, exponent: 0 }) > 0) {
      value = { negative: value.negative, mantissa: MAX_INT64, exponent: 0 };
    }
    if (
      value.mantissa !== 0n &&
      compareMagnitude(value, { negative: false, mantissa: 1n, exponent: 0 }) < 0
    ) {
      format = 'DecimalSI';
    }
  }
  return { value, format };
}

function canonicalString({ value, format }: ParsedQuantity): string {
  if (value.mantissa === 0n) return '0';
  const sign = value.negative ? '-' : '';
  if (format === 'BinarySI') {
    // §3.2 rule 2: small or fractional binary quantities are rendered as DecimalSI.
    const isInteger = value.exponent >= 0;
    if (isInteger && compareMagnitude(value, { negative: false, mantissa: 1024n, exponent: 0 }) >= 0) {
      let integer = value.mantissa * 10n ** BigInt(value.exponent);
      let power = 0;
      while (power < BINARY_SUFFIXES.length - 1 && integer % 1024n === 0n) {
        integer /= 1024n;
        power++;
      }
      return `${sign}${integer}${BINARY_SUFFIXES[power]}`;
    }
  }
  // §3.2 rule 1: the exponent moves down to a multiple of 3.
  let { mantissa, exponent } = value;
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  // Go drops the suffix beyond E (10^18), silently changing the value (§3.2 rule 1); we stay at E.
  if (exponent > MAX_DECIMAL_SI_EXPONENT) {
    mantissa *= 10n ** BigInt(exponent - MAX_DECIMAL_SI_EXPONENT);
    exponent = MAX_DECIMAL_SI_EXPONENT;
  }
  return `${sign}${mantissa}${SUFFIX_FOR_DECIMAL_EXPONENT.get(exponent) ?? ''}`;
}

function decimalFromNumber(n: number): Decimal {
  // String(n) is the shortest decimal that round-trips to n, e.g. "0.30000000000000004", "1e-7".
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([-+]\d+))?$/.exec(String(n));
  if (match === null) throw new RangeError(`cannot represent ${n} as a Kubernetes quantity`);
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  return normalise({
    negative: sign === '-',
    mantissa: BigInt(whole + fraction),
    exponent: Number(exponent) - fraction.length,
  });
}

/** Moves trailing zero digits of the mantissa into the exponent; zero has no sign. */
function normalise(d: Decimal): Decimal {
  if (d.mantissa === 0n) return ZERO;
  let { mantissa, exponent } = d;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  return { negative: d.negative, mantissa, exponent };
}

function roundToNano(d: Decimal, mode: 'up' | 'halfAwayFromZero'): Decimal {
  if (d.exponent >= NANO_EXPONENT) return d;
  const shift = NANO_EXPONENT - d.exponent;
  // Far below a nano: the quotient is 0 and the remainder is under half the divisor.
  if (shift > d.mantissa.toString().length + 1) {
    return mode === 'up' ? { negative: d.negative, mantissa: 1n, exponent: NANO_EXPONENT } : ZERO;
  }
  const divisor = 10n ** BigInt(shift);
  let mantissa = d.mantissa / divisor;
  const remainder = d.mantissa % divisor;
  if (mode === 'up' ? remainder !== 0n : remainder * 2n >= divisor) mantissa++;
  return normalise({ negative: d.negative, mantissa, exponent: NANO_EXPONENT });
}

function compareMagnitude(a: Decimal, b: Decimal): number {
  const exponent = Math.min(a.exponent, b.exponent);
  const left = a.mantissa * 10n ** BigInt(a.exponent - exponent);
  const right = b.mantissa * 10n ** BigInt(b.exponent - exponent);
  return left === right ? 0 : left > right ? 1 : -1;
}
