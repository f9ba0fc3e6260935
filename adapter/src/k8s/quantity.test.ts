import fc from 'fast-check';
import { canonicalQuantity, formatQuantity, parseQuantity } from './quantity';

const FORMAT_WRONG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX = "unable to parse quantity's suffix";

describe('formatQuantity: integer milli → canonical DecimalSI (spec §7 checklist, §3.2)', () => {
  test.each([
    [1000, '1'],
    [1500, '1500m'],
    [1000000, '1k'],
    [12345678901000, '12345678901'],
    [1234567, '1234567m'],
    [0, '0'],
    [-250, '-250m'],
  ])('%d milli → %s', (milli, expected) => {
    expect(formatQuantity(milli / 1000)).toBe(expected);
    expect(canonicalQuantity(`${milli}m`)).toBe(expected);
  });
});

// §3.4: each row is a float v, then what Go's NewMilliQuantity(int64(v*1000)) and
// ParseQuantity(FormatFloat(v,'f',-1)) print. The 'f' strings are Go's output for v.
const FLOAT_TABLE: ReadonlyArray<[number, string, string, string]> = [
  [0.5, '0.5', '500m', '500m'],
  [1234.5678, '1234.5678', '1234567m', '1234567800u'],
  [1e-9, '0.000000001', '0', '1n'],
  [12345678901, '12345678901', '12345678901', '12345678901'],
  [0.0001, '0.0001', '0', '100u'],
  [0.0005, '0.0005', '0', '500u'],
  [2.5, '2.5', '2500m', '2500m'],
  [100, '100', '100', '100'],
  // Go folds the constant 0.1+0.2 exactly to 0.3 before converting it to float64.
  [0.3, '0.3', '300m', '300m'],
  [1 / 3, '0.3333333333333333', '333m', '333333334n'],
  [-0.5, '-0.5', '-500m', '-500m'],
  [42, '42', '42', '42'],
  [1e15, '1000000000000000', '1P', '1P'],
  [99.9999, '99.9999', '99999m', '99999900u'],
];

describe('§3.4 producers: floats to quantities', () => {
  test.each(FLOAT_TABLE)('%p: NewMilliQuantity(int64(v*1000)) equivalent', (v, _f, milliColumn) => {
    expect(formatQuantity(Math.trunc(v * 1000) / 1000)).toBe(milliColumn);
  });

  test.each(FLOAT_TABLE)('%p: ParseQuantity(FormatFloat(v)) canonical', (_v, goText, _m, parsedColumn) => {
    expect(canonicalQuantity(goText)).toBe(parsedColumn);
  });

  test.each(FLOAT_TABLE.filter(([v]) => v !== 1 / 3))(
    '%p: formatQuantity keeps every digit up to 10^-9',
    (v, _f, _m, parsed) => {
      expect(formatQuantity(v)).toBe(parsed);
    },
  );

  test('sub-nano digits round to nearest, so float noise disappears (Go would round up)', () => {
    expect(formatQuantity(1 / 3)).toBe('333333333n');
    expect(formatQuantity(2 / 3)).toBe('666666667n');
    expect(formatQuantity(0.1 + 0.2)).toBe('300m');
    expect(canonicalQuantity(String(0.1 + 0.2))).toBe('300000001n');
    expect(formatQuantity(4e-10)).toBe('0');
    expect(formatQuantity(5e-10)).toBe('1n');
    expect(formatQuantity(-5e-10)).toBe('-1n');
  });
});

