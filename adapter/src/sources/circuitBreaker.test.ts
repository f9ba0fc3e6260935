import { CircuitBreaker, type CircuitState, type Permit } from './circuitBreaker';

function setup(failureThreshold = 3, coolDownMs = 10_000) {
  let now = 0;
  const changes: CircuitState[] = [];
  const breaker = new CircuitBreaker(
    { failureThreshold, coolDownMs },
    () => now,
    (s) => changes.push(s),
  );
  const advance = (ms: number): void => {
    now += ms;
  };
  const allowed = (): Permit => {
    const p = breaker.acquire();
    if (!p.allowed) throw new Error('expected the breaker to allow a call');
    return p;
  };
  return { breaker, changes, advance, allowed };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and refuses calls during the cool-down', () => {
    const { breaker, changes, advance, allowed } = setup();
    breaker.failed(allowed());
    breaker.failed(allowed());
    expect(breaker.state).toBe('closed');
    breaker.failed(allowed());
    expect(breaker.state).toBe('open');
    expect(changes).toEqual(['open']);
    advance(4000);
    expect(breaker.acquire()).toEqual({ allowed: false, retryInMs: 6000 });
  });

  it('counts only consecutive failures', () => {
    const { breaker, allowed } = setup();
    breaker.failed(allowed());
    breaker.failed(allowed());
    breaker.succeeded(allowed());
    breaker.failed(allowed());
    breaker.failed(allowed());
    expect(breaker.state).toBe('closed');
  });

  it('lets exactly one probe through after the cool-down and closes on its success', () => {
    const { breaker, changes, advance, allowed } = setup(1);
    breaker.failed(allowed());
    advance(10_000);
    const probe = breaker.acquire();
    expect(probe).toEqual({ allowed: true, probe: true });
    expect(breaker.state).toBe('half-open');
    expect(breaker.acquire()).toEqual({ allowed: false, retryInMs: 0 });
    breaker.succeeded(probe);
    expect(breaker.state).toBe('closed');
    expect(allowed()).toEqual({ allowed: true, probe: false });
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('reopens for a full cool-down when the probe fails', () => {
    const { breaker, changes, advance, allowed } = setup(1);
    breaker.failed(allowed());
    advance(15_000);
    breaker.failed(allowed());
    expect(breaker.state).toBe('open');
    advance(9_999);
    expect(breaker.acquire().allowed).toBe(false);
    advance(1);
    expect(breaker.acquire()).toEqual({ allowed: true, probe: true });
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open']);
  });

  it('closes when a call let through before the circuit opened succeeds late', () => {
    const { breaker, allowed } = setup(1);
    const early = allowed();
    breaker.failed(allowed());
    expect(breaker.state).toBe('open');
    breaker.succeeded(early);
    expect(breaker.state).toBe('closed');
  });
});
