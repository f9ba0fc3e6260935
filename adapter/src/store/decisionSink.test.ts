import type { Database } from './db';
import { DecisionSink } from './decisionSink';
import type { PendingDecision } from './decisions';

// The queue alone (the database and the spool are the integration tests'): enqueue touches neither.
const sink = (maxQueue: number) =>
  new DecisionSink({} as Database, { spoolFile: '/nonexistent/spool', maxQueue, maxSpoolBytes: 0 });
const records = (n: number): PendingDecision[] =>
  new Array<PendingDecision>(n).fill({ namespace: 'a', policy: 'p' } as PendingDecision);

describe('DecisionSink.enqueue', () => {
  it("queues a tick's records however many policies there are", () => {
    const s = sink(500_000);
    // 200,000 records spread as arguments of one push overflowed the stack.
    s.enqueue(records(200_000));
    s.enqueue(records(3));
    expect(s.stats()).toMatchObject({ queued: 200_003, dropped: 0 });
  });

  it('counts what does not fit in the queue as dropped', () => {
    const s = sink(150_000);
    s.enqueue(records(100_000));
    s.enqueue(records(70_000));
    expect(s.stats()).toMatchObject({ queued: 150_000, dropped: 20_000 });
  });
});
