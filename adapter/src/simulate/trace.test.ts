import { parseDemandTraceCsv, parseTimestamp, TraceFormatError } from './trace';

describe('parseTimestamp', () => {
  it('reads Unix seconds, ISO 8601 with and without a zone (UTC)', () => {
    expect(parseTimestamp('1700000000')).toBe(1_700_000_000_000);
    expect(parseTimestamp('1700000000.5')).toBe(1_700_000_000_500);
    expect(parseTimestamp('2024-01-01T00:00:00Z')).toBe(Date.UTC(2024, 0, 1));
    expect(parseTimestamp('2024-01-01T01:00:00+01:00')).toBe(Date.UTC(2024, 0, 1));
    expect(parseTimestamp('2014-07-01 00:30:00')).toBe(Date.UTC(2014, 6, 1, 0, 30));
    expect(parseTimestamp('2024-01-01')).toBe(Date.UTC(2024, 0, 1));
    expect(parseTimestamp('yesterday')).toBeNaN();
  });
});

describe('parseDemandTraceCsv', () => {
  it('reads rows with or without a header', () => {
    const withHeader = parseDemandTraceCsv('timestamp,demand\n1700000000,10\n1700000060,12.5\n');
    const without = parseDemandTraceCsv('1700000000,10\n1700000060,12.5');
    for (const t of [withHeader, without]) {
      expect(Array.from(t.timesMs)).toEqual([1_700_000_000_000, 1_700_000_060_000]);
      expect(Array.from(t.demand)).toEqual([10, 12.5]);
    }
  });

  it('accepts quoted ISO timestamps, blank lines and a BOM', () => {
    const t = parseDemandTraceCsv(
      '\ufefftime,value\n"2014-07-01 00:00:00",10844\n\n"2014-07-01 00:30:00",8127\n',
    );
    expect(Array.from(t.demand)).toEqual([10844, 8127]);
    expect(t.timesMs[1]! - t.timesMs[0]!).toBe(1_800_000);
  });

  it.each([
    ['timestamp,demand\n1700000000,10\n', 'a trace needs at least two samples'],
    ['1700000000,10\n1700000060\n', 'line 2: expected two columns: timestamp,demand'],
    [
      'timestamp,demand\n1700000000,10\nsoon,5\n',
      'line 3: timestamp "soon" is neither ISO 8601 nor Unix seconds',
    ],
    ['1700000000,10\n1700000060,-1\n', 'line 2: demand "-1" is not a non-negative number'],
    ['1700000000,10\n1700000060,\n', 'line 2: demand "" is not a non-negative number'],
    ['1700000060,10\n1700000000,5\n', 'line 2: timestamps must not decrease'],
    ['1700000000,10\n1700000000,5\n', 'a trace needs at least two distinct timestamps'],
  ])('rejects %j', (text, message) => {
    expect(() => parseDemandTraceCsv(text)).toThrow(new TraceFormatError(0, message));
  });

  it('merges rows that repeat a timestamp into their mean, as at a clock change', () => {
    const t = parseDemandTraceCsv(
      'timestamp,value\n2014-03-09 02:55:00,40\n2014-03-09 03:00:00,42\n2014-03-09 03:00:00,103.2\n2014-03-09 03:00:00,60\n2014-03-09 03:05:00,50\n',
    );
    expect(Array.from(t.timesMs)).toEqual([
      Date.parse('2014-03-09T02:55:00Z'),
      Date.parse('2014-03-09T03:00:00Z'),
      Date.parse('2014-03-09T03:05:00Z'),
    ]);
    expect(Array.from(t.demand)).toEqual([40, (42 + 103.2 + 60) / 3, 50]);
  });
});
