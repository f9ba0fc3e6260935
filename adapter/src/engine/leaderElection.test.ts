import type { LeaseClient, LeaseRecord } from '../k8s/lease';
import { LeaderElector } from './leaderElection';

// Leader crash with lease expiry, on a fake clock: exact lease arithmetic, no waiting.

const T = Date.UTC(2026, 10, 1);
const DURATION_S = 15;

/** One Lease in memory, with the API server's resourceVersion check; `down` makes one replica's calls fail. */
function memoryLease() {
  let stored: (LeaseRecord & { resourceVersion: string }) | undefined;
  let version = 0;
  const write = (
    holder: string,
    now: number,
    durationSeconds: number,
    transitions: number,
    address?: string,
  ) => {
    stored = {
      holder: holder || undefined,
      renewTime: now,
      durationSeconds,
      transitions,
      address,
      resourceVersion: String(++version),
    };
  };
  const clientFor = (replica: { down: boolean }): LeaseClient => ({
    async read() {
      if (replica.down) throw new Error('connection refused');
      return stored;
    },
    async create(holder, now, durationSeconds, address) {
      if (replica.down) throw new Error('connection refused');
      if (stored !== undefined) return false;
      write(holder, now, durationSeconds, 0, address);
      return true;
    },
    async update(previous, holder, now, durationSeconds, transitions, address) {
      if (replica.down) throw new Error('connection refused');
      if (stored?.resourceVersion !== previous.resourceVersion) return false;
      write(holder, now, durationSeconds, transitions, address);
      return true;
    },
  });
  return { clientFor, stored: () => stored };
}

beforeEach(() => jest.useFakeTimers({ now: T }));
afterEach(() => jest.useRealTimers());

test('a crashed leader is replaced once its lease expires, and never while both could lead', async () => {
  const lease = memoryLease();
  const a = { down: false };
  const elector = (name: string, replica: { down: boolean }) =>
    new LeaderElector(lease.clientFor(replica), {
      identity: name,
      leaseDurationSeconds: DURATION_S,
      address: () => `https://${name}:6443`,
      clock: Date.now,
    });
  const leaderA = elector('a', a);
  const leaderB = elector('b', { down: false });
  await leaderA.start(); // attempts at T, T+5 s, T+10 s, … (every duration / 3)
  await jest.advanceTimersByTimeAsync(1000);
  await leaderB.start(); // attempts at T+1 s, T+6 s, …
  expect(leaderA.isLeader()).toBe(true);
  expect(leaderB.isLeader()).toBe(false);
  expect(leaderB.leaderAddress()).toBe('https://a:6443');

  // A renews at T+10 s, then crashes at T+10.5 s: it never reaches the Lease again.
  await jest.advanceTimersByTimeAsync(9500);
  expect(lease.stored()?.renewTime).toBe(T + 10_000);
  a.down = true;
  const crashedAt = Date.now();

  let aLedUntil = crashedAt;
  const firstLeading = async (e: LeaderElector, until: number): Promise<number | undefined> => {
    while (Date.now() < until) {
      if (leaderA.isLeader()) aLedUntil = Date.now();
      if (e.isLeader()) return Date.now();
      await jest.advanceTimersByTimeAsync(100);
    }
    return undefined;
  };
  const takeoverAt = await firstLeading(leaderB, T + 60_000);
  // The lease expires at renewTime + duration = T+25 s; B's next attempt after that is at T+26 s.
  expect(takeoverAt).toBe(T + 26_000);
  const failoverMs = takeoverAt! - crashedAt;
  expect(failoverMs).toBe(15_500);
  // Bound for any crash moment: at most the lease duration plus one retry period.
  expect(failoverMs).toBeLessThanOrEqual(DURATION_S * 1000 + (DURATION_S * 1000) / 3);
  // A stopped believing it leads at T+10 s + 2/3 of the duration = T+20 s, before B took over.
  expect(aLedUntil).toBe(T + 19_900);
  expect(leaderA.isLeader()).toBe(false);
  expect(lease.stored()).toMatchObject({ holder: 'b', transitions: 1, address: 'https://b:6443' });
  await leaderB.stop();
  await leaderA.stop();
});
