import type { DecisionNumbers } from '../domain/decide';
import {
  explainedDecision,
  type CompactDecision,
  type DecisionFacts,
  type HeldDecision,
} from '../domain/explainDecision';
import type { Decision } from '../domain/decide';
import type { ServedMetric } from './servedMetrics';
import { TreeShapes, type TreePlace, type TreeShape, type TreeSink } from '../domain/packedTree';

// A tick's decisions as columns (issue 16). The engine keeps every policy's last decision in its snapshot
// entry, and as the literal decide() gives each of its thirteen numbers was a heap number of its own
// (V8 keeps an object's double fields boxed): at 100,000 policies about 20 MiB of the live heap, and the
// entry's served values, the same numbers, as many again. Here the numbers of all of a tick's decisions
// are one Float64Array, a decision reading its row through getters; its text stays objects.
//
// Read as properties, a column decision is the decision. What copies own properties (a spread, a rest
// pattern, `explainedDecision`) would not see its numbers: take `plainDecision` (or `explainedHeld`) first.
// JSON.stringify writes it as the literal (toJSON), key for key.
//
// A decision's facts (its kept input, which only its explanation reads) are packed in the same columns
// (packedTree.ts): about 0.6 KiB of objects and boxed numbers a policy as literals (issue 16), a few
// slots here, the literals made again when read.

/** The numbers of a decision, in the order decide() gives them (JSON keeps key order). */
const NUMBERS = [
  'at',
  'replicas',
  'unboundedReplicas',
  'load',
  'targetDemand',
  'demand',
  'demandQuantile',
  'tau',
  'shadowPrice',
  'costPerReplicaHour',
  'costPerHour',
  'costPerUnit',
  'sloMissRisk',
] as const;
const WIDTH = NUMBERS.length;
/** Those that may be null: a bit each in the decision, its row holding 0. */
const NULLABLE: ReadonlySet<string> = new Set(['demandQuantile', 'costPerUnit', 'sloMissRisk']);

/** The shapes of the facts every tick's columns pack: the same few each tick. */
const FACT_SHAPES = new TreeShapes();

/** One tick's decisions: WIDTH numbers a row, a row per decision held; their facts packed. */
export class DecisionColumns {
  /** Grown by doubling while the tick decides, then cut to its rows (`trim`). */
  rows = new Float64Array(WIDTH * 256);
  private count = 0;
  private readonly facts = new FactChunks();

  /**
   * The decision held in a row of these columns; the decision itself when a number is not one (a field
   * decide() leaves undefined): it is then kept as it is.
   */
  hold(d: CompactDecision): CompactDecision {
    let nulls = 0;
    for (let i = 0; i < WIDTH; i++) {
      const v = d[NUMBERS[i]!];
      if (v === null && NULLABLE.has(NUMBERS[i]!)) nulls |= 1 << i;
      else if (typeof v !== 'number') return d;
    }
    if (WIDTH * (this.count + 1) > this.rows.length) {
      const grown = new Float64Array(2 * this.rows.length);
      grown.set(this.rows);
      this.rows = grown;
    }
    const row = WIDTH * this.count++;
    for (let i = 0; i < WIDTH; i++) this.rows[row + i] = (nulls & (1 << i)) !== 0 ? 0 : d[NUMBERS[i]!]!;
    return new ColumnDecision(this, row, nulls, d, this.facts.hold(d.facts));
  }

  /** Drops the rows beyond those held: once the tick's decisions are all made. */
  trim(): void {
    if (this.rows.length > WIDTH * this.count) this.rows = this.rows.slice(0, WIDTH * this.count);
  }
}

/**
 * A tick's facts, packed one after the other in chunks that are never grown or copied (as `rows` are):
 * a tick's about 29 numbers a decision would be, by doubling, as much again in buffers let go, which
 * are freed only when V8 collects them. Each chunk of numbers at least deploy/base's mmap threshold (128
 * KiB), a mapping of its own: smaller ones, malloc'd in glibc's main heap among a tick's garbage and
 * living until the next tick, kept what lay below them (at 100,000 policies the main heap 23 MiB more).
 */
