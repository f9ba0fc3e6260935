import { FloatSlab } from './floatSlab';
import { PARTS, type Packable } from './packedTree';
import { reactiveDistribution, type ReactiveDistribution, type ReactiveNote } from './reactiveDistribution';

// The reactive distribution with a long memory (issue 12). One hour of ticks holds too few independent
// horizons for the quantiles a strict SLO asks for: at τ near 1 the empirical quantile is the largest
// growth of the last hour, so a morning ramp after a quiet night, or a burst larger than any in the hour,
// is missed at every v, and v stops buying anything. Here every past horizon is kept, decayed, in a
// histogram of growth g = ln((P + s) / (D + s)), P the peak over the horizon after base D:
// - conditional on level: the histogram has one row per level band of D, and a decision reads the rows
//   nearest the current demand, so night and day, the top of a burst and its foot each have their own
//   growth (a burst's top mostly falls; a near-zero foot mostly stays or jumps);
// - shifted by s (half a replica's capacity): multiplicative well above s, additive near zero, where a
//   ratio over a zero base says nothing;
// - decayed with a half-life (a day by default): yesterday's ramps still count, a regime long gone does not;
// - with an exponential tail beyond the largest growth seen, so a larger v always buys more headroom;
// - with a prior while young: before the histogram has seen a day it has not seen a day's ramps (the
//   first morning after a quiet night, an afternoon peak larger than the morning's), and its strict
//   quantiles would be the growth of the few hours it has seen. So it starts holding pseudo-horizons of
//   an exponential growth (see growthPriorFor), which decay with the same half-life as every real
//   horizon: a fading share of the histogram that raises strict quantiles most while data is short, and
//   never lowers the tail of rows that hold enough horizons of their own (seenByRows).

/**
 * Growth bins, uniform in u = asinh(g / G_SCALE): about 0.35 % wide near g = 0, where most horizons are,
 * widening to about 7 % at g = 1; g is clamped to [−1, 4] (peak from 0.37× to 55× the base, above the
 * shift). Zero growth, a flat series or an idle one staying at zero, is common and exact: it has a bin of
 * its own, so a flat history gives exactly D(t).
 */
const G_SCALE = 0.05;
const U_WIDTH = 0.07;
const NEGATIVE_BINS = Math.ceil(Math.asinh(1 / G_SCALE) / U_WIDTH);
const POSITIVE_BINS = Math.ceil(Math.asinh(4 / G_SCALE) / U_WIDTH);
/** Bins in order: negative growth ascending, the zero atom, positive growth ascending. */
const ZERO_BIN = NEGATIVE_BINS;
const G_BINS = NEGATIVE_BINS + 1 + POSITIVE_BINS;

function binOf(g: number): number {
  if (g === 0) return ZERO_BIN;
  const u = Math.asinh(g / G_SCALE) / U_WIDTH;
  return g < 0 ? Math.max(0, ZERO_BIN + Math.floor(u)) : Math.min(G_BINS - 1, ZERO_BIN + 1 + Math.floor(u));
}

/** The growth at fraction `f` ∈ [0, 1] through bin `b` (the zero atom is 0 throughout). */
function growthIn(b: number, f: number): number {
  if (b === ZERO_BIN) return 0;
  const u = b < ZERO_BIN ? b - ZERO_BIN + f : b - ZERO_BIN - 1 + f;
  return G_SCALE * Math.sinh(u * U_WIDTH);
}

/** Level rows: floor(log2(1 + D/s)), the last row holding everything above. */
const LEVELS = 10;
/**
 * Each level has a second row for bases where demand is rising: D̂ more than 10 % (shifted) above the
 * demand one horizon earlier, and not below the query's value one lag earlier (past a burst's top the
 * query has turned down within its lag while the horizon still looks back to the foot: what follows is
 * the fall, not a rise in progress). A ramp or burst in progress mostly goes on, so a decision on a rising
 * demand reads the growth that followed rising bases; every other decision reads both rows (but one while
 * the query falls: see `distribution`), whose tail holds the jumps that start from a steady level. The rising
 * rows are read out from the level until they alone hold enough horizons (or a spread of their own:
 * risingRowsStand), however far the rows of both kinds would have stopped: a burst passes each
 * level of its rising edge in a tick or two, so near its foot the rising rows hold a few horizons a burst
 * while the idle row next to them holds thousands, and reading both there priced the burst's onset as the
 * idle series' (EC2 disk 1ef3de at 2 min readiness, v = 3, one burst: up to D̂ = 1.4κ the decisions read
 * a median of D̂ itself and asked for 1–2 replicas, ready 13 ticks after demand passed κ; from the rising
 * rows they asked for 3–8 from D̂ = 0.2κ, ready after 5). Rising rows read from farther out than both rows
 * only add headroom: the growth read is the larger of theirs and both rows', so a rare ramp's level keeps
 * the tail its own rows learned (NASA at 30 s: the rising rows alone cost v = 100 half a minute of miss).
 * A steady decision reads both rows while the histogram is young, its steady rows once it is not (see
 * steadyRowsAlone).
 */
export const RISING_GROWTH = Math.log(1.1);

/**
 * Whether a steady decision reads the steady rows alone (out from the level until they hold enough, from
 * farther out never below both rows near D(t), as the rising rows are read): once the histogram has seen
 * a half-life of horizons. A horizon from a steady base, the jumps that start there included, is in the
 * steady rows, learnt under the same test a decision takes; the rising rows hold what followed a rise in
 * progress, a tail about twice as wide (road occupancy t4013 at 30 s, days 1–3, shifted growth at 0.996:
 * 0.26 steady, 0.55 rising). Read with them, a steady decision's tail was a rising one's: on both
 * occupancy traces, days 1–6, the true peak exceeded the steady ticks' pooled quantile 4–10× less often
 * than priced (t4013 at 30 s: 0.05 % at 1 − τ = 0.4 %), the steady rows' own 0.7–0.9× as often
 * (0.35 %), at 30 s and 2 min alike. Before a half-life the steady rows have not seen a day's ramps (the
 * reason for the young-history prior): read alone then, t4013's first day at 2 min missed 6.0 minutes at
 * v = 30 where both rows missed 2.8. The live engine warm-starts from a half-life of history.
 */
const steadyRowsAlone = (horizons: number, halfLifeSteps: number): boolean => horizons >= halfLifeSteps;

/** Whether demand grew more than RISING_GROWTH from `before` to `now`, both shifted by `shift`. */
export const grewPast = (now: number, before: number, shift: number): boolean =>
  Math.log((now + shift) / (before + shift)) > RISING_GROWTH;
