import { SnapshotHolder, type Snapshot } from './snapshot';

const snap = (tick: number): Snapshot => ({ generatedAt: tick * 1000, tick, policies: [] });

describe('SnapshotHolder', () => {
  test('subscribers see every publish, frozen, until they unsubscribe', () => {
    const holder = new SnapshotHolder();
    const seen: number[] = [];
    const unsubscribe = holder.subscribe((s) => {
      expect(Object.isFrozen(s)).toBe(true);
      expect(holder.current()).toBe(s);
      seen.push(s.tick);
    });
    holder.publish(snap(1));
    holder.publish(snap(2));
    unsubscribe();
    holder.publish(snap(3));
    expect(seen).toEqual([1, 2]);
    expect(holder.current()?.tick).toBe(3);
  });

  test('the same function subscribed twice is called twice and unsubscribed once per handle', () => {
    const holder = new SnapshotHolder();
    let calls = 0;
    const listener = (): void => void (calls += 1);
    const first = holder.subscribe(listener);
    holder.subscribe(listener);
    first();
    holder.publish(snap(1));
    expect(calls).toBe(1);
  });
});
