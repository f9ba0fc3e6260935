import { Writable } from 'node:stream';
import pino from 'pino';
import { Lifecycle, type Runnable } from './lifecycle';

function setup() {
  const events: string[] = [];
  const logs: Array<{ msg: string; part?: string }> = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(JSON.parse(chunk.toString()) as { msg: string });
        done();
      },
    }),
  );
  const part = (name: string, o: { failStart?: boolean; failStop?: boolean } = {}): Runnable => ({
    name,
    async start() {
      events.push(`start ${name}`);
      if (o.failStart) throw new Error(`${name} cannot start`);
    },
    async stop() {
      events.push(`stop ${name}`);
      if (o.failStop) throw new Error(`${name} cannot stop`);
    },
  });
  return { lifecycle: new Lifecycle(logger), events, logs, part };
}

describe('Lifecycle', () => {
  test('starts in order and stops in reverse', async () => {
    const { lifecycle, events, part } = setup();
    lifecycle.add(part('database')).add(part('server')).add(part('engine'));
    await lifecycle.start();
    await lifecycle.stop('test');
    expect(events).toEqual([
      'start database',
      'start server',
      'start engine',
      'stop engine',
      'stop server',
      'stop database',
    ]);
  });

  test('a part that fails to start stops those started before it, and the error surfaces', async () => {
    const { lifecycle, events, part } = setup();
    lifecycle
      .add(part('database'))
      .add(part('server', { failStart: true }))
      .add(part('engine'));
    await expect(lifecycle.start()).rejects.toThrow('server cannot start');
    expect(events).toEqual(['start database', 'start server', 'stop database']);
  });

  test('a failing stop is logged and the others still stop', async () => {
    const { lifecycle, events, logs, part } = setup();
    lifecycle.add(part('database')).add(part('server', { failStop: true }));
    await lifecycle.start();
    await lifecycle.stop('test');
    expect(events.slice(2)).toEqual(['stop server', 'stop database']);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'stopping failed', part: 'server' }));
  });

  test('stop is idempotent, also when called concurrently', async () => {
    const { lifecycle, events, part } = setup();
    lifecycle.add(part('database'));
    await lifecycle.start();
    await Promise.all([lifecycle.stop('test'), lifecycle.stop('test')]);
    await lifecycle.stop('test');
    expect(events).toEqual(['start database', 'stop database']);
  });

  test('parts without start or stop, and leader-only parts, are reported as started; an absent part is skipped', async () => {
    const { lifecycle, events, logs, part } = setup();
    lifecycle
      .add({ name: 'spool', stop: () => void events.push('flush') })
      .add({ ...part('job'), leaderOnly: true });
    await lifecycle.start();
    await lifecycle.stop('test');
    expect(events).toEqual(['start job', 'stop job', 'flush']);
    expect(logs.filter((l) => l.msg === 'started')).toEqual([
      expect.objectContaining({ part: 'spool', leaderOnly: false }),
      expect.objectContaining({ part: 'job', leaderOnly: true }),
    ]);
  });
});