/**
 * Each level has a third row for bases where demand has fallen: the query's highest value over the last
 * recentPeakSteps (RECENT_PEAK_SECONDS, or the horizon where that is longer) more than RISING_GROWTH
 * (shifted) above the base, the base not rising. What follows a fall is
 * not what follows a steady level: on a noisy, mean-reverting series demand that just fell mostly comes
 * back within the horizon, from a steady level it mostly stays. Read together, one tail priced both: too
 * wide on steady stretches, too narrow after a fall, where the replicas let go on the way down were
 * started again a readiness delay too late (road occupancy t4013 at 2 min readiness, days 0–3, growth
 * over the horizon at τ = 0.99: 2.03 after a fall, 1.46 from a steady base, 1.68 both together; NASA at
 * τ = 0.999: 4.91 and 1.49). A CPU HPA gets this headroom from its scale-down window, which holds the
 * recent maximum. So a decision after a fall reads the larger growth of the fallen rows and of every row
 * near D(t), at every τ (the fallen rows only add headroom: near D(t) they hold a few independent peaks,
 * and read alone their tail was narrower than every row's, t4013's strict end missing more), and a
 * steady decision reads the steady and rising rows without them. RISING_GROWTH is the rising rows'; the
 * look back is the HPA's own (RECENT_PEAK_SECONDS).
 */
const fellFrom = (now: number, recentPeak: number, shift: number): boolean =>
  grewPast(recentPeak, now, shift);
/**
 * Whether a rise in progress reads its rising rows though they hold fewer than `need` horizons: the larger
 * growth of theirs (with the young-history prior) and of both rows near D(t). A rare ramp's rising rows are
 * few (the first burst of an intermittent series: a few ticks at each level of its rising edge), and both
 * rows read out until they hold `need` reach the nearest populated level, however far: EC2 disk 1ef3de at
 * 30 s, its first burst after two idle days, read the idle level's zero atom (peak = base = 0) at D̂ = 11κ,
 * Q(0.9) = D̂ and Q(0.99) = 1.02 D̂ while demand climbed 8 % a tick, and every tick of the ramp missed at
 * v = 30. What few rising horizons there are say more about a rise in progress than rows levels away,
 * which only add headroom to them (the larger growth, as for rising rows read from farther out). Read once
 * they hold more than two independent peaks (the prior's counted alike): growthQuantile reads a tail's
 * spread from the peaks above the median, none under that.
 */
const scarceRows = (weight: number, priorWeight: number, onePeak: number, need: number): boolean =>
  weight > 0 && weight < need && holdsSpread(weight + priorWeight, onePeak);
/** More than two independent peaks: growthQuantile reads a tail's spread from the peaks above the median. */
const holdsSpread = (weight: number, onePeak: number): boolean => weight > 2 * onePeak;
/**
 * Whether a rise in progress reads its rising rows as they are once they hold more than two independent
 * peaks: the rings read so far, no farther out, and without the young-history prior (the larger growth of
 * theirs and of both rows near D(t) still, as for scarce rows). A burst passes each level of its rising edge
 * in a tick or two, so a level's rising rows hold the growth that followed bases at that point of its edge;
 * the next level's, what followed bases higher up it, with less of the rise left (lower down, more). And the
 * prior is a steady level's growth (a doubling an hour, a few per cent over a horizon) standing in for a
 * young history, its weight an hour's horizons decaying over a day, while a level's rising rows gain a few
 * horizons a burst. Read with both, a rise at the foot of a spike read a median near D̂ itself: EC2 network
 * 257a54 at 2 min readiness, hour 16, D̂ = 5.2κ: level 3's rising rows held 27 horizons, each going on to
 * the spike's top (2.9–3.5× the shifted base); read out to levels 2 and 4 with the prior (152 of 422),
 * Q(0.3) = 1.04 D̂ and Q(0.5) = 1.5 D̂ (level 3's with the prior 1.03 D̂, levels 2–4's without 1.8 D̂).
 * Each tick the decision weighed a count a little above D̂ likely enough to hold, and at v = 0.3 chased the
 * spike 2 → 5 → 6 replicas, ready two minutes later with demand at 14κ, held through the top and paid on
 * ticks that missed anyway. Its own rows alone say the rise goes on (Q(0.1) = 3.0 D̂): a count that covers
 * it, or none.
 */
const risingRowsStand = (kind: number, ownWeight: number, onePeak: number): boolean =>
  kind === RISING && holdsSpread(ownWeight, onePeak);
/** Whether a kind's own rows are read on out: short of `need`, and not rising rows that stand. */
const ownShort = (kind: number, ownWeight: number, need: number, onePeak: number): boolean =>
  ownWeight < need && !risingRowsStand(kind, ownWeight, onePeak);
/** Ticks as a histogram holds them: a whole number, at least `least`. */
const wholeSteps = (steps: number, least: number): number => Math.max(least, Math.round(steps));
/** The row kinds, each LEVELS rows: steady, rising, fallen (the row index is level + kind · LEVELS). */
const STEADY = 0;
const RISING = 1;
const FALLEN = 2;
const KINDS = 3;
const ROWS = KINDS * LEVELS;
/** A row's kind. */
const kindOf = (row: number): number => Math.floor(row / LEVELS);
/**
 * Where the peak of a past horizon lies. The demand query's `rate()` is the mean over its window, so at
 * the top of a ramp or a burst it is below the demand it averages, by about the rise over half the
 * window: the rise D(t)'s extrapolation adds back for decisions (demandLag.ts), and which a histogram of
 * measured peaks alone never learns. On the frontier bench's bursty traces the strict quantiles of such a
 * histogram were exceeded by the true peak 2–14× as often as priced (30 s readiness, τ = 0.9996), and no
 * v reached HPA-70's zero misses on Google. The peak extrapolated over the lag, as D(t) is, overshoots
 * where a ramp turns: learning it alone widened the whole distribution and raised the middle of the
 * frontier (ELB at 30 s, 0.806× → 0.855× HPA-70's cost at its misses). The true peak lies between the
 * measured one, which never exceeds it, and the extrapolated one: each horizon counts half at each (both
 * halves in one bin where demand did not rise within the lag).
 */
const MEASURED_PEAK_SHARE = 0.5;

/** Weights are scaled up instead of decayed, and renormalised before they overflow. */
const RENORMALISE_AT = 1e30;

