import { resultTable, summarize, timelineCsv } from './report';
import type { SimulationResult } from './types';

const result = (name: string, cost: number | null): SimulationResult => ({
  name,
  hours: 2,
  replicaHours: 8,
  cost,
  sloMissMinutes: 1.5,
  unmetDemand: 50,
  totalDemand: 1000,
  scaleUps: 3,
  scaleDowns: 2,
  peakReplicas: 6,
  timeline: {
    timesMs: Float64Array.of(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 0, 15)),
    demand: Float64Array.of(12.5, 1 / 3),
    desiredReplicas: Float64Array.of(2, 3),
    readyReplicas: Float64Array.of(2, 2),
    capacity: Float64Array.of(20, 20),
  },
});

describe('report', () => {
  it('summarizes without the timeline', () => {
    expect(summarize(result('a', 4))).toEqual({
      name: 'a',
      hours: 2,
      replicaHours: 8,
      meanReplicas: 4,
      peakReplicas: 6,
      cost: 4,
      sloMissMinutes: 1.5,
      unmetDemand: 50,
      unmetFraction: 0.05,
      scaleUps: 3,
      scaleDowns: 2,
    });
  });

  it('writes the timeline CSV', () => {
    expect(timelineCsv(result('a', 4).timeline)).toBe(
      'timestamp,demand,desired_replicas,ready_replicas,capacity\n' +
        '2024-01-01T00:00:00.000Z,12.5,2,2,20\n' +
        '2024-01-01T00:00:15.000Z,0.333333,3,2,20\n',
    );
  });

  it('tables costs relative to the first scenario', () => {
    const table = resultTable(
      [
        summarize(result('baseline', 4)),
        summarize(result('costscale', 3)),
        summarize(result('unpriced', null)),
      ],
      'USD',
    );
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^scenario\s+replica-h\s+mean\s+peak\s+cost \(USD\)\s+vs first\s+SLO-miss min/);
    expect(lines[1]).toMatch(/^baseline\s.*4\.00\s+100\.0 %\s+1\.5\s+5\.000\s+3\s+2$/);
    expect(lines[2]).toMatch(/^costscale\s.*3\.00\s+75\.0 %/);
    expect(lines[3]).toMatch(/^unpriced\s.*\s-\s+-\s+1\.5/);
  });
});
