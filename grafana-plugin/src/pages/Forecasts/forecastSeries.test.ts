import { decisionRecords, failedDecisionRecord, forecast } from '../../testing/fixtures';
import { forecastChartSeries, quantileBands } from './forecastSeries';

describe('forecast chart series', () => {
  it('pairs quantiles from the outside in and leaves unpaired ones out', () => {
    const bands = quantileBands([
      { quantile: 0.5, values: [] },
      { quantile: 0.95, values: [] },
      { quantile: 0.05, values: [] },
      { quantile: 0.25, values: [] },
      { quantile: 0.75, values: [] },
    ]);
    expect(bands.map((b) => [b.lower, b.upper])).toEqual([
      [0.05, 0.95],
      [0.25, 0.75],
    ]);
    expect(
      quantileBands([
        { quantile: 0.6, values: [] },
        { quantile: 0.9, values: [] },
      ]),
    ).toEqual([]);
  });

  it('draws actuals, the point forecast, inner bands stronger, and replicas as steps on the right axis', () => {
    const s = forecastChartSeries(forecast, decisionRecords);
    expect(s.lines.map((l) => l.label)).toEqual([
      'actual demand (requests/s)',
      'point forecast (seasonal naive (1 d))',
      'replicas decided',
    ]);
    expect(s.bands.map((b) => b.label)).toEqual(['forecast 10–90 %', 'forecast 25–75 %']);
    expect(s.bands[1]!.opacity).toBeGreaterThan(s.bands[0]!.opacity);
    const replicas = s.lines[2]!;
    expect(replicas).toMatchObject({ step: true, axis: 'right' });
    // Oldest first, whatever order the API listed them in.
    expect(replicas.values).toEqual([4, 5, 6]);
    expect(s.markers).toEqual([
      { label: 'forecast made', at: Date.parse(forecast.forecast!.madeAt), color: 'purple' },
    ]);
    expect(s.hasData).toBe(true);
  });

  it('keeps failed decisions as gaps and reports no data when there is none', () => {
    const empty = {
      ...forecast,
      actuals: { ...forecast.actuals, timestamps: [], values: [] },
      forecast: null,
    };
    const s = forecastChartSeries(empty, [failedDecisionRecord]);
    expect(s.lines.map((l) => l.values)).toEqual([[], [null]]);
    expect(s.hasData).toBe(false);
  });
});