export interface GrowthHistogramOptions {
  /** H in ticks: the peak is taken over the H samples after the base. */
  readonly horizonSteps: number;
  /** s in demand units: the shift that makes growth additive near zero (half a replica's capacity). */
  readonly shift: number;
  /** Ticks after which a horizon's weight has halved. */
  readonly halfLifeSteps: number;
  /**
   * L in ticks: how far the demand query trails the demand (half its rate() window, demandLag.ts; default
   * 0). A horizon's base is then D̂ at the sample H + L before the newest, extrapolated (upward only) over
   * L as decisions extrapolate D(t), and its peak is over the newest H samples, which show the demand of
   * the H ticks after the base's moment, counted half as measured and half extrapolated over L the same
   * way (MEASURED_PEAK_SHARE). So the histogram learns the growth from the value decisions scale, errors
   * of the extrapolation included.
   */
  readonly lagSteps?: number;
  /** Decayed weight the level rows read must reach before the distribution is used (default 120). */
  readonly minWeight?: number;
  /** The prior the histogram starts with (default none). */
  readonly prior?: GrowthPrior;
  /** Ticks over which a base's recent peak is read (fellFrom; default and at least horizonSteps). */
  readonly recentPeakSteps?: number;
}

/**
 * Pseudo-horizons the histogram holds from its start, decaying like the horizons observed then: `weight`
 * of them, the growth of demand over each exponential with mean `meanGrowth` (over the shifted base the
 * mean is scaled by D / (D + s)). Mixed into every distribution (whatever the level), they count towards
 * `minWeight`.
 */
export interface GrowthPrior {
  readonly weight: number;
  readonly meanGrowth: number;
}

/**
 * Every histogram's bins and row state, in one slab: a block per histogram instead of two typed arrays of
 * its own (issue 16: see FloatSlab). A block holds the row state (2 × ROWS float64s, `rowState` below),
 * then the bins (float32s). Its number is given back when its histogram is collected, so no holder (the
 * engine's map, a what-if, a test) has to remember to.
 */
const SLAB = new FloatSlab();
const RELEASE = new FinalizationRegistry<number>((block) => SLAB.release(block));
/** A block's row index: a byte a row, its slot + 1 (0: not seen yet), padded to float64s. */
const ROW_INDEX_BYTES = 32;
/** A seen row's slot: its decayed weight and its span (`span`), two float64s. */
const SLOT_BYTES = 16;

/**
 * A row's span in one number: where its first bin is in `bins` (plus one, so that 0 is no row), that bin
 * and how many (both under 256: there are G_BINS). At most 3 × 10 rows of 127 bins: an integer under 2^31.
 */
const SPAN_START = 1 << 16;
const spanOf = (start: number, low: number, length: number): number =>
  (start + 1) * SPAN_START + low * 256 + length;
const spanStart = (span: number): number => (span >>> 16) - 1;
const spanLow = (span: number): number => (span >>> 8) & 0xff;
const spanLength = (span: number): number => span & 0xff;
/** Bins a span is widened by beyond the one that fell outside it. */
const SPAN_SLACK = 2;

/** A streaming, decayed histogram of shifted log growth over a fixed horizon, by level. */
export class GrowthHistogram {
  readonly horizonSteps: number;
  readonly lagSteps: number;
  readonly shift: number;
  readonly halfLifeSteps: number;
  readonly recentPeakSteps: number;
  /**
   * One row of bins per level band and one per level band while rising (index + LEVELS), allocated when
   * first seen (most series visit few): the rows seen so far side by side in the histogram's block, in
   * the order they were first seen, `binCount` bins in all. Not a typed array per row: each costs about
   * 180 bytes of heap besides its bins, about 50 MiB at 100,000 policies of about three rows each (issue 16).
   * A row holds only the span of bins from the lowest to the highest growth it has seen (widened when a
   * horizon falls outside it), the bins beyond it being zero: a noisy series' rows span about half
   * the 127 bins (issue 16: 1.5 KiB of a policy's 2.9 KiB of typed arrays were its rows).
   */
  private binCount = 0;
  /**
   * The histogram's block in SLAB: its row index, then a slot for each of the `rowCount` rows seen (in
   * the order first seen), then its `binCount` bins. Slots for the rows seen only, not weight and span for
   * all 30 rows: most series visit three or four (issue 16: 0.4 KiB a histogram).
   */
  private readonly block = SLAB.allocate(ROW_INDEX_BYTES);
  private rowCount = 0;
  private readonly growth: number;
  private readonly minWeight: number;
  private readonly priorMean: number;
  /** The prior's weight in the units of `increment` (it decays as `increment` grows). */
  private priorWeight: number;
  private increment = 1;
  /** Horizons added since the histogram was created (undecayed). */
  private horizons = 0;

  constructor(options: GrowthHistogramOptions) {
    this.horizonSteps = wholeSteps(options.horizonSteps, 1);
    this.lagSteps = wholeSteps(options.lagSteps ?? 0, 0);
    this.recentPeakSteps = wholeSteps(options.recentPeakSteps ?? 0, this.horizonSteps);
    this.shift = options.shift;
    this.halfLifeSteps = options.halfLifeSteps;
    this.growth = Math.pow(2, 1 / Math.max(1, options.halfLifeSteps));
    this.minWeight = options.minWeight ?? 120;
    this.priorMean = options.prior?.meanGrowth ?? 0;
    this.priorWeight = this.priorMean > 0 ? Math.max(0, options.prior?.weight ?? 0) : 0;
    RELEASE.register(this, this.block);
  }

  /** Horizons seen so far. */
  get size(): number {
    return this.horizons;
  }

  /**
   * Adds the horizon that the newest sample completes: `recent` ends with the newest sample and holds at
   * least H + L + 1 samples (H + 2L + 1 for an extrapolated base; with fewer the base stands as measured,
   * as D(t) does without an earlier value). NaN bases or all-NaN peaks add nothing.
   */
  observe(recent: Float64Array | Float32Array): void {
    this.observeEndingAt(recent, recent.length);
  }

  /** Adds every horizon a stretch of consecutive samples (oldest first) completes, e.g. a warm start. */
  observeAll(samples: Float64Array | Float32Array): void {
    // An end index, not a subarray per sample: a day's warm start is thousands of samples per policy.
    for (let end = this.horizonSteps + this.lagSteps + 1; end <= samples.length; end++)
      this.observeEndingAt(samples, end);
  }

