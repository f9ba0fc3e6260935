import { z } from 'zod';
import {
  burstRateDecades,
  burstRecordSchema,
  createBurstRecord,
  EPISODE_MIN,
  observeBurst,
  routineBurst,
} from './burstRecord';
import { logNormalTail } from './normal';
import { APART, shapeApart } from './shapeApart';
import { createWitness, witnessEvidence, witnessStateSchema } from './rhythmWitness';
import { createScoreRarity, readScore, scoreRaritySchema } from './scoreRarity';
import { createSurgeRecord, observeSurge, surgeRecordSchema } from './surgeRecord';
import { float32Array, signedFloat32Array, typedArraysAsLists, uint8Array } from './typedArrays';
import { createWeekly, learnWeekly, weeklyEvidence, weeklyStateSchema } from './weeklyProfile';

/**
 * An online anomaly detector for one series: each new sample gets a score in [0, 1] from that sample and
 * the state built from earlier ones only (causal, as the Numenta Anomaly Benchmark requires). The state
 * is a few hundred numbers of plain JSON, updated in place in O(1) per sample, so a caller can persist it
 * like a forecast model and score thousands of series per tick.
 *
 * How a score is made, each part an idea of a published NAB detector, none of their code:
 * 1. Surprise. Three robust one-step forecasts (a fast level, the previous value, a time-of-day profile
 *    around the mean of the last day) each give a band from their own mean absolute error; the surprise
 *    is the smallest of the standardised residuals, so a sample is surprising only if no forecast
 *    explains it (the forecast-residual band; CAD OSE's "context not seen before" in a cheap form).
 * 2. Likelihood. The log-surprise of the sample and of the recent few samples against the long-run
 *    distribution of log-surprise (Numenta HTM's anomaly likelihood: the recent distribution of a raw
 *    anomaly signal against its long-run one, so a noisy series does not alarm all the time).
 * 3. Change points. A CUSUM of the standardised log-surprise: a lasting rise in surprise too small for
 *    any single sample (more noise, a shifted level or daily pattern that the forecasts half follow)
 *    accumulates to evidence.
 * 4. Novelty. The value against the long-run distribution of values (about a day of samples): a drift
 *    to values not seen lately is evidence even when each step is explained by the one before it (CAD
 *    OSE's novelty of a context; NAB's windowed Gaussian as one more witness).
 * 5. Spatial anomaly. A value beyond the whole range seen so far by more than 5 % of it scores at least
 *    0.5 whatever the evidence above says (Numenta's NAB detector does the same with its spatial
 *    tolerance): few series reach a new extreme by such a margin without something having happened.
 * 6. Rhythms. The residual against the daily profile and against a weekly one, smoothed over a few hours,
 *    against its own spread (`rhythmWitness.ts`): a day that follows itself step by step but not its
 *    rhythm (a holiday, a peak that does not come, a flat line) is evidence that 1–4 explain away.
 * The evidence is a tail probability p, d = −log10(p) decades of it. Each series calibrates itself: d is
 * divided by 1 + its own running 99th percentile of d, so a series whose ordinary noise often looks
 * improbable needs more to alarm than a quiet one (the aim of Numenta's anomaly likelihood: one threshold
 * for all series). The score is d/(d + 10). After a high score, lower ones are damped while the peak
 * decays over a day, so one event alarms once rather than on every sample of it (ARTime's masking of
 * detections after an alarm); so are the higher samples that follow an event's first within a few
 * samples, unless they double its score. An event like one seen at about the same time of day on one of
 * the last seven days is damped too: a daily job's spike is routine from its second day on (what
 * Numenta HTM's sequence memory learns of a pattern that recurs). So is a burst that at least six of the
 * series' recent episodes of strong evidence reached (`burstRecord.ts`): where bursts are routine (tweet
 * volume), only one beyond most of them is news.
 * Bursts coming far faster than the record's rate are news again, each adding that evidence to its own;
 * so is a surge that outlasts the series' recorded surges (`surgeRecord.ts`), however routine its height.
 * Last, the point evidence is read against how often the series itself scores so high (`scoreRarity.ts`):
 * a busy series, which reaches a high score every few days, is read against that level, so that one
 * threshold means about the same rarity per day on every series (Numenta HTM's anomaly likelihood's aim).
 */

