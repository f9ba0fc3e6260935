import { anomaly, anomalyDetail, NOW } from '../../testing/fixtures';
import { anomalyChartSeries, anomalyRegions } from './anomalySeries';

describe('anomaly chart series', () => {
  it('shades each episode from its start to its end, or to now while it lasts', () => {
    const ended = { ...anomaly, endedAt: new Date(NOW - 60_000).toISOString() };
    expect(anomalyRegions([anomaly, ended], NOW)).toEqual([
      { label: 'demand anomaly', from: Date.parse(anomaly.startedAt), to: NOW, color: 'red' },
      { label: 'demand anomaly', from: Date.parse(anomaly.startedAt), to: NOW - 60_000, color: 'red' },
    ]);
  });

  it("draws the signal, the band expected before the episode across the samples' range, and the episode", () => {
    const series = anomalyChartSeries(anomalyDetail, NOW);
    const times = anomalyDetail.samples!.timestamps;
    expect(series.lines).toEqual([
      expect.objectContaining({ label: 'demand (requests/s)', values: anomalyDetail.samples!.values }),
    ]);
    expect(series.bands).toEqual([
      expect.objectContaining({
        label: 'expected band',
        times: [times[0], times[times.length - 1]],
        lower: [80, 80],
        upper: [120, 120],
      }),
    ]);
    expect(series.regions).toHaveLength(1);
    expect(series.hasData).toBe(true);
  });

  it('has no line or band without samples (the policy is gone), and none of the band from memory', () => {
    const series = anomalyChartSeries({ ...anomalyDetail, samples: null, unit: null, expected: null }, NOW);
    expect(series).toMatchObject({ lines: [], bands: [], hasData: false });
    expect(series.regions).toHaveLength(1);
  });
});