  /**
   * {@link observe} on `samples[0, end)`, read in place: a caller holding the whole series (the what-if)
   * feeds each tick by its end index instead of a subarray per tick.
   */
  observeEndingAt(samples: Float64Array | Float32Array, end: number): void {
    const h = this.horizonSteps;
    const lag = this.lagSteps;
    if (end < h + lag + 1) return;
    const baseAt = end - h - lag - 1;
    const measured = samples[baseAt] as number;
    if (!(measured >= 0)) return;
    const earlier = lag > 0 && baseAt >= lag ? (samples[baseAt - lag] as number) : Number.NaN;
    const base = earlier >= 0 ? Math.max(measured, 2 * measured - earlier) : measured;
    // The peak as measured, and as extrapolated over the lag the way D(t) is (upward only).
    let peak = Number.NaN;
    let extrapolated = Number.NaN;
    for (let i = end - h; i < end; i++) {
      const x = samples[i] as number;
      if (!(x >= 0)) continue;
      if (!(x <= peak)) peak = x;
      const earlierThen = lag > 0 ? (samples[i - lag] as number) : Number.NaN;
      const xHat = earlierThen >= 0 ? Math.max(x, 2 * x - earlierThen) : x;
      if (!(xHat <= extrapolated)) extrapolated = xHat;
    }
    if (!(peak >= 0)) return;
    const low = binOf(Math.log((peak + this.shift) / (base + this.shift)));
    const high = binOf(Math.log((extrapolated + this.shift) / (base + this.shift)));
    const before = baseAt >= h ? (samples[baseAt - h] as number) : Number.NaN;
    const row =
      this.levelOf(base) +
      this.kind(
        base,
        before,
        earlier,
        recentPeakOf(samples, Math.max(0, baseAt - this.recentPeakSteps), baseAt),
      ) *
        LEVELS;
    const measuredShare = this.increment * MEASURED_PEAK_SHARE;
    // binAt may move the block: each index is used before the next call.
    const atLow = this.binAt(row, low);
    const bins = SLAB.f32(this.block);
    bins[atLow] = (bins[atLow] as number) + measuredShare;
    const atHigh = this.binAt(row, high);
    const binsNow = SLAB.f32(this.block);
    binsNow[atHigh] = (binsNow[atHigh] as number) + (this.increment - measuredShare);
    const slots = SLAB.f64(this.block);
    const weightAt = this.slotsAt() + 2 * this.slotOf(row);
    slots[weightAt] = (slots[weightAt] as number) + this.increment;
    this.horizons++;
    this.increment *= this.growth;
    if (this.increment > RENORMALISE_AT) this.renormalise();
  }

  /**
   * The distribution of peak demand over the horizon from `current`, read from the level rows nearest
   * it; undefined until those rows hold `minWeight` (in units of the newest horizon's weight).
   * `horizonAgo` and `lagAgo`, the demand query's values H and L ticks before, say whether demand is rising
   * (see RISING_GROWTH): then the rising rows are read, from the levels nearest it that together hold
   * enough horizons, where any do.
   */
  distribution(
    current: number,
    horizonAgo = Number.NaN,
    lagAgo = Number.NaN,
    recentPeak = Number.NaN,
  ): ReactiveDistribution | undefined {
    if (!(current >= 0)) return undefined;
    const kind = this.kind(current, horizonAgo, lagAgo, recentPeak);
    // While the query falls, more than RISING_GROWTH (shifted) under its value one lag earlier (a fall in
    // progress as the rising rows tell a rise), the decision reads no rising row. A level's rising rows hold
    // what followed a rising base there, and a spike's falling side passes the levels its rising edge did:
    // read with them, a fall through 10κ was priced with the peak of 25κ the rises through 10κ went on to
    // (EC2 disk 1ef3de at 30 s readiness, v = 1: 17 replicas held at D(t) = 10.5κ while demand was at 4.7κ,
    // where a CPU HPA at 70 % with no window ran 9). What follows a fall, a comeback included, is in the
    // fallen rows, still read with the steady ones. A dip of a noisy level is no fall in progress: any fall
    // at all cost road occupancy 6005 its strict end at 2 min (v = 100 6.6 → 7.8 minutes a week).
    const falling = fellFrom(current, lagAgo, this.shift);
    const all = ALL_ROWS.fill(0);
    const own =
      kind === STEADY && !steadyRowsAlone(this.horizons, this.halfLifeSteps) ? all : OWN_ROWS.fill(0);
    const centre = this.levelOf(current);
    // A hair under minWeight still counts: decayed sums carry rounding.
    const need = this.minWeight * this.increment * (1 - 1e-6);
    let weight = 0;
    let ownWeight = 0;
    /** Bit r set: row r was read (a number, not an array, as the note keeps it). */
    let rowMask = 0;
    let ownMask = 0;
    /** Whether the rising rows held `need` by the ring where both rows did. */
    let ownNear = false;
    const rowIndex = SLAB.u8(this.block);
    const indexAt = SLAB.at(this.block);
    const slots = SLAB.f64(this.block);
    const slotsAt = this.slotsAt();
    const counts = SLAB.f32(this.block);
    const binsAt = this.binsAt();
    const onePeak = this.independentIncrement();
    // Both rows are read ring by ring out from the level until they hold `need`; while rising, the rising
    // rows go on out until they alone do (see RISING_GROWTH), or hold a spread of their own (risingRowsStand).
    for (
      let d = 0;
      d < LEVELS && (weight < need || (own !== all && ownShort(kind, ownWeight, need, onePeak)));
      d++
    ) {
      const readAll = weight < need;
      const readOwn = own !== all && ownShort(kind, ownWeight, need, onePeak);
      for (const level of d === 0 ? [centre] : [centre - d, centre + d]) {
        if (level < 0 || level >= LEVELS) continue;
        for (let row = level; row < ROWS; row += LEVELS) {
          const slot = rowIndex[indexAt + row] as number;
          if (slot === 0) continue;
          const span = slots[slotsAt + 2 * slot - 1] as number;
          // A steady decision reads no fallen row (see fellFrom), a falling one no rising row.
          if (kind === STEADY && kindOf(row) === FALLEN) continue;
          if (falling && kindOf(row) === RISING) continue;
          // The bins beyond the row's span are zero, which would add nothing (the sums hold no -0).
          const at = binsAt + spanStart(span) - spanLow(span);
          const from = spanLow(span);
          const to = from + spanLength(span);
          const w = slots[slotsAt + 2 * slot - 2] as number;
          const lent = lentRatio(level, centre, current, this.shift);
          if (readAll) {
            rowMask |= 1 << row;
            weight += w;
            addRow(all, counts, at, from, to, lent);
          }
          if (!readOwn || kindOf(row) !== kind) continue;
          ownMask |= 1 << row;
          ownWeight += w;
          addRow(own, counts, at, from, to, lent);
        }
      }
      if (readAll && weight >= need) ownNear = ownWeight >= need;
    }
    const scarce = kind === RISING && scarceRows(ownWeight, this.priorWeight, onePeak, need);
    const useOwn = (own !== all && ownWeight >= need) || scarce;
    // The larger growth of the kind's own rows and of every row near D(t), at every τ: rising or steady rows
    // read from farther out than both rows, rising ones holding fewer than `need` horizons, and fallen rows
    // always (see fellFrom).
    const larger = useOwn && (!ownNear || kind === FALLEN);
    const bothWeight = weight;
    if (useOwn) {
      weight = ownWeight;
      rowMask = larger ? rowMask | ownMask : ownMask;
    }
    // Scarce rising rows stand on both rows' count.
    if ((scarce ? bothWeight : weight) + this.priorWeight < need) return undefined;
    // The sums are the scratch's: the quantiles keep copies of those they read (the distribution outlives
    // this call), one a decision, a second where the larger growth is taken.
    const cdf = (useOwn ? own : all).slice();
    const both = larger ? all.slice() : undefined;
    // Rising rows that stand on their own take no prior (risingRowsStand); both rows near D(t) still do.
    const ownPrior = useOwn && risingRowsStand(kind, ownWeight, onePeak) ? 0 : this.priorWeight;
    // The tail the rows alone show, where they hold enough horizons and the prior is mixed in (seenByRows).
    const seen = seenByRows(cdf, weight, ownPrior, need, onePeak);
    const seenBoth =
      both !== undefined ? seenByRows(both, bothWeight, this.priorWeight, need, onePeak) : undefined;
    if (this.priorWeight > 0) {
      // The prior's growth is of demand itself: over the shifted base it is the fraction D / (D + s) of
      // it, so from zero demand it is none (a series idle so far has shown no burst to scale).
      const mean = (this.priorMean * current) / (current + this.shift);
      if (ownPrior > 0) addExponentialPrior(cdf, ownPrior, mean);
      if (both !== undefined) addExponentialPrior(both, this.priorWeight, mean);
    }
    const quantileOfGrowth = neverBelowSeen(growthQuantileOf(cdf, weight + ownPrior, onePeak), seen);
    const bothQuantile =
      both !== undefined
        ? neverBelowSeen(growthQuantileOf(both, bothWeight + this.priorWeight, onePeak), seenBoth)
        : undefined;
    weight += ownPrior;
    const effective = weight / this.increment;
    const s = this.shift;
    return {
      method: 'ratio',
      windows: Math.round(effective),
      note: new HistogramNote(
        this.horizonSteps,
        this.horizons,
        effective,
        ownPrior > 0 ? ownPrior / this.increment : undefined,
        rowMask,
        this.lagSteps,
        larger ? kind : NOT_LARGER,
      ),
      quantile: (tau) =>
        Math.max(
          0,
          Math.exp(
            bothQuantile === undefined
              ? quantileOfGrowth(tau)
              : Math.max(quantileOfGrowth(tau), bothQuantile(tau)),
          ) *
            (current + s) -
            s,
        ),
    };
  }

