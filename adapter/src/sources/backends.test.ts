import { configSchema, type Config } from '../config/schema';
import { liveBackends } from './backends';
import { NOOP_OBSERVER } from './prometheusClient';

const config = (url: string, intervalSeconds = 15, level = 'info') =>
  configSchema.parse({
    prometheus: { default: { url } },
    engine: { intervalSeconds },
    log: { level },
  });

function manager(initial: Config) {
  let current = initial;
  const listeners: Array<(next: Config, previous: Config) => void> = [];
  return {
    current: () => current,
    onChange: (l: (next: Config, previous: Config) => void) => void listeners.push(l),
    reload(next: Config) {
      const previous = current;
      current = next;
      for (const l of listeners) l(next, previous);
    },
  };
}

describe('liveBackends', () => {
  test('keeps its clients across reloads that change neither backends nor engine settings', () => {
    const m = manager(config('http://a:9090'));
    const backends = liveBackends(m, NOOP_OBSERVER);
    const first = backends();
    expect([...first.keys()]).toEqual(['default']);
    m.reload(config('http://a:9090', 15, 'debug'));
    expect(backends()).toBe(first);
  });

  test.each([
    ['a backend', config('http://b:9090')],
    ['the engine settings', config('http://a:9090', 30)],
  ])('rebuilds its clients when %s change', (_, next) => {
    const m = manager(config('http://a:9090'));
    const backends = liveBackends(m, NOOP_OBSERVER);
    const first = backends();
    m.reload(next);
    expect(backends()).not.toBe(first);
  });
});
