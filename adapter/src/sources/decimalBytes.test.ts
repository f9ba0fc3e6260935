import fc from 'fast-check';
import { decimalAt } from './decimalBytes';

const read = (text: string) => decimalAt(Buffer.from(text, 'latin1'), 0, text.length);

describe('decimalAt', () => {
  it('reads short decimals as Number() does, to the bit', () => {
    for (const text of [
      '0',
      '-0',
      '3',
      '007',
      '0.5',
      '-0.0',
      '60.25',
      '1730548807.123',
      '1730548807',
      '0.1',
      '9007199254740991',
      '0.0000000000000000000001',
    ])
      expect(Object.is(read(text), Number(text))).toBe(true);
  });

  it('reads a timestamp and a value as Prometheus writes them without a string', () => {
    expect(read('1730548807.123')).toBe(1730548807.123);
    expect(read('12.34567')).toBe(12.34567);
  });

  it('leaves to Number() what it cannot read exactly or is not a plain decimal', () => {
    for (const text of [
      '',
      '-',
      '.5',
      '5.',
      '+5',
      '1e3',
      '1E-3',
      '0x10',
      ' 5',
      '5 ',
      'NaN',
      '+Inf',
      '-Inf',
      '1.2.3',
      '12345678901234567',
      '0.12345678901234567',
      '1.00000000000000000000001',
    ])
      expect(read(text)).toBeNaN();
  });

  it('reads a slice of the bytes only', () => {
    const bytes = Buffer.from('[1730548807.5,"42.75"]', 'latin1');
    expect(decimalAt(bytes, 1, 13)).toBe(1730548807.5);
    expect(decimalAt(bytes, 15, 20)).toBe(42.75);
  });

  it('agrees with Number() wherever it reads a value (any double as JS and Go write it, any digits)', () => {
    const texts = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc
        .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20 }))
        .map(([x, d]) => x.toFixed(d)),
      fc
        .tuple(
          fc.boolean(),
          fc.stringMatching(/^[0-9]{1,17}$/),
          fc.option(fc.stringMatching(/^[0-9]{0,23}$/)),
        )
        .map(
          ([minus, whole, fraction]) =>
            `${minus ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}`,
        ),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const value = read(text);
        return Number.isNaN(value) || Object.is(value, Number(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