  /** The weight of one independent horizon now: H horizons' (see {@link independentHorizonWeight}). */
  private independentIncrement(): number {
    return independentHorizonWeight(this.increment, this.horizonSteps);
  }

  /**
   * RISING where demand grew more than RISING_GROWTH (shifted) from `before`, a horizon earlier, to `now`,
   * and is not below `lagAgo`, the query's value one lag earlier; else FALLEN where `recentPeak`, the
   * query's highest value over the last recentPeakSteps, is that far above `now` (fellFrom); else STEADY.
   */
  private kind(now: number, before: number, lagAgo: number, recentPeak: number): number {
    if (before >= 0 && grewPast(now, before, this.shift) && !(now < lagAgo)) return RISING;
    return recentPeak >= 0 && fellFrom(now, recentPeak, this.shift) ? FALLEN : STEADY;
  }

  private levelOf(demand: number): number {
    return Math.min(LEVELS - 1, Math.max(0, Math.floor(Math.log2(1 + demand / this.shift))));
  }

  /**
   * Where bin `bin` of row `row` is in the slab's float32s: the row's span widened to hold it (a new row,
   * with its span, after the rows seen so far), the rows after it moved along.
   */
  private binAt(row: number, bin: number): number {
    if (this.slotOf(row) < 0) this.addRow(row);
    const spanAt = this.slotsAt() + 2 * this.slotOf(row) + 1;
    const span = SLAB.f64(this.block)[spanAt] as number;
    const start = span === 0 ? this.binCount : spanStart(span);
    const from = span === 0 ? bin : spanLow(span);
    const length = span === 0 ? 0 : spanLength(span);
    if (bin >= from && bin < from + length) return this.binsAt() + start + bin - from;
    // Widened by a few bins more on the side it grows: a young row's span grows horizon by horizon.
    const low = bin < from ? Math.max(0, bin - SPAN_SLACK) : from;
    const high = bin < from ? from + length : Math.min(G_BINS, bin + 1 + (length === 0 ? 0 : SPAN_SLACK));
    const added = high - low - length;
    const count = this.binCount;
    SLAB.resize(this.block, ROW_INDEX_BYTES + SLOT_BYTES * this.rowCount + 4 * (count + added));
    this.binCount = count + added;
    // The rows after this one move along by `added`, then this row's bins by `from - low`; the rest is zero.
    const bins = SLAB.f32(this.block);
    const at = this.binsAt();
    bins.copyWithin(at + start + length + added, at + start + length, at + count);
    bins.copyWithin(at + start + from - low, at + start, at + start + length);
    bins.fill(0, at + start, at + start + from - low);
    bins.fill(0, at + start + from - low + length, at + start + length + added);
    const slots = SLAB.f64(this.block);
    const slotsAt = this.slotsAt();
    for (let s = 0; s < this.rowCount; s++) {
      const other = slots[slotsAt + 2 * s + 1] as number;
      if (other !== 0 && spanStart(other) > start) slots[slotsAt + 2 * s + 1] = other + added * SPAN_START;
    }
    slots[slotsAt + 2 * this.slotOf(row) + 1] = spanOf(start, low, high - low);
    return at + start + bin - low;
  }

  /** A slot for `row`, its weight and span zero, the bins moved along after it. */
  private addRow(row: number): void {
    const count = this.rowCount;
    SLAB.resize(this.block, ROW_INDEX_BYTES + SLOT_BYTES * (count + 1) + 4 * this.binCount);
    const bins = SLAB.f32(this.block);
    const at = this.binsAt();
    bins.copyWithin(at + SLOT_BYTES / 4, at, at + this.binCount);
    bins.fill(0, at, at + SLOT_BYTES / 4);
    SLAB.u8(this.block)[SLAB.at(this.block) + row] = count + 1;
    this.rowCount = count + 1;
  }

  /** Row `row`'s slot, -1 while not seen. */
  private slotOf(row: number): number {
    return (SLAB.u8(this.block)[SLAB.at(this.block) + row] as number) - 1;
  }

  /** Where the slots start, in float64s. */
  private slotsAt(): number {
    return (SLAB.at(this.block) + ROW_INDEX_BYTES) / 8;
  }

  /** Where the bins start, in float32s. */
  private binsAt(): number {
    return (SLAB.at(this.block) + ROW_INDEX_BYTES + SLOT_BYTES * this.rowCount) / 4;
  }