describe('§3.2 canonical rules', () => {
  test('binary quantities: small or fractional render as DecimalSI, integers use the largest suffix', () => {
    expect(canonicalQuantity('1.1Ki')).toBe('1126400m');
    expect(canonicalQuantity('1Ki')).toBe('1Ki');
    expect(canonicalQuantity('0.5Ki')).toBe('512');
    expect(canonicalQuantity('1.5Gi')).toBe('1536Mi');
    expect(canonicalQuantity('1536Ki')).toBe('1536Ki');
    expect(canonicalQuantity('1Ei')).toBe('1Ei');
    expect(canonicalQuantity('-1Ki')).toBe('-1Ki');
    expect(canonicalQuantity('1023')).toBe('1023');
  });

  test('BinarySI is capped at 2^63−1', () => {
    expect(canonicalQuantity('1024Ei')).toBe('9223372036854775807');
    expect(parseQuantity('1024Ei')).toBe(2 ** 63);
  });

  test('exponent form keeps its format with the exponent moved down to a multiple of 3', () => {
    expect(canonicalQuantity('1e3')).toBe('1e3');
    expect(canonicalQuantity('1E3')).toBe('1e3');
    expect(canonicalQuantity('12e2')).toBe('1200');
    expect(canonicalQuantity('1.5e3')).toBe('1500');
    expect(canonicalQuantity('1e-9')).toBe('1e-9');
    expect(canonicalQuantity('1e+15')).toBe('1e15');
    expect(canonicalQuantity('1.2345678901e+10')).toBe('12345678901');
    expect(canonicalQuantity('1e4')).toBe('10e3');
  });

  test('strings Go would keep verbatim (rule 4) are emitted fully canonical', () => {
    expect(canonicalQuantity('+1')).toBe('1');
    expect(canonicalQuantity('1.')).toBe('1');
    expect(canonicalQuantity('1.G')).toBe('1G');
    expect(canonicalQuantity('1.100')).toBe('1100m');
    expect(canonicalQuantity('007')).toBe('7');
    expect(canonicalQuantity('100.035k')).toBe('100035');
    expect(canonicalQuantity('1E-3')).toBe('1e-3');
  });

  test('parsing rounds up (away from zero) to 10^-9', () => {
    expect(canonicalQuantity('0.0000000001')).toBe('1n');
    expect(canonicalQuantity('-0.0000000001')).toBe('-1n');
    expect(canonicalQuantity('1.0000000001')).toBe('1000000001n');
    expect(canonicalQuantity('1e-20')).toBe('1e-9');
  });

  test('zero is always "0" and has no sign', () => {
    for (const text of ['0', '-0', '+0', '0.000', '0m', '0Ki', '0e5'])
      expect(canonicalQuantity(text)).toBe('0');
    expect(formatQuantity(-0)).toBe('0');
    expect(Object.is(parseQuantity('-0'), 0)).toBe(true);
  });

  test('DecimalSI beyond E stays at the E suffix instead of dropping digits', () => {
    expect(canonicalQuantity('1000E')).toBe('1000E');
    expect(formatQuantity(1e21)).toBe('1000E');
  });

  test('JSON number inputs decode as in §3.2 rule 5', () => {
    expect(canonicalQuantity('1.5')).toBe('1500m');
    expect(canonicalQuantity('0.0001')).toBe('100u');
  });
});

describe('parseQuantity (§3.1 grammar and suffixes)', () => {
  test.each([
    ['1', 1],
    ['1500m', 1.5],
    ['250u', 0.00025],
    ['3n', 3e-9],
    ['2k', 2000],
    ['5M', 5e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['1Mi', 1048576],
    ['1Gi', 2 ** 30],
    ['1Ti', 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['1E3', 1000],
    ['1e-3', 0.001],
    ['1e+3', 1000],
    ['.5', 0.5],
    ['5.', 5],
    ['-1.5', -1.5],
    ['+2', 2],
    ['1234.5678', 1234.5678],
    ['100.035k', 100035],
  ])('%s → %p', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  test.each(['', ' 1', '1 ', 'abc', '1.2.3', '.', '--1', '1e3.5', 'm'])('%p is ErrFormatWrong', (text) => {
    expect(() => parseQuantity(text)).toThrow(FORMAT_WRONG);
  });

  test.each(['1K', '1Kii', '5e', '1k3', '1mi', '1e99999999999'])('%p is ErrSuffix', (text) => {
    expect(() => parseQuantity(text)).toThrow(SUFFIX);
  });
});

describe('properties', () => {
  test('formatQuantity round-trips every value with at most 9 decimals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
        fc.integer({ min: 0, max: 9 }),
        (n, d) => {
          const v = n / 10 ** d;
          expect(parseQuantity(formatQuantity(v))).toBe(v);
        },
      ),
    );
  });

  test('formatQuantity output is canonical: no trailing 000, a suffix for every multiple of 3', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e18, max: 1e18 }), (v) => {
        const text = formatQuantity(v);
        expect(text).toMatch(/^(0|-?[1-9]\d*[numkMGTPE]?)$/);
        const digits = text.replace(/^-/, '').replace(/[numkMGTPE]$/, '');
        if (text !== '0' && !text.endsWith('E')) expect(digits.endsWith('000')).toBe(false);
        expect(canonicalQuantity(text)).toBe(text);
      }),
    );
  });

  test('non-finite numbers are rejected', () => {
    expect(() => formatQuantity(Number.NaN)).toThrow(RangeError);
    expect(() => formatQuantity(Infinity)).toThrow(RangeError);
  });
});
