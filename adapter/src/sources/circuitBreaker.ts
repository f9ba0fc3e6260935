// A circuit breaker per backend: after `failureThreshold` consecutive failures it opens and refuses
// calls for `coolDownMs`; then it lets exactly one probe through (half-open). The probe's success
// closes it, its failure opens it for another cool-down. A dead Prometheus then costs one request
// per cool-down instead of a timeout per query per tick.

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly coolDownMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = { failureThreshold: 5, coolDownMs: 30_000 };

/** The answer to "may I call now?". */
export type Permit =
  | { readonly allowed: true; readonly probe: boolean }
  | { readonly allowed: false; readonly retryInMs: number };

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number,
    private readonly onStateChange: (state: CircuitState) => void = () => {},
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** Asks to call; an allowed call must be settled with exactly one `succeeded()` or `failed()`. */
  acquire(): Permit {
    if (this.current === 'open') {
      const waited = this.now() - this.openedAt;
      if (waited < this.options.coolDownMs)
        return { allowed: false, retryInMs: this.options.coolDownMs - waited };
      this.transition('half-open');
    }
    if (this.current === 'half-open') {
      if (this.probeInFlight) return { allowed: false, retryInMs: 0 };
      this.probeInFlight = true;
      return { allowed: true, probe: true };
    }
    return { allowed: true, probe: false };
  }

  /**
   * A probe now, whatever is left of the cool-down: at a tick start one request tells whether the
   * backend is back, so a returned backend serves the whole tick instead of refusing it (issue 16).
   * Undefined when the circuit is closed or a probe is already out.
   */
  probeNow(): Permit | undefined {
    if (this.current === 'closed' || this.probeInFlight) return undefined;
    if (this.current === 'open') this.transition('half-open');
    this.probeInFlight = true;
    return { allowed: true, probe: true };
  }

  /** Any success, probe or a call let through before the circuit opened, shows the backend answers. */
  succeeded(permit: Permit): void {
    if (isProbe(permit)) this.probeInFlight = false;
    this.failures = 0;
    if (this.current !== 'closed') {
      this.probeInFlight = false;
      this.transition('closed');
    }
  }

  failed(permit: Permit): void {
    if (isProbe(permit)) this.probeInFlight = false;
    if (this.current === 'half-open') {
      this.open();
      return;
    }
    this.failures += 1;
    if (this.current === 'closed' && this.failures >= this.options.failureThreshold) this.open();
  }

  private open(): void {
    this.openedAt = this.now();
    this.transition('open');
  }

  private transition(state: CircuitState): void {
    this.current = state;
    this.onStateChange(state);
  }
}

function isProbe(permit: Permit): boolean {
  return permit.allowed && permit.probe;
}