  private renormalise(): void {
    const scale = 1 / this.increment;
    const bins = SLAB.f32(this.block);
    const binsAt = this.binsAt();
    for (let i = binsAt; i < binsAt + this.binCount; i++) bins[i] = (bins[i] as number) * scale;
    const slots = SLAB.f64(this.block);
    const slotsAt = this.slotsAt();
    for (let s = 0; s < this.rowCount; s++)
      slots[slotsAt + 2 * s] = (slots[slotsAt + 2 * s] as number) * scale;
    // Below a millionth of one horizon the prior says nothing any more.
    this.priorWeight = this.priorWeight * scale < 1e-6 ? 0 : this.priorWeight * scale;
    this.increment = 1;
  }
}

type NoteParts = ConstructorParameters<typeof HistogramNote>;

/**
 * The distribution's note, from the numbers it is made of. Made outside distribution(), whose scope the
 * quantile function keeps (the cumulative histogram): a note closure there would keep it too. Packable:
 * every kept decision input holds one (in its provenance), packed with it as its numbers.
 */
class HistogramNote implements ReactiveNote, Packable {
  constructor(
    private readonly horizonSteps: number,
    private readonly horizons: number,
    private readonly effective: number,
    private readonly priorEffective: number | undefined,
    private readonly rowMask: number,
    private readonly lagSteps: number,
    /** The kind whose rows and every row near D(t) were read, the larger growth taken; else NOT_LARGER. */
    private readonly larger: number,
  ) {}

  [PARTS](): NoteParts {
    return [
      this.horizonSteps,
      this.horizons,
      this.effective,
      this.priorEffective,
      this.rowMask,
      this.lagSteps,
      this.larger,
    ];
  }

  static fromParts(parts: NoteParts): HistogramNote {
    return new HistogramNote(...parts);
  }

  text(): string {
    const rows: string[] = [];
    for (let r = 0; r < ROWS; r++)
      if (this.rowMask & (1 << r)) rows.push(`${r % LEVELS}${ROW_KIND_NAMES[kindOf(r)] as string}`);

    const prior = this.priorEffective;
    return (
      `decayed histogram of peak growth over ${this.horizonSteps} ticks from ${this.horizons} past horizons ` +
      `(${this.effective.toFixed(0)} effective${prior !== undefined ? `, ${prior.toFixed(0)} of them the young-history prior, never below the rows' own tail once they hold enough` : ''}; ` +
      `overlapping, about ${(this.effective / this.horizonSteps).toFixed(0)} independent peaks, the tail extrapolated beyond the largest of them, its spread as uncertain as the few peaks it is read from leave it), ` +
      `level rows ${rows.join(',')} of ${LEVELS} around D(t)` +
      (LARGER_NOTES[this.larger] ?? '') +
      (this.lagSteps > 0
        ? `; each peak counted half as the query measured it, half extrapolated over its ${this.lagSteps}-tick lag`
        : '')
    );
  }
}

const ROW_KIND_NAMES = ['', ' rising', ' fallen'];
/** The note's kind where no kind's rows were read beside every row near D(t). */
const NOT_LARGER = -1;
/** What the note adds where a kind's own rows and every row were read, by kind. */
const LARGER_NOTES = [
  ' (steady: the steady rows out to where they hold enough horizons, never below both rows near D(t))',
  ' (rising: the rising rows out to where they hold enough horizons or more than two independent peaks, those without the prior, or every one where fewer, never below both rows near D(t))',
  ' (fallen: the fallen rows, never below every row near D(t))',
];

/** The highest of `samples[from, to)` (NaN where none is a number): the query's recent peak. */
export function recentPeakOf(samples: ArrayLike<number>, from: number, to: number): number {
  let peak = Number.NaN;
  for (let i = from; i < to; i++) {
    const x = samples[i] as number;
    if (x >= 0 && !(x <= peak)) peak = x;
  }
  return peak;
}

/**
 * A row read from a level above D(t)'s lends its growth as the rise it was, not as the ratio: the ratio
 * g = ln((P + s) / (B + s)) learnt from bases B at level L (B + s ≥ s·2^L) is a rise of at least
 * (e^g − 1)·s·2^L, which read over D(t) + s as a ratio shrinks by the levels' ratio. Where D(t)'s own
 * level has too few horizons, the decision borrows the rows around it, and below the levels demand
 * usually visits those are all above: NASA at 30 s readiness, the 5-minute outage on day 0 (demand 5.7κ →
 * 0.04κ and back to 3.4κ within ten ticks), read at D̂ = 0.09κ level 2's growth (bases 1.5–3.5κ) as a
 * ratio over 0.59κ, Q(0.9996) = 0.62κ, one replica, and every v from 30 up missed the comeback's first
 * five ticks, where a CPU HPA at 40 % missed two. A comeback is a rise in demand, not in its ratio, and
 * which of the two a level never visited will see the history cannot say: the larger of the two, the
 * ratio where it is larger (a fall, a row from a lower level). Returns the factor the rise is read at,
 * 1 for D(t)'s level and those below it.
 */
export function lentRatio(level: number, centre: number, current: number, shift: number): number {
  return level > centre ? (shift * 2 ** level) / (current + shift) : 1;
}

/** e^g − 1 at the middle of each positive bin, computed once: lentBin reads it for every bin of a lent row. */
const MID_RISES = Float64Array.from({ length: G_BINS }, (_, b) =>
  b > ZERO_BIN ? Math.expm1(growthIn(b, 0.5)) : 0,
);

/** The bin growth `b`'s rise lands in, read `ratio` times larger (see {@link lentRatio}); falls stay. */
function lentBin(b: number, ratio: number): number {
  return b <= ZERO_BIN ? b : binOf(Math.log1p((MID_RISES[b] as number) * ratio));
}

/** Adds a row's bins `[from, to)` at `at` in `counts` into `sums`, each growth lent at `ratio`. */
function addRow(
  sums: Float64Array,
  counts: Float32Array,
  at: number,
  from: number,
  to: number,
  ratio: number,
): void {
  if (ratio === 1) {
    for (let b = from; b < to; b++) sums[b] = (sums[b] as number) + (counts[at + b] as number);
    return;
  }
  for (let b = from; b < to; b++) {
    const into = lentBin(b, ratio);
    sums[into] = (sums[into] as number) + (counts[at + b] as number);
  }
}

/** The upper growth edge of each positive bin, computed once: the prior is spread over them every decision. */
const UPPER_EDGES = Float64Array.from({ length: G_BINS }, (_, b) => (b > ZERO_BIN ? growthIn(b, 1) : 0));

/**
 * Adds `weight` spread over the bins as growth g ≥ 0, exponential with mean `mean` (the tail in the last
 * bin; all of it in the zero atom when the mean is 0).
 */
