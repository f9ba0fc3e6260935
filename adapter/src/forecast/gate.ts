import type { AccuracySummary } from './accuracy';

/**
 * Whether a series' forecast is trusted. It falls back to the reactive distribution when its online
 * accuracy is worse than seasonal naive or its interval coverage is off by more than a margin, and
 * returns only once it is clearly better again (hysteresis, so a borderline series does not flap).
 */
export type ForecastMode = 'forecast' | 'reactive';

export interface GateOptions {
  /** Nominal coverage of the served interval, e.g. 0.9. */
  nominalCoverage: number;
  /** Largest tolerated |coverage − nominal|, e.g. 0.1. */
  coverageMargin: number;
  /** Outcomes needed before the gate changes mode (default 48). */
  minOutcomes?: number;
  /**
   * To go back to the forecast, its error must be this fraction below seasonal naive's and its
   * coverage this fraction of the margin inside the band (default 0.05).
   */
  recoveryMargin?: number;
}

export interface GateDecision {
  mode: ForecastMode;
  /** One sentence for the decision's explanation. */
  reason: string;
}

const fixed = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const percent = (x: number): string => `${fixed(100 * x, 1)} %`;

export function forecastGate(
  summary: AccuracySummary,
  previous: ForecastMode,
  options: GateOptions,
): GateDecision {
  const minOutcomes = options.minOutcomes ?? 48;
  const recovery = options.recoveryMargin ?? 0.05;
  const nominal = options.nominalCoverage;
  const measured = `MAE ${fixed(summary.relativeMae)}× seasonal naive, ${percent(summary.coverage)} coverage of the ${percent(nominal)} interval over ${summary.count} outcomes`;
  if (summary.count < minOutcomes) {
    return {
      mode: previous,
      reason: `${summary.count} forecast outcomes so far, fewer than the ${minOutcomes} needed to judge; keeping ${previous === 'forecast' ? 'the forecast' : 'the reactive distribution'}`,
    };
  }
  const coverageGap = Math.abs(summary.coverage - nominal);
  if (previous === 'forecast') {
    if (!(summary.relativeMae <= 1)) {
      return {
        mode: 'reactive',
        reason: `forecast worse than seasonal naive (${measured}); using the reactive distribution`,
      };
    }
    if (!(coverageGap <= options.coverageMargin)) {
      return {
        mode: 'reactive',
        reason: `forecast interval coverage off by more than ${percent(options.coverageMargin)} (${measured}); using the reactive distribution`,
      };
    }
    return { mode: 'forecast', reason: `forecast trusted (${measured})` };
  }
  if (summary.relativeMae <= 1 - recovery && coverageGap <= options.coverageMargin * (1 - recovery)) {
    return {
      mode: 'forecast',
      reason: `forecast accurate again (${measured}); back from the reactive distribution`,
    };
  }
  return {
    mode: 'reactive',
    reason: `forecast not yet clearly better (${measured}); staying on the reactive distribution`,
  };
}