class FactChunks implements TreeSink, TreePlace {
  numbers = new Float64Array(FIRST_CHUNK);
  n = 0;
  leaves: unknown[] = new Array<unknown>(FIRST_CHUNK);
  l = 0;

  /** The facts packed here: copied from their columns when held in another tick's. */
  hold(facts: DecisionFacts): PackedFacts {
    const shape = facts instanceof PackedFacts ? facts.copyInto(this) : FACT_SHAPES.pack(facts, this);
    const held = new PackedFacts(shape, this.numbers, this.n, this.leaves, this.l);
    this.n += shape.numbers;
    this.l += shape.leaves;
    return held;
  }

  reserve(shape: TreeShape): TreePlace {
    if (this.n + shape.numbers > this.numbers.length) {
      this.numbers = new Float64Array(Math.max(shape.numbers, nextChunk(this.numbers.length)));
      this.n = 0;
    }
    if (this.l + shape.leaves > this.leaves.length) {
      this.leaves = new Array<unknown>(Math.max(shape.leaves, nextChunk(this.leaves.length)));
      this.l = 0;
    }
    return this;
  }
}

/** 128 KiB of numbers, doubling up to 1 MiB. */
const FIRST_CHUNK = 1 << 14;
const nextChunk = (length: number): number => Math.min(2 * length, 1 << 17);

/**
 * A decision's facts packed in its tick's columns: read, they are the literal decideCompact() kept, made
 * again (a new one each read; nothing writes facts).
 */
export class PackedFacts implements DecisionFacts {
  // Private, as the decision's columns (freezing the snapshot leaves them be).
  readonly #shape: TreeShape;
  readonly #numbers: Float64Array;
  readonly #n: number;
  readonly #leaves: readonly unknown[];
  readonly #l: number;

  constructor(shape: TreeShape, numbers: Float64Array, n: number, leaves: readonly unknown[], l: number) {
    this.#shape = shape;
    this.#numbers = numbers;
    this.#n = n;
    this.#leaves = leaves;
    this.#l = l;
  }

  get input(): DecisionFacts['input'] {
    return this.toJSON().input;
  }
  get rawQuantile(): number | undefined {
    return this.toJSON().rawQuantile;
  }
  get reachable(): number {
    return this.toJSON().reachable;
  }

  /** The facts as decideCompact() kept them, key for key. */
  toJSON(): DecisionFacts {
    return this.#shape.unpack(this.#numbers, this.#n, this.#leaves, this.#l) as DecisionFacts;
  }

  /** Writes its numbers and leaves where `to` reserves room for them; its shape. */
  copyInto(to: TreeSink): TreeShape {
    const shape = this.#shape;
    const place = to.reserve(shape);
    place.numbers.set(this.#numbers.subarray(this.#n, this.#n + shape.numbers), place.n);
    for (let i = 0; i < shape.leaves; i++) place.leaves[place.l + i] = this.#leaves[this.#l + i];
    return shape;
  }
}

/** Every key of T, its optional ones included: a literal of this type cannot leave one out. */
type EveryKey<T> = { [K in keyof Required<T>]: T[K] };

/** A compact decision whose numbers are a row of its tick's columns. */
export class ColumnDecision implements CompactDecision {
  readonly policy: string | undefined;
  readonly mode: DecisionNumbers['mode'];
  readonly actingBound: DecisionNumbers['actingBound'];
  readonly facts: DecisionFacts;
  // Private, so that freezing the snapshot (which walks its entries' own values) leaves the columns be.
  readonly #columns: DecisionColumns;
  readonly #row: number;
  readonly #nulls: number;

  constructor(
    columns: DecisionColumns,
    row: number,
    nulls: number,
    d: CompactDecision,
    facts: DecisionFacts,
  ) {
    this.policy = d.policy;
    this.mode = d.mode;
    this.actingBound = d.actingBound;
    this.facts = facts;
    this.#columns = columns;
    this.#row = row;
    this.#nulls = nulls;
  }