function addExponentialPrior(counts: Float64Array, weight: number, mean: number): void {
  if (!(mean > 0)) {
    counts[ZERO_BIN] = (counts[ZERO_BIN] as number) + weight;
    return;
  }
  let above = 1;
  for (let b = ZERO_BIN + 1; b < G_BINS; b++) {
    // A remainder under a billionth lies beyond any τ a decision reads (τ ≤ 1 − 10⁻⁶): one bin holds it.
    const next = b === G_BINS - 1 || above < 1e-9 ? 0 : Math.exp(-(UPPER_EDGES[b] as number) / mean);
    counts[b] = (counts[b] as number) + weight * (above - next);
    if (next === 0) return;
    above = next;
  }
}

/**
 * The weight of one independent horizon, from the weight of one horizon: H of them. A horizon starts at
 * every tick and spans H ticks, so consecutive ones share H − 1 ticks and mostly the same peak: a burst
 * seen once is in H horizons. The largest of n horizons is the largest of about n/H independent peaks,
 * the (1 − H/n)-quantile, not the (1 − 1/n). Read as the latter, a strict τ* reads the largest peak seen
 * as if it were rare: a young histogram (a few hours of ticks, a few dozen independent peaks at 2 min
 * readiness) read v = 100's τ* inside the data and missed the ramps it had not seen yet (road occupancy
 * t4013 at 2 min: 6.8 of v = 100's 8 miss minutes on the first day). So the tail is extrapolated from the
 * largest independent peak (the prior's pseudo-horizons, a fading share, counted alike).
 */
function independentHorizonWeight(horizonWeight: number, horizonSteps: number): number {
  return horizonWeight * Math.max(1, horizonSteps);
}

/**
 * The tail of rows that hold `need` horizons of their own, read before `priorWeight` of the young-history
 * prior is mixed in: their quantiles beyond their largest independent peak (τ_top at their own count, see
 * growthQuantile), −∞ within it; undefined where no prior is mixed in or the rows hold fewer (there the
 * prior stands in for what they have not seen). The prior's pseudo-horizons are a steady level's growth, a
 * few per cent over a horizon, each counted as a peak seen: mixed into rows that have seen ramps they thin
 * the rows' tail and push where it is extrapolated from out past peaks never seen. On road occupancy
 * t4013's first day at 30 s readiness, 229 of the 353 horizons read at a fall's turn at 1.6 h were the
 * prior's, and Q(0.9996) read 1.48 D̂ where the rows alone read 2.12 D̂; demand came back to 1.52 D̂ and
 * v = 30 and 100 missed there. Within the rows' peaks the pseudo-horizons stand in for the body of what a
 * young history has not seen, mostly steady: read without them there, a spiky series' loose decisions
 * moved (network 257a54 at 2 min, v = 0.3 on its first two days: 10 % more miss steps, 7 % fewer replicas).
 */
function seenByRows(
  counts: Float64Array,
  weight: number,
  priorWeight: number,
  need: number,
  onePeak: number,
): ((tau: number) => number) | undefined {
  if (!(priorWeight > 0 && weight >= need)) return undefined;
  const quantile = growthQuantileOf(counts.slice(), weight, onePeak);
  // Beyond the rows' largest independent peak, at their own count: their tail.
  const top = largestPeakTau(weight / onePeak);
  return (tau) => (tau > top ? quantile(tau) : Number.NEGATIVE_INFINITY);
}

/** The prior raises a quantile where the rows have seen little; it never lowers the tail they have seen. */
const neverBelowSeen = (
  quantile: (tau: number) => number,
  seen: ((tau: number) => number) | undefined,
): ((tau: number) => number) => (seen === undefined ? quantile : (tau) => Math.max(quantile(tau), seen(tau)));

/** τ ↦ g from bin weights summing to `total` (made cumulative in place), in units of `increment`. */
function growthQuantileOf(counts: Float64Array, total: number, increment: number): (tau: number) => number {
  for (let b = 1; b < G_BINS; b++) counts[b] = (counts[b] as number) + (counts[b - 1] as number);
  return growthQuantile(counts, total, total / increment);
}

/**
 * Where `distribution` sums the rows it reads, both kinds and a kind's own (issue 16): a fresh pair of
 * arrays a decision was 2 KiB of a tick's garbage a policy, malloc'd outside V8's heap, at 100,000 policies
 * 200 MB a tick that glibc's heap fragmented on.
 */
const ALL_ROWS = new Float64Array(G_BINS);
const OWN_ROWS = new Float64Array(G_BINS);

/** The largest growth the bins hold, the upper edge of the last. */
const MAX_GROWTH = growthIn(G_BINS - 1, 1);

/** τ_top: the quantile of the largest of `effective` independent peaks, where the tail beyond the data starts. */
const largestPeakTau = (effective: number): number => 1 - 1 / Math.max(2, effective);

/** The independent peaks the tail's spread is read from. */
const SPREAD_PEAKS = 10;

/**
 * τ ↦ g from a cumulative histogram: linear within bins up to the quantile of the largest independent
 * horizon (τ_top = 1 − 1/n, n their effective count), then a tail beyond the data, so quantiles there
 * keep rising with τ. The tail is the peaks over g_ref, the (1 − 10/n)-quantile (the median while
 * n < 20): exponential with the scale β of the spread from g_ref to g_top, read from the m = 10 peaks above
 * g_ref.
 *
 * A strict τ* reads that tail a long way beyond the few peaks β comes from, and β read from m of them is
 * off by about 1/√m (a third at m = 10): taken as exact, a young histogram's tail under-prices the ramps
 * it has not yet seen (road occupancy t4013 at 2 min readiness: most of v = 100's misses on the first
 * day, ramps the first hours had not shown). So the tail is the exponential's posterior predictive, the
 * rate as uncertain as m peaks leave it (Gamma(m, mβ), the scale-free prior): P(g > g_ref + y | g > g_ref)
 * = (1 + y/(mβ))^−m, i.e. g = g_ref + mβ(r^(1/m) − 1) at r = (1 − τ_ref)/(1 − τ), never below g_top. It is
 * the exponential, g_ref + β ln r, as m grows, and heavier the farther beyond the data τ reads: at n = 100
 * and 1 − τ = 4·10⁻⁴ (v = 100), g_ref + 7.4β where the exponential gave 5.5β. Under 20
 * peaks (the prior counted: a histogram with the young-history prior holds 20 from its start at horizons
 * up to 12 ticks) the spread is the upper half's and the tail stays the exponential from g_top: the
 * predictive of a spread from two or three peaks is a tail without a mean, and the prior, not it, says
 * what a histogram that young has not seen.
 */
