import type { Budget } from '../config/schema';
import {
  addDays,
  type CivilDate,
  civilToUtcMs,
  formatCivilDate,
  instantOfWallTime,
  isoWeekdayOf,
  MS_PER_DAY,
  MS_PER_HOUR,
  wallTimeAt,
} from './wallClock';

// Budgets run over calendar periods in a time zone. From spend so far and the burn rate the budget's
// status follows: utilisation, projection to the period's end, exhaustion ETA, threshold state and the
// shadow price λ that makes replicas dearer in decide() while the projection overruns.

export type BudgetPeriodKind = Budget['period'];

/** One calendar period: [start, end) in epoch ms, with a label naming it. */
export interface BudgetPeriod {
  readonly kind: BudgetPeriodKind;
  readonly timeZone: string;
  readonly start: number;
  readonly end: number;
  /** `2024-03-31` (daily), `2024-W13` (ISO week), `2024-03` (monthly). */
  readonly label: string;
}

/**
 * The period containing instant `at`: local days start at local midnight, weeks on Monday (ISO 8601),
 * months on the 1st. Boundaries follow the zone's daylight-saving rules, so a day may last 23 or 25 hours.
 */
export function budgetPeriodAt(kind: BudgetPeriodKind, timeZone: string, at: number): BudgetPeriod {
  const local = wallTimeAt(at, timeZone);
  let startDate: CivilDate;
  let endDate: CivilDate;
  let label: string;
  switch (kind) {
    case 'daily':
      startDate = { year: local.year, month: local.month, day: local.day };
      endDate = addDays(startDate, 1);
      label = formatCivilDate(local.year, local.month, local.day);
      break;
    case 'weekly':
      startDate = addDays({ year: local.year, month: local.month, day: local.day }, 1 - local.isoWeekday);
      endDate = addDays(startDate, 7);
      label = isoWeekLabel(startDate);
      break;
    case 'monthly':
      startDate = { year: local.year, month: local.month, day: 1 };
      endDate =
        local.month === 12
          ? { year: local.year + 1, month: 1, day: 1 }
          : { ...startDate, month: local.month + 1 };
      label = `${String(local.year).padStart(4, '0')}-${String(local.month).padStart(2, '0')}`;
      break;
  }
  return {
    kind,
    timeZone,
    start: instantOfWallTime(timeZone, startDate.year, startDate.month, startDate.day),
    end: instantOfWallTime(timeZone, endDate.year, endDate.month, endDate.day),
    label,
  };
}

