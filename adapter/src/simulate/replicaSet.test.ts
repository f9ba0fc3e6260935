import { nextReadyAt, promoteReady, scaleTo, warmReplicaSet } from './replicaSet';

describe('replica set', () => {
  it('new pods become ready one readiness delay after they start', () => {
    const set = warmReplicaSet(2, 1000, 30_000, 60_000);
    expect(set.ready).toBe(2);
    scaleTo(set, 5, 1000);
    expect(set.startedAt.length).toBe(5);
    expect(nextReadyAt(set)).toBe(31_000);
    promoteReady(set, 30_999);
    expect(set.ready).toBe(2);
    promoteReady(set, 31_000);
    expect(set.ready).toBe(5);
    expect(nextReadyAt(set)).toBe(Infinity);
  });

  it('scaling down removes starting pods first, then the most recently ready', () => {
    const set = warmReplicaSet(3, 0, 30_000, 60_000);
    scaleTo(set, 4, 0);
    promoteReady(set, 30_000);
    scaleTo(set, 6, 40_000);
    scaleTo(set, 5, 50_000);
    expect(set.ready).toBe(4);
    expect(set.startedAt).toEqual([-60_000, -60_000, -60_000, 0, 40_000]);
    scaleTo(set, 3, 50_000);
    expect(set.ready).toBe(3);
    expect(set.startedAt).toEqual([-60_000, -60_000, -60_000]);
  });
});