export const DAY_MS = 86_400_000;
export const DEFAULT_STEP_MS = 300_000;
const MAX_SLOTS = 288;
const RECENT = 3;

/** Mechanism constants, the same for every series (no per-series tuning). */
const LEVEL_ALPHA = 0.1;
const DEV_ALPHA = 0.02;
const PROFILE_ALPHA = 0.15;
const SURPRISE_ALPHA = 0.01;
/** Residuals beyond this many band widths move the forecasts only this far (Huber). */
const CLIP = 3;
/** Mean absolute error → standard deviation for a normal residual (√(π/2)). */
const MAE_TO_SD = 1.2533;
/**
 * The smallest spread of the log-surprise the likelihood assumes. Where one of the forecasts nearly always
 * fits (a smooth daily pattern), the log-surprise spreads very little, and without a floor a residual of
 * one band width would read as a six-sigma event (a regular series then alarms at its steepest hours).
 */
const SURPRISE_SD_FLOOR = 0.2;
const CUSUM_DRIFT = 1;
const CUSUM_RESET = 10;
const LN10 = Math.log(10);
/** A tail probability of 1e-10 scores 0.5; the map never saturates, so scores keep their order. */
const SCORE_DECADES = 10;
const DAMPING = 0.2;
const NOVELTY_ALPHA = 0.003;
/** Samples before the novelty test speaks (its variance needs a few). */
const NOVELTY_MIN_SAMPLES = 10;
/** The self-calibration: a running 99th percentile of the evidence in decades (a stochastic-gradient quantile). */
const CALIBRATION_QUANTILE = 0.99;
/** The quantile's step a sample at the default 5-minute step (`calibrationStep`: as much a day at others). */
const CALIBRATION_STEP = 0.05;
/**
 * A day of samples as the damping and the calibration count it: a day at steps of 5 minutes to 2 hours, at
 * most MAX_SLOTS (finer series count as 5-minute ones), at least MIN_DAY_SAMPLES (coarser as 2-hour ones).
 */
const MIN_DAY_SAMPLES = 12;
const daySamples = (stepMs: number): number =>
  Math.min(MAX_SLOTS, Math.max(MIN_DAY_SAMPLES, DAY_MS / stepMs));
/**
 * A value beyond the range seen so far by more than this share of it is a spatial anomaly (Numenta's NAB
 * detector, `numenta_detector.py`: spatial tolerance 0.05 of the input range, the score then set high).
 */
const SPATIAL_TOLERANCE = 0.05;
/** Spatial anomalies score from 0.5 (just past the tolerance) towards 1, above ordinary evidence. */
const SPATIAL_FLOOR = 0.5;
/** The recurrence test remembers the last few events: samples whose score was a new peak of at least this. */
const EVENT_MIN_SCORE = 0.2;
const EVENT_MEMORY = 8;
/**
 * An event recurs when one at least RECURRENCE_RATIO of its score happened within RECURRENCE_REACH_MS of
 * its time of day, half a day to RECURRENCE_DAYS earlier (a daily job drifts by minutes from day to day).
 */
const RECURRENCE_REACH_MS = 1_800_000;
const RECURRENCE_DAYS = 7;
const RECURRENCE_RATIO = 0.5;
/** A score within a few samples of an event continues it unless it is this many times the event's score. */
const CONTINUATION_RATIO = 2;
/**
 * A slot's visits are counted up to this (one byte): the profile only asks whether a slot has been seen
 * twice, and its learning rate stops depending on the count after a few visits.
 */
const PROFILE_COUNT_MAX = 0xff;
/**
 * A burst that starts while bursts come this many decades more often than the series' record of them
 * says (`burstRecord.ts`) is news, however routine its size and whatever alarm masks it.
 */
const SURGE_DECADES = 1.5;
/** Days of samples the daily witness's statistics learn from before it speaks (its profile needs two). */
const DAILY_SETTLE_DAYS = 2;

export const detectorOptionsSchema = z.object({
  /** Nominal sampling step; sets the warm-up (one day of samples) and the time-of-day slots. */
  stepMs: z.number().positive().default(DEFAULT_STEP_MS),
  /** Samples before any score above 0. */
  warmup: z.number().int().min(2).optional(),
  /** Half-life, in steps of stepMs, of the damping after a high score. */
  dampingHalfLife: z.number().positive().optional(),
});
export type DetectorOptions = z.input<typeof detectorOptionsSchema>;