function growthQuantile(cdf: Float64Array, total: number, effective: number): (tau: number) => number {
  const inside = (tau: number): number => {
    const target = tau * total;
    let lo = 0;
    let hi = G_BINS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) >= target) hi = mid;
      else lo = mid + 1;
    }
    const before = lo === 0 ? 0 : (cdf[lo - 1] as number);
    const inBin = (cdf[lo] as number) - before;
    const frac = inBin > 0 ? (target - before) / inBin : 0;
    return growthIn(lo, Math.min(1, Math.max(0, frac)));
  };
  const tauTop = largestPeakTau(effective);
  const tauRef = Math.max(0.5, 1 - SPREAD_PEAKS / Math.max(2, effective));
  const gTop = inside(tauTop);
  const gRef = inside(tauRef);
  const beta = Math.max(0, (gTop - gRef) / Math.log((1 - tauRef) / (1 - tauTop)));
  const m = SPREAD_PEAKS;
  const tail =
    effective < 2 * m
      ? (tau: number) => gTop + beta * Math.log((1 - tauTop) / (1 - tau))
      : (tau: number) => Math.max(gTop, gRef + m * beta * (Math.pow((1 - tauRef) / (1 - tau), 1 / m) - 1));
  // Never beyond the growth the bins hold (a peak 55× the shifted base): at τ* = 1 − 10⁻⁶ a wide spread's
  // predictive would ask for thousands of times the demand.
  return (tau) => (tau <= tauTop ? inside(tau) : Math.min(MAX_GROWTH, tail(tau)));
}

/**
 * How far back a base's recent peak is read (fellFrom), where that is longer than the horizon: the span
 * over which the HPA controller by default holds the highest count it was asked for (its scale-down
 * stabilisation window, 300 s; kube-controller-manager's horizontal-pod-autoscaler-downscale-stabilization).
 * At 30 s readiness the horizon looks back about a minute, too short to see most falls of a noisy series.
 */
export const RECENT_PEAK_SECONDS = 300;

/** RECENT_PEAK_SECONDS in ticks of `intervalSeconds`. */
export const recentPeakStepsAt = (intervalSeconds: number): number =>
  Math.round(RECENT_PEAK_SECONDS / intervalSeconds);

/** How long a past horizon keeps half its weight. */
export const GROWTH_HALF_LIFE_SECONDS = 86_400;
const halfLifeStepsAt = (intervalSeconds: number): number => GROWTH_HALF_LIFE_SECONDS / intervalSeconds;

/**
 * History a growth histogram is warm-started from where there is any (the live engine from Prometheus, a
 * what-if replaying Prometheus from the day before its window): a half-life, what the histogram holds
 * half its steady weight from; at a 15 s tick 5,760 samples, within Prometheus' 11,000 points a query.
 */
const GROWTH_WARM_START_SECONDS = GROWTH_HALF_LIFE_SECONDS;

/** Points Prometheus answers one range query with at most. */
const MAX_RANGE_POINTS = 11_000;

/** Ticks of history a warm start reads: {@link GROWTH_WARM_START_SECONDS}, or what one query answers at a tick under 8 s. */
export function growthWarmStartSteps(intervalSeconds: number): number {
  return Math.min(MAX_RANGE_POINTS, Math.round(GROWTH_WARM_START_SECONDS / intervalSeconds));
}

/**
 * The prior a young histogram holds: an hour of pseudo-horizons (half the histogram's weight after its
 * first hour, 3 % after a day, 1 % after two, as real horizons pile up and it decays) whose growth is
 * exponential with the mean of demand doubling within an hour, ln 2 · H / 1 h. Not a fit to any
 * workload: it says only that a series seen for a few hours can still ramp, and at a strict τ
 * (quantile ≈ mean · ln(share / (1 − τ))) it buys a few percent of headroom over H while it lasts; at a
 * loose τ it adds almost nothing.
 */
const GROWTH_PRIOR_SECONDS = 3_600;
const GROWTH_PRIOR_DOUBLING_SECONDS = 3_600;

/** The young-history prior of a histogram over `horizonSteps` ticks of `intervalSeconds`. */
export function growthPriorFor(horizonSteps: number, intervalSeconds: number): GrowthPrior {
  return {
    weight: GROWTH_PRIOR_SECONDS / intervalSeconds,
    meanGrowth: (Math.LN2 * horizonSteps * intervalSeconds) / GROWTH_PRIOR_DOUBLING_SECONDS,
  };
}

/**
 * The histogram a policy's decisions read: its horizon, half its κ as the shift, a day's half-life and
 * the young-history prior.
 */
export function growthHistogramFor(
  capacityPerReplica: number,
  horizonSteps: number,
  lagSteps: number,
  intervalSeconds: number,
): GrowthHistogram {
  return new GrowthHistogram({
    horizonSteps,
    lagSteps,
    shift: capacityPerReplica / 2,
    halfLifeSteps: halfLifeStepsAt(intervalSeconds),
    prior: growthPriorFor(horizonSteps, intervalSeconds),
    recentPeakSteps: recentPeakStepsAt(intervalSeconds),
  });
}

/**
 * Whether `growth` is the one growthHistogramFor would build for this horizon, lag, κ and tick interval (a
 * reload may change any of them; the half-life and the recent peak's look back are counted in ticks, so a
 * new interval needs a new histogram even where the horizon's ticks stay the same). Compared as the
 * constructor stores them, without building one: this runs for every policy each tick.
 */
export function growthHistogramFits(
  growth: GrowthHistogram,
  capacityPerReplica: number,
  horizonSteps: number,
  lagSteps: number,
  intervalSeconds: number,
): boolean {
  const horizon = wholeSteps(horizonSteps, 1);
  return (
    growth.horizonSteps === horizon &&
    growth.lagSteps === wholeSteps(lagSteps, 0) &&
    growth.shift === capacityPerReplica / 2 &&
    growth.halfLifeSteps === halfLifeStepsAt(intervalSeconds) &&
    growth.recentPeakSteps === wholeSteps(recentPeakStepsAt(intervalSeconds), horizon)
  );
}

/**
 * The reactive distribution a decision uses: the long-memory histogram once it holds enough horizons
 * near D(t), else the empirical one over the recent ticks.
 */
export function reactivePeakDistribution(
  growth: GrowthHistogram | undefined,
  pastDemand: Float64Array | Float32Array,
  horizonSteps: number,
  demand: number,
): ReactiveDistribution {
  const horizonAgo =
    pastDemand.length >= horizonSteps ? pastDemand[pastDemand.length - horizonSteps] : undefined;
  const lag = growth?.lagSteps ?? 0;
  const lagAgo = lag > 0 && pastDemand.length >= lag ? pastDemand[pastDemand.length - lag] : undefined;
  const recentPeak =
    growth &&
    recentPeakOf(pastDemand, Math.max(0, pastDemand.length - growth.recentPeakSteps), pastDemand.length);
  return (
    growth?.distribution(demand, horizonAgo, lagAgo, recentPeak) ??
    reactiveDistribution(pastDemand, horizonSteps, demand)
  );
}
