import type { Policy } from '../config/schema';
import { MS_PER_HOUR } from '../domain/wallClock';
import { boundsChanges, MIN_REPLICA_FLOOR } from './boundsChanges';
import {
  recommendation,
  round,
  simulatedSavings,
  withBounds,
  worth,
  type RecommenderContext,
  type RecommenderOutcome,
} from './context';
import { autocorrelation, hourlyDemand, type HourlyDemand } from './periodicity';
import { finiteQuantile } from './quantile';
import { slaCheck } from './simulation';
import type { ObjectChange } from './types';

// Schedule profiles where demand is strongly periodic: a business-hours floor that has replicas ready
// before the daily ramp (a reactive scaler is a readiness delay late), which lets the minimum outside
// those hours drop to what the troughs need. The window is the longest run of hours whose mean demand
// reaches half the busiest hour's; weekdays only when weekends run at under half the weekday level.

const DAILY_LAG = 24;
const WEEKLY_LAG = 168;
/** Hours of history before a daily pattern is judged (3 days). */
const MIN_HOURS = 72;
/** An hour belongs to the busy window at this share of the busiest hour's mean. */
const BUSY_SHARE = 0.5;
/** Weekends are quiet below this share of the weekday level. */
const QUIET_WEEKEND_SHARE = 0.5;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Weekday = (typeof WEEKDAYS)[number];

function meanWhere(h: HourlyDemand, keep: (i: number) => boolean): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < h.means.length; i++) {
    const v = h.means[i] as number;
    if (Number.isFinite(v) && keep(i)) {
      sum += v;
      count++;
    }
  }
  return count > 0 ? sum / count : Number.NaN;
}

/** The longest circular run of hours (0–23) flagged busy: [start, length]. */
function longestRun(busy: readonly boolean[]): [number, number] {
  if (busy.every(Boolean)) return [0, 24];
  let best: [number, number] = [0, 0];
  for (let start = 0; start < 24; start++) {
    if (!busy[start] || busy[(start + 23) % 24]) continue;
    let length = 0;
    while (length < 24 && busy[(start + length) % 24]) length++;
    if (length > best[1]) best = [start, length];
  }
  return best;
}

const clock = (hour: number): string => `${String(hour % 24).padStart(2, '0')}:00`;