export const detectorStateSchema = z.object(
  shapeApart({
    [APART]: true,
    version: z.literal(12),
    stepMs: z.number().positive(),
    slotMs: z.number().positive(),
    warmup: z.number().int().min(2),
    /** The damping's decay over one step of stepMs; over a gap in the series it decays for the whole gap. */
    dampingDecay: z.number().min(0).max(1),
    n: z.number().int().min(0),
    last: z.number(),
    level: z.number(),
    levelDev: z.number().min(0),
    diffDev: z.number().min(0),
    /** Each time-of-day slot's deviation from the last day's mean (four-byte floats: see `typedArrays.ts`). */
    profile: signedFloat32Array,
    profileDev: float32Array,
    /** Visits of each slot, saturating at PROFILE_COUNT_MAX. */
    profileCount: uint8Array,
    /**
     * The latest value of each time-of-day slot (in four-byte floats), their sum and how many slots have
     * one: the last day's mean.
     */
    dayLast: signedFloat32Array,
    daySum: z.number(),
    dayCount: z.number().int().min(0),
    /** The last EVENT_MEMORY events (times in ms and scores), oldest first. */
    eventTimes: z.array(z.number()),
    eventScores: z.array(z.number().min(0).max(1)),
    min: z.number(),
    max: z.number(),
    surpriseMean: z.number(),
    surpriseVar: z.number().min(0),
    recent: z.array(z.number()),
    cusum: z.number().min(0),
    longMean: z.number(),
    longVar: z.number().min(0),
    evidenceQuantile: z.number().min(0),
    peak: z.number().min(0).max(1),
    /** When the peak was last decayed. */
    peakTime: z.number(),
    weekly: weeklyStateSchema,
    /** The witness on the daily profile, its rival the fast level. */
    daily: witnessStateSchema,
    /** The peaks of the series' recent episodes of strong evidence. */
    bursts: burstRecordSchema,
    /** How long the series' recent surges lasted. */
    surges: surgeRecordSchema,
    rarity: scoreRaritySchema,
  }),
);
export type DetectorState = z.infer<typeof detectorStateSchema>;

export function createDetector(options: DetectorOptions = {}): DetectorState {
  const { stepMs, warmup, dampingHalfLife } = detectorOptionsSchema.parse(options);
  const perDay = DAY_MS / stepMs;
  const slotMs = Math.max(stepMs, DAY_MS / MAX_SLOTS);
  const slots = perDay >= 4 ? Math.round(DAY_MS / slotMs) : 0;
  return {
    version: 12,
    stepMs,
    slotMs,
    warmup: warmup ?? Math.round(Math.min(1000, Math.max(50, perDay))),
    dampingDecay: 0.5 ** (1 / (dampingHalfLife ?? daySamples(stepMs))),
    n: 0,
    last: 0,
    level: 0,
    levelDev: 0,
    diffDev: 0,
    profile: new Float32Array(slots),
    profileDev: new Float32Array(slots),
    profileCount: new Uint8Array(slots),
    dayLast: new Float32Array(slots),
    daySum: 0,
    dayCount: 0,
    eventTimes: [],
    eventScores: [],
    min: 0,
    max: 0,
    surpriseMean: 0,
    surpriseVar: 0,
    recent: [],
    cusum: 0,
    longMean: 0,
    longVar: 0,
    evidenceQuantile: 0,
    peak: 0,
    peakTime: 0,
    weekly: createWeekly(stepMs, slots > 0),
    daily: createWitness(perDay, DAILY_SETTLE_DAYS, true),
    bursts: createBurstRecord(),
    surges: createSurgeRecord(),
    rarity: createScoreRarity(),
  };
}

/** JSON, the typed arrays as plain arrays (the schema reads them back). */
export const serializeDetector = (state: DetectorState): string => JSON.stringify(state, typedArraysAsLists);
export const deserializeDetector = (json: string): DetectorState =>
  detectorStateSchema.parse(JSON.parse(json));

/** The fast level's band: its error as a standard deviation, at least the floor. */
const levelBand = (state: DetectorState, floor: number): number =>
  Math.max(MAE_TO_SD * state.levelDev, floor);
