import {
  formatDateTime,
  formatDuration,
  formatMoney,
  formatNumber,
  formatPercent,
  formatRelative,
} from './format';

describe('formatting', () => {
  it('formats money in ISO currencies and in anything else', () => {
    expect(formatMoney(1234.5, 'USD')).toBe('$1,234.50');
    expect(formatMoney(1234.5, 'EUR')).toBe('€1,234.50');
    expect(formatMoney(12, 'credits', 0)).toBe('12 credits');
    expect(formatMoney(null)).toBe('–');
  });

  it('formats numbers and fractions', () => {
    expect(formatNumber(3.14159, 2)).toBe('3.14');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatPercent(0.125)).toBe('12.5 %');
    expect(formatPercent(undefined)).toBe('–');
  });

  it('formats durations in the largest sensible units', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(200 * 60_000)).toBe('3 h 20 min');
    expect(formatDuration(52 * 3600_000)).toBe('2 d 4 h');
    expect(formatRelative(1000 + 3 * 3600_000, 1000)).toBe('in 3 h');
    expect(formatRelative(0, 5 * 60_000)).toBe('5 min ago');
  });

  it('formats instants in a time zone', () => {
    const at = Date.parse('2026-03-29T00:30:00Z');
    expect(formatDateTime(at)).toBe('2026-03-29 00:30');
    expect(formatDateTime(at, 'Europe/Berlin')).toBe('2026-03-29 01:30');
    expect(formatDateTime('not a date')).toBe('–');
  });
});
