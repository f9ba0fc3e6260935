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
    ['1700003661,10\n1700000060,5\n', 'line 2: timestamps must not decrease (by more than an hour)'],
    ['1700000000,10\n1700000000,5\n', 'a trace needs at least two distinct timestamps'],
  ])('rejects %j', (text, message) => {
    expect(() => parseDemandTraceCsv(text)).toThrow(new TraceFormatError(0, message));
  });

  it('drops the rows of an hour the clock repeats, until it passes the last kept row, and says where', () => {
    const t = parseDemandTraceCsv(
      [
        'timestamp,value',
        '2014-01-07 02:50:00,1',
        '2014-01-07 02:55:00,2',
        '2014-01-07 02:00:00,3', // line 4: back 55 minutes
        '2014-01-07 02:30:00,4',
        '2014-01-07 02:55:00,5', // not after the last kept row: dropped too
        '2014-01-07 03:00:00,6',
        '2014-01-07 03:00:00,7', // a repeat after the catch-up merges as before
        '2014-01-07 02:00:00,8', // line 9: a second step back, an hour exactly
        '2014-01-07 03:05:00,9',
      ].join('\n'),
    );
    expect(Array.from(t.timesMs, (ms) => new Date(ms).toISOString().slice(11, 16))).toEqual([
      '02:50',
      '02:55',
      '03:00',
      '03:05',
    ]);
    expect(Array.from(t.demand)).toEqual([1, 2, 6.5, 9]);
    expect(t.clockSteps).toEqual([
      { line: 4, backMs: 55 * 60_000, dropped: 3 },
      { line: 9, backMs: 60 * 60_000, dropped: 1 },
    ]);
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