const clip = (r: number, scale: number): number => Math.max(-CLIP * scale, Math.min(CLIP * scale, r));
const ewma = (current: number, target: number, alpha: number): number => current + alpha * (target - current);
/** A rate at least 1/n, so the first samples' averages are running means. */
const fast = (alpha: number, n: number): number => Math.max(alpha, 1 / n);

/** The natural log of the tail probability of the evidence against "nothing unusual". */
function logEvidence(state: DetectorState, timeMs: number, x: number, floor: number): number {
  const slot = slotOf(state, timeMs);
  let surprise = Math.min(
    Math.abs(x - state.level) / levelBand(state, floor),
    Math.abs(x - state.last) / Math.max(MAE_TO_SD * state.diffDev, floor),
  );
  if (slot >= 0 && state.profileCount[slot]! >= 2) {
    const predicted = dayMean(state) + state.profile[slot]!;
    surprise = Math.min(
      surprise,
      Math.abs(x - predicted) / Math.max(MAE_TO_SD * state.profileDev[slot]!, floor),
    );
  }
  const u = Math.log1p(surprise);
  state.recent.push(u);
  if (state.recent.length > RECENT) state.recent.shift();
  const sd = Math.max(Math.sqrt(state.surpriseVar), SURPRISE_SD_FLOOR);
  let recentSum = 0;
  for (let i = 0; i < state.recent.length; i++) recentSum += state.recent[i]!;
  const recentMean = recentSum / state.recent.length;
  const point = logNormalTail((u - state.surpriseMean) / sd);
  const recent = logNormalTail((recentMean - state.surpriseMean) / (sd / Math.sqrt(state.recent.length / 2)));
  const log = Math.min(point, recent) + Math.LN2;

  // Change point: a CUSUM of the standardised log-surprise, so a lasting rise in surprise (more noise, a
  // level or pattern the forecasts do not follow) accumulates; bounded steps leave single outliers to
  // the likelihood above.
  state.cusum = Math.max(0, state.cusum + Math.min(CLIP, (u - state.surpriseMean) / sd) - CUSUM_DRIFT);
  const change = (-state.cusum * 5 * LN10) / CUSUM_RESET;
  if (state.n <= NOVELTY_MIN_SAMPLES) return Math.min(log, change);
  const novelty = Math.abs(x - state.longMean) / Math.max(Math.sqrt(state.longVar), floor);
  return Math.min(log, change, logNormalTail(novelty) + Math.LN2);
}

/**
 * The mean of the latest value of every time-of-day slot: over the last day once every slot has been seen.
 * The profile is the deviation from it. Unlike an exponential level, it does not swing within the day, so
 * a regular day fits the profile from its second day on (an exponential level took about a week to settle
 * into its daily swing, and the profile alarmed until then).
 */
const dayMean = (state: DetectorState): number => state.daySum / state.dayCount;

/**
 * Records the slot's latest value in the last day's mean. When the first whole day is in, the profile is
 * re-based on its mean: what it learnt during that day was relative to a mean of the part seen so far.
 */
function learnDay(state: DetectorState, slot: number, x: number, firstVisit: boolean): void {
  // The sum adds and later subtracts the value as stored, so it stays the sum of the stored values.
  const stored = asFloat32(x);
  state.daySum += firstVisit ? stored : stored - state.dayLast[slot]!;
  state.dayLast[slot] = stored;
  if (!firstVisit) return;
  state.dayCount += 1;
  if (state.dayCount === state.profile.length) {
    const mean = dayMean(state);
    for (let s = 0; s < state.dayCount; s++) state.profile[s] = state.dayLast[s]! - mean;
  }
}

/**
 * Samples are held within ±1e30 before they are scored: the time-of-day spreads are four-byte floats (at
 * most 3.4e38) and the long-run spreads square differences of values in doubles, so a far larger sample
 * made a spread infinite, infinity minus infinity NaN, and left every later score NaN or near 0. Within
 * the limit a huge sample is still a spatial anomaly (it leaves the range seen so far).
 */
const VALUE_LIMIT = 1e30;

/** A value as a four-byte float stores it, held within its range (beyond, it would be infinite). */
const asFloat32 = (x: number): number => Math.fround(Math.max(-FLOAT32_MAX, Math.min(FLOAT32_MAX, x)));
const FLOAT32_MAX = 3.4028234663852886e38;