/** ISO 8601 week label of the week starting on Monday `monday`: the week belongs to its Thursday's year. */
function isoWeekLabel(monday: CivilDate): string {
  const thursday = addDays(monday, 3);
  const firstThursdayOfYear = addDays(
    { year: thursday.year, month: 1, day: 1 },
    (4 - isoWeekdayOf(thursday.year, 1, 1) + 7) % 7,
  );
  const week =
    Math.round(
      (civilToUtcMs(thursday.year, thursday.month, thursday.day) -
        civilToUtcMs(firstThursdayOfYear.year, firstThursdayOfYear.month, firstThursdayOfYear.day)) /
        (7 * MS_PER_DAY),
    ) + 1;
  return `${String(thursday.year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

export type ThresholdState = 'ok' | 'warning' | 'critical';

export interface BudgetThresholds {
  /** Fraction of the budget spent that raises a warning (default 0.8). */
  readonly warning: number;
  /** Fraction of the budget spent that is an emergency (default 0.95). */
  readonly critical: number;
}

export const DEFAULT_THRESHOLDS: BudgetThresholds = { warning: 0.8, critical: 0.95 };

/** λ never exceeds this: with the budget exhausted, replica cost is weighed 101 times its price. */
export const MAX_SHADOW_PRICE = 100;

export interface BudgetStatusInput {
  /** Spend limit for the period. */
  readonly amount: number;
  readonly period: BudgetPeriod;
  /** Spend from the period's start up to `at`. */
  readonly spent: number;
  /** Current spend per hour over the budget's scope. */
  readonly burnRatePerHour: number;
  /**
   * Forecast spend from `at` to the period's end (demand forecast × prices); when given it replaces
   * burn rate × hours left in the projection.
   */
  readonly forecastSpendToEnd?: number;
  readonly at: number;
  readonly thresholds?: BudgetThresholds;
}

export interface BudgetStatus {
  readonly periodLabel: string;
  readonly amount: number;
  readonly spent: number;
  /** max(0, amount − spent). */
  readonly remaining: number;
  /** Hours from `at` to the period's end. */
  readonly hoursLeft: number;
  readonly burnRatePerHour: number;
  /** spent + expected spend to the period's end. */
  readonly projectedSpend: number;
  readonly projectionBasis: 'burn-rate' | 'forecast';
  /** spent / amount. */
  readonly utilisation: number;
  /** projectedSpend / amount. */
  readonly projectedUtilisation: number;
  /** When the current burn rate exhausts the budget, if within this period; `at` when already spent. */
  readonly exhaustionAt: number | null;
  readonly state: ThresholdState;
  readonly thresholds: BudgetThresholds;
  /** λ ≥ 0, see `shadowPrice`. */
  readonly shadowPrice: number;
  /** Inputs that were unusable and what was assumed instead. */
  readonly warnings: readonly string[];
}

/**
 * The budget's status at `at` (clamped into the period). A non-finite or negative spend or burn rate
 * counts as 0 and is named in `warnings`, so the caller can surface it rather than trust it.
 */
export function budgetStatus(input: BudgetStatusInput): BudgetStatus {
  const thresholds = input.thresholds ?? DEFAULT_THRESHOLDS;
  const warnings: string[] = [];
  const spent = nonNegative(input.spent, 'spend so far', warnings);
  const burn = nonNegative(input.burnRatePerHour, 'burn rate', warnings);
  const at = Math.min(Math.max(input.at, input.period.start), input.period.end);
  const hoursLeft = (input.period.end - at) / MS_PER_HOUR;
  const forecast = input.forecastSpendToEnd;
  const useForecast = forecast !== undefined && Number.isFinite(forecast) && forecast >= 0;
  if (forecast !== undefined && !useForecast) {
    warnings.push(`forecast spend to period end is ${forecast}; projecting from the burn rate instead`);
  }
  const projectedSpend = spent + (useForecast ? forecast : burn * hoursLeft);
  const utilisation = spent / input.amount;
  let exhaustionAt: number | null = null;
  if (spent >= input.amount) exhaustionAt = at;
  else if (burn > 0) {
    const eta = at + ((input.amount - spent) / burn) * MS_PER_HOUR;
    if (eta <= input.period.end) exhaustionAt = eta;
  }
  return {
    periodLabel: input.period.label,
    amount: input.amount,
    spent,
    remaining: Math.max(0, input.amount - spent),
    hoursLeft,
    burnRatePerHour: burn,
    projectedSpend,
    projectionBasis: useForecast ? 'forecast' : 'burn-rate',
    utilisation,
    projectedUtilisation: projectedSpend / input.amount,
    exhaustionAt,
    state: thresholdState(utilisation, thresholds),
    thresholds,
    shadowPrice: shadowPrice(input.amount, spent, projectedSpend),
    warnings,
  };
}

/** The threshold state for a utilisation (fraction of the budget spent). */
export function thresholdState(utilisation: number, thresholds: BudgetThresholds): ThresholdState {
  if (utilisation >= thresholds.critical) return 'critical';
  if (utilisation >= thresholds.warning) return 'warning';
  return 'ok';
}

/**
 * The shadow price λ of the budget: 0 while the projection fits; otherwise
 *
 *     λ = (projected − amount) / (amount − spent),   capped at MAX_SHADOW_PRICE,
 *
 * i.e. (1 + λ) = projected remaining spend / remaining budget — the factor by which the rest of the
 * period's plan is too expensive. It rises with the projected overrun (and with spend so far, as the
 * remaining budget shrinks), so decide() weighs each replica-hour as if it cost (1 + λ) times its price.
 * Once the budget is spent it is MAX_SHADOW_PRICE.
 */
export function shadowPrice(amount: number, spent: number, projected: number): number {
  if (!(projected > amount)) return 0;
  const remaining = amount - spent;
  if (remaining <= 0) return MAX_SHADOW_PRICE;
  return Math.min(MAX_SHADOW_PRICE, (projected - amount) / remaining);
}

export interface BudgetEvent {
  readonly budget: string;
  readonly periodLabel: string;
  readonly at: number;
  /** The threshold crossed. */
  readonly threshold: 'warning' | 'critical';
  /** Its value as a fraction of the budget. */
  readonly level: number;
  /** `up`: spend rose past it; `down`: utilisation fell back below it (e.g. a corrected spend series). */
  readonly direction: 'up' | 'down';
  readonly from: ThresholdState;
  readonly to: ThresholdState;
  readonly utilisation: number;
}

/** A budget's threshold state as last recorded. */
export interface RecordedBudgetState {
  readonly periodLabel: string;
  readonly state: ThresholdState;
}

const RANK: Record<ThresholdState, number> = { ok: 0, warning: 1, critical: 2 };
const CROSSINGS = ['warning', 'critical'] as const;

/**
 * One event per threshold crossed between the recorded state and the new status (ok → critical crosses
 * both, in order). A new period starts from `ok`, so rolling into a fresh period is not itself an event,
 * while crossing a threshold early in it is.
 */
export function budgetEvents(
  budget: string,
  previous: RecordedBudgetState | undefined,
  next: BudgetStatus,
  at: number,
): BudgetEvent[] {
  const from: ThresholdState =
    previous === undefined || previous.periodLabel !== next.periodLabel ? 'ok' : previous.state;
  const to = next.state;
  const lo = Math.min(RANK[from], RANK[to]);
  const hi = Math.max(RANK[from], RANK[to]);
  const direction = RANK[to] > RANK[from] ? 'up' : 'down';
  const crossed = CROSSINGS.filter((t) => RANK[t] > lo && RANK[t] <= hi);
  if (direction === 'down') crossed.reverse();
  return crossed.map((threshold) => ({
    budget,
    periodLabel: next.periodLabel,
    at,
    threshold,
    level: next.thresholds[threshold],
    direction,
    from,
    to,
    utilisation: next.utilisation,
  }));
}

function nonNegative(x: number, what: string, warnings: string[]): number {
  if (Number.isFinite(x) && x >= 0) return x;
  warnings.push(`${what} is ${x}; counted as 0`);
  return 0;
}