  #at(i: number): number {
    return this.#columns.rows[this.#row + i]!;
  }

  #orNull(i: number): number | null {
    return (this.#nulls & (1 << i)) !== 0 ? null : this.#columns.rows[this.#row + i]!;
  }

  get at(): number {
    return this.#at(0);
  }
  get replicas(): number {
    return this.#at(1);
  }
  get unboundedReplicas(): number {
    return this.#at(2);
  }
  get load(): number {
    return this.#at(3);
  }
  get targetDemand(): number {
    return this.#at(4);
  }
  get demand(): number {
    return this.#at(5);
  }
  get demandQuantile(): number | null {
    return this.#orNull(6);
  }
  get tau(): number {
    return this.#at(7);
  }
  get shadowPrice(): number {
    return this.#at(8);
  }
  get costPerReplicaHour(): number {
    return this.#at(9);
  }
  get costPerHour(): number {
    return this.#at(10);
  }
  get costPerUnit(): number | null {
    return this.#orNull(11);
  }
  get sloMissRisk(): number | null {
    return this.#orNull(12);
  }

  /** The decision as decide() gave it (explainDecision.ts's `withFacts`, key for key), its facts too. */
  toJSON(): CompactDecision {
    const plain: EveryKey<DecisionNumbers> & { facts: DecisionFacts } = {
      policy: this.policy,
      at: this.at,
      mode: this.mode,
      replicas: this.replicas,
      unboundedReplicas: this.unboundedReplicas,
      load: this.load,
      targetDemand: this.targetDemand,
      demand: this.demand,
      demandQuantile: this.demandQuantile,
      tau: this.tau,
      shadowPrice: this.shadowPrice,
      costPerReplicaHour: this.costPerReplicaHour,
      costPerHour: this.costPerHour,
      costPerUnit: this.costPerUnit,
      sloMissRisk: this.sloMissRisk,
      actingBound: this.actingBound,
      facts: this.facts instanceof PackedFacts ? this.facts.toJSON() : this.facts,
    };
    return plain;
  }
}

/** A held decision as a plain object: a column decision's literal, any other as it is. */
export const plainDecision = (d: HeldDecision): HeldDecision =>
  d instanceof ColumnDecision ? d.toJSON() : d;

/** `explainedDecision` for any held decision, a column decision included. */
export const explainedHeld = (d: HeldDecision): Decision => explainedDecision(plainDecision(d));

/**
 * A decision's served values, read from it: the same numbers as the decision's, not a copy of each (the
 * literal `servedValues` gives, key for key, as JSON).
 */
export class DecisionValues implements Readonly<Record<ServedMetric, number>> {
  readonly #decision: ColumnDecision;

  constructor(decision: ColumnDecision) {
    this.#decision = decision;
  }

  get costscale_replicas(): number {
    return this.#decision.replicas;
  }
  get costscale_load(): number {
    return this.#decision.load;
  }
  get costscale_cost_per_hour(): number {
    return this.#decision.costPerHour;
  }
  get costscale_budget_pressure(): number {
    return this.#decision.shadowPrice;
  }
  get costscale_forecast_demand(): number {
    return this.#decision.targetDemand;
  }

  toJSON(): Record<ServedMetric, number> {
    return servedValues(this.#decision);
  }
}

/** The values a decision serves (ARCHITECTURE.md §3), as a literal. */
export function servedValues(d: {
  replicas: number;
  load: number;
  costPerHour: number;
  shadowPrice: number;
  targetDemand: number;
}): Record<ServedMetric, number> {
  return {
    costscale_replicas: d.replicas,
    costscale_load: d.load,
    costscale_cost_per_hour: d.costPerHour,
    costscale_budget_pressure: d.shadowPrice,
    costscale_forecast_demand: d.targetDemand,
  };
}