/** The daily profile's residual for a value at this time (NaN before its slot has been seen twice). */
function dailyResidual(state: DetectorState, timeMs: number, x: number): number {
  const slot = slotOf(state, timeMs);
  return slot >= 0 && state.profileCount[slot]! >= 2 ? x - dayMean(state) - state.profile[slot]! : NaN;
}

/**
 * The daily witness (`rhythmWitness.ts`): the profile's residual, standardised by its slot's spread,
 * smoothed over a few hours. A day whose peak does not come, or that runs flat where it should swing, is
 * explained sample by sample by the previous value and the fast level; against the profile it is hours
 * off. It speaks where the profile forecasts better than the fast level (a daily rhythm exists).
 */
function dailyEvidence(
  state: DetectorState,
  timeMs: number,
  x: number,
  residual: number,
  floor: number,
): number {
  if (!Number.isFinite(residual)) return 0;
  const slot = slotOf(state, timeMs);
  const z = residual / Math.max(MAE_TO_SD * state.profileDev[slot]!, floor);
  return witnessEvidence(state.daily, z, residual, x - state.level, floor);
}

function slotOf(state: DetectorState, timeMs: number): number {
  if (state.profile.length === 0 || !Number.isFinite(timeMs)) return -1;
  const ofDay = ((timeMs % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.min(state.profile.length - 1, Math.floor(ofDay / state.slotMs));
}

function learn(state: DetectorState, timeMs: number, x: number, floor: number): void {
  const n = state.n;
  const levelScale = levelBand(state, floor);
  const levelResidual = x - state.level;
  state.level += fast(LEVEL_ALPHA, n) * clip(levelResidual, levelScale);
  state.levelDev = ewma(
    state.levelDev,
    Math.min(Math.abs(levelResidual), CLIP * levelScale),
    fast(DEV_ALPHA, n),
  );
  const diffScale = Math.max(MAE_TO_SD * state.diffDev, floor);
  state.diffDev = ewma(
    state.diffDev,
    Math.min(Math.abs(x - state.last), CLIP * diffScale),
    fast(DEV_ALPHA, n),
  );

  const slot = slotOf(state, timeMs);
  if (slot >= 0) {
    const count = state.profileCount[slot]!;
    const alpha = Math.max(PROFILE_ALPHA, 1 / (count + 1));
    const scale = Math.max(MAE_TO_SD * state.profileDev[slot]!, floor);
    const residual = x - dayMean(state) - state.profile[slot]!;
    state.profile[slot] = state.profile[slot]! + alpha * (count === 0 ? residual : clip(residual, scale));
    // The slot's spread learns from the whole residual: clipped at a band that is too narrow (a slot seen
    // twice, a daily step that moved with the slow level), it could never widen and would alarm daily.
    state.profileDev[slot] = ewma(state.profileDev[slot]!, Math.abs(residual), alpha);
    state.profileCount[slot] = Math.min(PROFILE_COUNT_MAX, count + 1);
    learnDay(state, slot, x, count === 0);
  }
  learnWeekly(state.weekly, timeMs, x, floor);
  // Something has changed: restart the change test.
  if (state.cusum > CUSUM_RESET) state.cusum = 0;

  const u = state.recent[state.recent.length - 1]!;
  const alpha = fast(SURPRISE_ALPHA, n);
  const delta = u - state.surpriseMean;
  state.surpriseMean += alpha * delta;
  state.surpriseVar = (1 - alpha) * (state.surpriseVar + alpha * delta * delta);

  const longAlpha = fast(NOVELTY_ALPHA, n);
  const longDelta = x - state.longMean;
  state.longMean += longAlpha * longDelta;
  state.longVar = (1 - longAlpha) * (state.longVar + longAlpha * longDelta * longDelta);

  state.min = Math.min(state.min, x);
  state.max = Math.max(state.max, x);
  state.last = x;
}

/** What `scoreSample` reports besides the score, into an object the caller keeps (so it allocates nothing). */
export interface SampleReport {
  /**
   * The score before the record of scores read it down (`scoreRarity.ts`; the same where it does not):
   * the engine's episodes take it for a burst beyond the series' record of excursions (`episode.ts`).
   */
  unread: number;
}

/**
 * Scores one sample and learns from it (the state is updated in place). Time is the sample's timestamp
 * in ms, used only for the time-of-day profile; a non-finite value is a missing sample: score 0, no update.
 */
export function scoreSample(
  state: DetectorState,
  timeMs: number,
  sample: number,
  report?: SampleReport,
): number {
  if (report) report.unread = 0;
  if (!Number.isFinite(sample)) return 0;
  const value = Math.max(-VALUE_LIMIT, Math.min(VALUE_LIMIT, sample));
  if (state.n === 0) {
    state.n = 1;
    state.last = value;
    state.level = value;
    state.longMean = value;
    state.min = value;
    state.max = value;
    // The first sample is its time-of-day slot's first visit too (residual 0 against itself).
    const slot = slotOf(state, timeMs);
    if (slot >= 0) {
      state.profileCount[slot] = 1;
      state.dayLast[slot] = asFloat32(value);
      state.daySum = state.dayLast[slot]!;
      state.dayCount = 1;
    }
    learnWeekly(state.weekly, timeMs, value, 0);
    return 0;
  }
  state.n += 1;
  const spatial = spatialScore(state, value);
  const floor = 1e-3 * (state.max - state.min) + 1e-9 * (1 + Math.abs(state.level));
  const log = logEvidence(state, timeMs, value, floor);
  // A surge starts where the value leaves the fast level's band, where `learn` clips its residual
  // (before the level learns from it).
  const levelBefore = state.level;
  const leaves = Math.abs(value - state.level) > CLIP * levelBand(state, floor);
  const residual = dailyResidual(state, timeMs, value);
  const weekly = weeklyEvidence(state.weekly, timeMs, value, residual, floor);
  const daily = dailyEvidence(state, timeMs, value, residual, floor);
  learn(state, timeMs, value, floor);
  const evidence = Math.max(0, -log / LN10);
  // The rhythm witnesses are standardised against their own long-run spread and stay out of the quantile:
  // a holiday's evidence lasts all day, and would raise the quantile past itself before the day is out.
  const calibrated = evidence / (1 + state.evidenceQuantile);
  let decades = Math.max(calibrated, Math.max(-weekly, -daily) / LN10 / (1 + state.evidenceQuantile));
  state.evidenceQuantile = Math.max(
    0,
    state.evidenceQuantile +
      calibrationStep(state.stepMs) *
        (evidence > state.evidenceQuantile ? CALIBRATION_QUANTILE : CALIBRATION_QUANTILE - 1),
  );
  if (state.n <= state.warmup) return 0;
  // Only the point evidence is a burst: the rhythm witnesses speak of days, not of bursts. Asked before
  // the sample's own episode can enter the record, and only after the warm-up, whose evidence is immature.
  // A burst among bursts coming faster than the record's rate adds that evidence to its own (the two are
  // independent: its size, and how often bursts come); the first sample of such a burst is news whatever
  // the masking says, since the bursts before it, each routine or masked by the last, are the news.
  const rate =
    calibrated >= EPISODE_MIN
      ? burstRateDecades(state.bursts, timeMs, (state.n - state.warmup) * state.stepMs)
      : 0;
  decades = Math.max(decades, calibrated + rate);
  const surge = rate >= SURGE_DECADES && state.bursts.peak === 0;
  const routine = calibrated + rate >= decades && routineBurst(state.bursts, timeMs, calibrated);
  observeBurst(state.bursts, timeMs, calibrated);
  // A surge that outlasts the record's is news whatever its height said and whatever alarm masks it.
  const lasting = observeSurge(state.surges, timeMs, value, levelBefore, calibrated, leaves);
  const raw = decades / (decades + SCORE_DECADES);
  const decayedPeak = state.peak * peakDecay(state, timeMs);
  state.peak = Math.max(decayedPeak, raw);
  const fresh =
    raw >= decayedPeak && !continuesEvent(state, timeMs, raw) && !recurs(state, timeMs, raw) && !routine;
  if (raw >= decayedPeak && raw >= EVENT_MIN_SCORE) {
    state.eventTimes.push(timeMs);
    state.eventScores.push(raw);
    if (state.eventTimes.length > EVENT_MEMORY) {
      state.eventTimes.shift();
      state.eventScores.shift();
    }
  }
  // The point evidence is read against how often this series scores so high (`scoreRarity.ts`). News that
  // already weighs the series against its own past (a new extreme, bursts coming faster than its rate, a
  // surge outlasting its surges) is not read again: on a busy series it would be read down twice.
  const news = Math.max(spatial, surge ? raw : 0, lasting / (lasting + SCORE_DECADES));
  const point = fresh || surge ? raw : raw * DAMPING;
  const unread = Math.max(news, point);
  if (report) report.unread = unread;
  const read = readScore(state.rarity, timeMs, unread);
  return point > news ? Math.max(news, read) : news;
}

/**
 * The self-calibration's step for one sample: CALIBRATION_STEP at the default 5-minute step, and as much a
 * day at a longer one (an hourly sample moves the quantile twelve times as far), so that the quantile
 * settles over the same days on every series. Counted per sample, an hourly series' quantile rose twelve
 * times slower a day and was still rising two months in (an ad-exchange-like hourly price's 1.3 decades
 * after two weeks and 2.6 after nine, against 2.8 after two weeks counted per day): its evidence stayed
 * under-calibrated for weeks, and its ordinary spikes alarmed.
 */
const calibrationStep = (stepMs: number): number => (CALIBRATION_STEP * MAX_SLOTS) / daySamples(stepMs);

/**
 * The damping's decay since the peak was last decayed: over the time elapsed, not per sample, so that after
 * a gap in a series (NAB's traffic files skip hours to days) an alarm days ago no longer masks a new event.
 * A regular series decays by exactly dampingDecay a sample. Time going back (a repeated hour at a clock
 * change) does not decay it; a sample without a valid time counts as one step.
 */
function peakDecay(state: DetectorState, timeMs: number): number {
  if (!Number.isFinite(timeMs)) return state.dampingDecay;
  const steps = Math.max(0, timeMs - state.peakTime) / state.stepMs;
  state.peakTime = timeMs;
  return state.dampingDecay ** steps;
}

/**
 * Whether this score continues an event recorded within the last RECENT samples (time-of-day slots)
 * without CONTINUATION_RATIO times its score: a score rising over consecutive samples of one excursion
 * is one event and alarms on its first sample only (ARTime likewise keeps quiet after a detection).
 * RECENT is the likelihood's window, over which the evidence of one sample lasts anyway. An excursion
 * whose evidence grows past the ratio is news again, so one that starts mildly still reaches the
 * engine's episode threshold.
 */
function continuesEvent(state: DetectorState, timeMs: number, raw: number): boolean {
  const last = state.eventTimes.length - 1;
  return (
    last >= 0 &&
    timeMs - state.eventTimes[last]! <= RECENT * state.slotMs &&
    raw < CONTINUATION_RATIO * state.eventScores[last]!
  );
}

/**
 * Whether an event of at least RECURRENCE_RATIO of this score happened at about this time on an earlier
 * day. Never for a series sampled too sparsely to have a time of day (no profile): every sample would
 * match.
 */
function recurs(state: DetectorState, timeMs: number, raw: number): boolean {
  if (state.profile.length === 0) return false;
  for (let i = 0; i < state.eventTimes.length; i++) {
    const ago = timeMs - state.eventTimes[i]!;
    if (ago < DAY_MS / 2 || ago > RECURRENCE_DAYS * DAY_MS + RECURRENCE_REACH_MS) continue;
    const offset = Math.abs((ago % DAY_MS) - DAY_MS / 2);
    if (DAY_MS / 2 - offset <= RECURRENCE_REACH_MS && state.eventScores[i]! >= RECURRENCE_RATIO * raw)
      return true;
  }
  return false;
}

/**
 * The score of a value outside the range of all earlier values by more than SPATIAL_TOLERANCE of that
 * range (0 otherwise): what no forecast's band needs to vouch for, since nothing like it was seen. It
 * bypasses the damping (a new extreme is news even soon after another alarm) and, since the range then
 * widens to include it, one excursion alarms on its new extremes only.
 */
function spatialScore(state: DetectorState, x: number): number {
  const range = state.max - state.min;
  if (state.n <= state.warmup || !(range > 0)) return 0;
  const excess = Math.max(x - state.max, state.min - x) / range;
  if (excess <= SPATIAL_TOLERANCE) return 0;
  // Written so that an infinite excess (a range of a denormal's width) scores 1, not ∞/∞.
  return 1 - ((1 - SPATIAL_FLOOR) * SPATIAL_TOLERANCE) / (excess + SPATIAL_TOLERANCE);
}
