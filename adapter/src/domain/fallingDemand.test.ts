import { demandFloorOnFall } from './fallingDemand';

describe('demandFloorOnFall', () => {
  it('extrapolates a fall in progress over the query lag, never below 0', () => {
    expect(demandFloorOnFall(50, { measured: 50, earlier: 60 })).toBe(40);
    expect(demandFloorOnFall(50, { measured: 50, earlier: 130 })).toBe(0);
  });

  it('keeps D(t) on a flat or rising query, or without a lag', () => {
    expect(demandFloorOnFall(50, { measured: 50, earlier: 50 })).toBe(50);
    expect(demandFloorOnFall(60, { measured: 55, earlier: 50 })).toBe(60);
    expect(demandFloorOnFall(50, undefined)).toBe(50);
    expect(demandFloorOnFall(50, { measured: 50, earlier: Number.NaN })).toBe(50);
  });
});
