import { FieldType, toDataFrame } from '@grafana/data';
import { forecastBandSeries } from './forecastBand';
import { DEFAULT_FORECAST_BAND_OPTIONS } from './options';

const frame = (name: string, times: number[], values: Array<number | null>, refId = 'A') =>
  toDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: times },
      { name: 'Value', type: FieldType.number, values, config: { displayNameFromDS: name } },
    ],
  });

describe('forecast band from query results', () => {
  it('finds the series by legend, case-insensitively, and aligns the band edges by time', () => {
    const s = forecastBandSeries(
      [
        frame('Actual', [0, 1, 2], [10, 11, 12]),
        frame('lower', [3, 4], [8, 9], 'B'),
        frame('upper', [4, 3], [15, 14], 'C'),
        frame('replicas', [0, 2], [2, 3], 'D'),
      ],
      DEFAULT_FORECAST_BAND_OPTIONS,
    );
    expect(s.missing).toEqual([]);
    expect(s.bands).toHaveLength(1);
    expect(s.bands[0]).toMatchObject({ times: [3, 4], lower: [8, 9], upper: [14, 15] });
    expect(s.lines.map((l) => [l.label, l.axis ?? 'left'])).toEqual([
      ['actual', 'left'],
      ['replicas', 'right'],
    ]);
  });

  it('also answers to query letters and names what it could not find', () => {
    const s = forecastBandSeries([frame('something', [0], [1], 'Q')], {
      ...DEFAULT_FORECAST_BAND_OPTIONS,
      actualSeries: 'q',
    });
    expect(s.lines.map((l) => l.values)).toEqual([[1]]);
    expect(s.missing).toEqual(['lower', 'upper']);
    expect(forecastBandSeries([], DEFAULT_FORECAST_BAND_OPTIONS).missing).toContain('actual');
  });
});