export function schedule(ctx: RecommenderContext): RecommenderOutcome {
  const { input, sim, bounds } = ctx;
  const { policy, scaling, settings } = input;
  if (scaling.kind === 'hpa-cpu') return { note: 'a CPU HPA does not read costscale’s schedule floors' };
  if (policy.schedules.length > 0) return { note: 'the policy has schedule profiles already' };
  const tz = settings.timeZone;
  const hourly = hourlyDemand(sim.trace.timesMs, sim.trace.demand, tz);
  if (hourly.means.length < MIN_HOURS) return { note: `less than ${MIN_HOURS} h of demand history` };
  const daily = autocorrelation(hourly.means, DAILY_LAG);
  const weekly = autocorrelation(hourly.means, WEEKLY_LAG);
  const strongest = Math.max(Number.isFinite(daily) ? daily : -1, Number.isFinite(weekly) ? weekly : -1);
  if (!(strongest >= settings.periodicity)) {
    return {
      note: `demand is not periodic enough (daily autocorrelation ${round(daily, 3)}, weekly ${round(weekly, 3)}, need ${settings.periodicity})`,
    };
  }

  const weekdayMean = meanWhere(hourly, (i) => (hourly.weekday[i] as number) <= 5);
  const weekendMean = meanWhere(hourly, (i) => (hourly.weekday[i] as number) >= 6);
  const weekdaysOnly = Number.isFinite(weekendMean) && weekendMean < QUIET_WEEKEND_SHARE * weekdayMean;
  const onDay = (i: number): boolean => !weekdaysOnly || (hourly.weekday[i] as number) <= 5;
  const profile = Array.from({ length: 24 }, (_, hour) =>
    meanWhere(hourly, (i) => onDay(i) && hourly.hourOfDay[i] === hour),
  );
  const peakHour = Math.max(...profile.filter(Number.isFinite));
  const [start, length] = longestRun(profile.map((v) => Number.isFinite(v) && v >= BUSY_SHARE * peakHour));
  if (length === 0 || length === 24) return { note: 'demand has no distinct busy hours' };
  const inWindowHour = (i: number): boolean =>
    onDay(i) && ((hourly.hourOfDay[i] as number) - start + 24) % 24 < length;

  const { timesMs, demand } = sim.trace;
  const inside: number[] = [];
  const outside: number[] = [];
  for (let k = 0; k < timesMs.length; k++) {
    const hour = Math.floor(((timesMs[k] as number) - hourly.startMs) / MS_PER_HOUR);
    (inWindowHour(hour) ? inside : outside).push(demand[k] as number);
  }
  const kappa = sim.capacityPerReplica;
  const busyLow = finiteQuantile(Float64Array.from(inside), 0.1);
  const quietLow = finiteQuantile(Float64Array.from(outside), 0.05);
  const floor = Math.min(bounds.max, Math.ceil(busyLow / kappa));
  const newMin = Math.min(
    bounds.min,
    Math.max(Math.ceil(quietLow / kappa), Math.min(bounds.min, MIN_REPLICA_FLOOR)),
  );
  if (floor <= newMin) return { note: 'busy hours need no more replicas than the minimum' };

  const profileSpec: Policy['schedules'][number] = {
    name: 'business-hours',
    timeZone: tz,
    days: (weekdaysOnly ? WEEKDAYS.slice(0, 5) : WEEKDAYS) as Weekday[],
    from: clock(start),
    to: clock(start + length),
    minReplicas: floor,
  };
  const workload = { kind: input.workloadKind, name: policy.target.name };
  const changes: ObjectChange[] = boundsChanges(input, workload, newMin, bounds.max);
  const policyChange = changes.findIndex((c) => c.type === 'policy');
  if (policyChange >= 0) {
    changes[policyChange] = {
      ...(changes[policyChange] as ObjectChange & { type: 'policy' }),
      schedules: [profileSpec],
    };
  } else {
    changes.push({ type: 'policy', policy: policy.name, schedules: [profileSpec] });
  }
  const scheduled: Policy = {
    ...withBounds(policy, Math.min(policy.replicas.min, newMin), policy.replicas.max),
    schedules: [profileSpec],
  };
  const after = sim.run({
    policy: scheduled,
    minReplicas: scaling.kind === 'none' ? scheduled.replicas.min : Math.min(scaling.minReplicas, newMin),
  });
  const check = slaCheck(sim, after, settings.slaToleranceMinutesPerDay);
  const savings = simulatedSavings(sim, after);
  const days = weekdaysOnly ? 'Mon–Fri' : 'daily';
  return {
    recommendation: recommendation(ctx, {
      kind: 'schedule',
      target: { kind: 'Policy', name: policy.name },
      summary:
        `policy ${policy.name}: floor of ${floor} replicas ${days} ${profileSpec.from}–${profileSpec.to} ${tz}` +
        (newMin < bounds.min ? `, minimum ${bounds.min} → ${newMin} outside` : ''),
      monthlySavings: savings,
      evidence: {
        dailyAutocorrelation: round(daily, 3),
        weeklyAutocorrelation: Number.isFinite(weekly) ? round(weekly, 3) : null,
        weekdayMeanDemand: round(weekdayMean),
        weekendMeanDemand: Number.isFinite(weekendMean) ? round(weekendMean) : null,
        hourlyProfile: profile.map((v) => round(v)),
        busyHoursDemandP10: round(busyLow),
        quietHoursDemandP5: round(quietLow),
        capacityPerReplica: kappa,
        minReplicas: bounds.min,
      },
      slaCheck: check,
      changes,
    }),
    ...worth(ctx, savings, check),
  };
}
