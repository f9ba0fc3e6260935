import { createDetector, type DetectorState, type WatchedSeries } from '../anomaly';
import { PackedSlab } from './packedSlab';

/**
 * A streaming detector's state between the buckets it scores, as one string of bytes (issue 16: every one
 * of 100,000 policies watches its cost per hour, and a detector scores once a bucket, every twenty ticks
 * at the default step). Held as objects, a detector is some fifty numbers each in a box of its own, five
 * objects, three lists and seven typed arrays, each with its buffer and the buffer's bookkeeping outside
 * the heap: about 2 KiB before its slots hold anything. Packed, its numbers are written at the width they
 * need (0 in a byte, an integer in five, any other number in nine), and each typed array either as its
 * bytes or, when that is shorter, as runs (a value and its count): the slots not visited yet, and where a
 * cost stays flat the last day's values, the expectations and the visit counts. A watch the engine scores
 * holds them in its scorer's slab (`WatchScorer`, `packedSlab.ts`: outside V8's heap, rewritten in place);
 * a new detector shared by every new watch, and tests and benches, as a one-byte (latin1) string: on the
 * heap, immutable, 16 bytes besides its contents. Unpacking makes the
 * state again with every value as it was, bit for bit (-0 and NaN included), and its keys in their order,
 * so the detector scores, and serialises, as if it had never been packed; except the time-of-day and week
 * slots' values (`QUANTIZED`), which are held in 16 bits when their bytes would be longer (issue 16: they
 * are 4.1 of a week-old detector's 4.5 KiB, and 100,000 policies each watch a cost).
 *
 * The layout is the shape of a new detector (its keys, at any depth, and what each holds); a state of
 * another shape (a field the detector added later, a value of another kind) is not packed, nor is any
 * state of a detector that holds values of other kinds (a string, a list of objects).
 */
export type PackedDetector = string & { readonly packedDetector: unique symbol };

type Fields = Record<string, unknown>;
type TypedArray =
  Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
type TypedArrayKind = new (length: number) => ArrayBufferView & ArrayLike<number>;

type Field =
  | {
      readonly key: string;
      readonly kind: 'scalar';
      /** The sum of this quantized array's values as stored: it moves with them (`writeQuantized`). */
      readonly sumOf?: string;
    }
  | { readonly key: string; readonly kind: 'list' }
  | {
      readonly key: string;
      readonly kind: 'typed';
      readonly type: TypedArrayKind;
      /** Held in 16 bits when that is shorter than its runs and bytes (`writeQuantized`). */
      readonly quantized: boolean;
    }
  | { readonly key: string; readonly kind: 'fields'; readonly fields: readonly Field[] }
  /** Anything else (a string, a list of objects): a state that holds one is not packed. */
  | { readonly key: string; readonly kind: 'other' };

/** How a number, null or boolean is written: a tag byte, then the value at the width it needs. */
const ZERO = 0;
const INT32 = 1;
const FLOAT64 = 2;
const NULL = 3;
const FALSE = 4;
const TRUE = 5;
/** How a typed array's contents are written. */
const BYTES = 0;
const RUNS = 1;
const QUANTIZED_16 = 2;
/** A run's count is two bytes; a longer array is written as its bytes. */
const MAX_RUN_ARRAY = 0xffff;

const elementWidth = (value: ArrayBufferView): number =>
  (value as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;

/**
 * The slot arrays held in 16 bits (by their path in the state): the daily profile, its spreads, the last
 * day's values and the weekly expectation, four-byte floats of 288 and 168 slots at the default step. Each
 * is held between its smallest and largest non-zero value, so a value comes back within about 2^-17 of the
 * array's span of them (exactly at the span's ends and at 0, which marks a slot not visited yet). The span
 * is at most a few times the series' range (the profile and expectation are held against values in it) and
 * every spread the detector divides by at least 1e-3 of it: a value moves by a few percent of the smallest
 * spread at most. Not the records' counts, nor the visit counts: they are short or held as runs.
 */
const QUANTIZED = new Set(['profile', 'profileDev', 'dayLast', 'weekly.expected']);
/** The detector's running sum of the last day's values as stored (`detector.ts`, `learnDay`). */
const SUMS: Readonly<Record<string, string>> = { daySum: 'dayLast' };

function layoutOf(fields: Fields, path = ''): Field[] {
  return Object.keys(fields).map((key): Field => {
    const value = fields[key];
    if (value === null || typeof value === 'number' || typeof value === 'boolean')
      return path === '' && SUMS[key] !== undefined
        ? { key, kind: 'scalar', sumOf: SUMS[key] }
        : { key, kind: 'scalar' };
    if (Array.isArray(value)) return { key, kind: 'list' };
    // Typed arrays of one, two or four bytes an element: the detector's counts and four-byte floats.
    if (ArrayBuffer.isView(value) && !(value instanceof DataView) && [1, 2, 4].includes(elementWidth(value)))
      return {
        key,
        kind: 'typed',
        type: value.constructor as TypedArrayKind,
        quantized: value instanceof Float32Array && QUANTIZED.has(path + key),
      };
    if (typeof value === 'object')
      return { key, kind: 'fields', fields: layoutOf(value as Fields, `${path}${key}.`) };
    return { key, kind: 'other' };
  });
}

const LAYOUT = layoutOf(createDetector() as unknown as Fields);

/** Where a state is written before it becomes a string, and read back into; grown as needed. */
let bytes = Buffer.allocUnsafeSlow(8192);
let view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function reserve(length: number): void {
  if (length <= bytes.length) return;
  const grown = Buffer.allocUnsafeSlow(Math.max(2 * bytes.length, length));
  bytes.copy(grown);
  bytes = grown;
  view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Thrown, and caught by `packDetector`, when the state is not of the layout's shape. */
class OtherShape extends Error {}

/** The state written into the scratch bytes: where it ends, or undefined when it is not of the layout's shape. */
function writeState(state: DetectorState): number | undefined {
  try {
    return writeFields(LAYOUT, state as unknown as Fields, 0, { shiftOf: undefined, shift: 0 });
  } catch (err) {
    if (err instanceof OtherShape) return undefined;
    throw err;
  }
}

/** The detector's state packed, or undefined when it is not of a new detector's shape (then kept as it is). */
export function packDetector(state: DetectorState): PackedDetector | undefined {
  const end = writeState(state);
  return end === undefined ? undefined : (bytes.toString('latin1', 0, end) as PackedDetector);
}

/**
 * The state `packDetector` packed, made again; into `into` when given (a state of the same shape, whose
 * objects, lists and typed arrays of the same length are reused), so that scoring a detector between two
 * packings makes no objects.
 */
export function unpackDetector(packed: PackedDetector, into?: DetectorState): DetectorState {
  reserve(packed.length);
  const length = bytes.write(packed, 0, 'latin1');
  if (length !== packed.length)
    throw new Error(`packed detector: ${length} of ${packed.length} bytes copied`);
  return readState(length, into);
}

/** The state in the scratch bytes' first `length`, made again (into `into` when given). */
function readState(length: number, into: DetectorState | undefined): DetectorState {
  const at = { at: 0 };
  const state = readFields(LAYOUT, at, into as unknown as Fields | undefined);
  if (at.at !== length) throw new Error(`packed detector: ${at.at} of ${length} bytes read`);
  return state as unknown as DetectorState;
}

/** Own keys of an object, counted without making the list of them (a pack would make one per object in the state). */
function ownKeyCount(fields: Fields): number {
  let count = 0;
  for (const key in fields) if (Object.hasOwn(fields, key)) count++;
  return count;
}

/**
 * A typed array's bytes, and its elements as the unsigned integers their bits make, as views kept with it:
 * the scorer packs and unpacks one reused state, so its arrays' views are made once, not at every bucket
 * (issue 16: about 2 KiB of views a detector a bucket).
 */
interface ArrayViews {
  readonly bytes: Uint8Array;
  readonly bits: Uint8Array | Uint16Array | Uint32Array;
}
const arrayViews = new WeakMap<TypedArray, ArrayViews>();

function viewsOf(values: TypedArray): ArrayViews {
  let views = arrayViews.get(values);
  if (views === undefined) {
    const { buffer, byteOffset, byteLength, length } = values;
    const width = values.BYTES_PER_ELEMENT;
    views = {
      bytes: new Uint8Array(buffer, byteOffset, byteLength),
      bits:
        width === 1
          ? new Uint8Array(buffer, byteOffset, length)
          : width === 2
            ? new Uint16Array(buffer, byteOffset, length)
            : new Uint32Array(buffer, byteOffset, length),
    };
    arrayViews.set(values, views);
  }
  return views;
}

/** One packing's: the last quantized array written (its key) and the sum of its values as stored less as they were. */
interface Writing {
  shiftOf: string | undefined;
  shift: number;
}

function writeFields(layout: readonly Field[], fields: Fields, start: number, writing: Writing): number {
  if (ownKeyCount(fields) !== layout.length) throw new OtherShape();
  let at = start;
  for (const field of layout) {
    const value = fields[field.key];
    switch (field.kind) {
      case 'scalar':
        // A sum of a quantized array's values as stored stays theirs: shifted as they were.
        at = writeScalar(
          field.sumOf !== undefined && field.sumOf === writing.shiftOf
            ? (value as number) + writing.shift
            : value,
          at,
        );
        break;
      case 'list':
        if (!Array.isArray(value)) throw new OtherShape();
        reserve(at + 4);
        view.setUint32(at, value.length, true);
        at += 4;
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          if (typeof v !== 'number') throw new OtherShape();
          at = writeScalar(v, at);
        }
        break;
      case 'typed':
        if (!(value instanceof field.type)) throw new OtherShape();
        at = writeTyped(value as unknown as TypedArray, at, writing, field.quantized ? field.key : undefined);
        break;
      case 'fields':
        if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value))
          throw new OtherShape();
        at = writeFields(field.fields, value as Fields, at, writing);
        break;
      case 'other':
        throw new OtherShape();
    }
  }
  return at;
}

function writeScalar(value: unknown, at: number): number {
  reserve(at + 9);
  if (typeof value === 'number') {
    if (value === 0 && 1 / value > 0) {
      bytes[at] = ZERO;
      return at + 1;
    }
    if ((value | 0) === value && value !== 0) {
      bytes[at] = INT32;
      view.setInt32(at + 1, value, true);
      return at + 5;
    }
    bytes[at] = FLOAT64;
    view.setFloat64(at + 1, value, true);
    return at + 9;
  }
  if (value === null) bytes[at] = NULL;
  else if (value === false) bytes[at] = FALSE;
  else if (value === true) bytes[at] = TRUE;
  else throw new OtherShape();
  return at + 1;
}

function writeTyped(values: TypedArray, start: number, writing: Writing, quantizedKey?: string): number {
  const width = values.BYTES_PER_ELEMENT;
  const span = quantizedKey !== undefined ? spanOf(values as Float32Array) : undefined;
  const quantized = span ? QUANTIZED_HEADER + 2 * values.length : Infinity;
  const shortest = Math.min(values.byteLength, quantized);
  // Runs pay when, with their count, they take fewer bytes than the array's (or its 16 bits): written as
  // runs until they would not, then as its 16 bits or its bytes.
  const maxRuns = values.length <= MAX_RUN_ARRAY ? Math.ceil((shortest - 2) / (width + 2)) - 1 : -1;
  reserve(start + 11 + values.byteLength);
  view.setUint32(start, values.length, true);
  bytes[start + 4] = RUNS;
  // Runs are found on the elements' bits as integers, so a value comes back bit for bit.
  const { bytes: own, bits: source } = viewsOf(values);
  let at = start + 7;
  let runs = 0;
  for (let i = 0; i < values.length && runs <= maxRuns; runs++) {
    const bits = source[i]!;
    let end = i + 1;
    while (end < values.length && source[end] === bits) end++;
    if (width === 1) view.setUint8(at, bits);
    else if (width === 2) view.setUint16(at, bits, true);
    else view.setUint32(at, bits, true);
    view.setUint16(at + width, end - i, true);
    at += width + 2;
    i = end;
  }
  if (runs <= maxRuns) {
    view.setUint16(start + 5, runs, true);
    return at;
  }
  if (quantized < values.byteLength) {
    writing.shift = writeQuantized(values as Float32Array, start, span!);
    writing.shiftOf = quantizedKey;
    return start + quantized;
  }
  bytes[start + 4] = BYTES;
  bytes.set(own, start + 5);
  return start + 5 + values.byteLength;
}

/** A quantized array's mode, smallest and largest non-zero value (four-byte floats), after its length. */
const QUANTIZED_HEADER = 13;
/** Codes: 0 is 0, 1 the smallest non-zero value, LARGEST the largest, the rest evenly between. */
const LARGEST = 0xffff;

/** The value a code stands for (as the array then stores it: a four-byte float). */
const dequantized = (code: number, low: number, high: number): number =>
  code === 0 ? 0 : code === LARGEST ? high : Math.fround(low + ((code - 1) * (high - low)) / (LARGEST - 1));

interface Span {
  readonly low: number;
  readonly high: number;
}

/**
 * A four-byte float array's smallest and largest non-zero value, if it can be held in 16 bits: it holds a
 * non-zero value and none that would not come back (NaN, ±infinity, -0).
 */
function spanOf(values: Float32Array): Span | undefined {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || Object.is(v, -0)) return undefined;
    if (v === 0) continue;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return low <= high ? { low, high } : undefined;
}

/**
 * Writes a four-byte float array in 16 bits a value between its span's ends; returns the sum of its values
 * as stored less as they were.
 */
function writeQuantized(values: Float32Array, start: number, { low, high }: Span): number {
  bytes[start + 4] = QUANTIZED_16;
  view.setFloat32(start + 5, low, true);
  view.setFloat32(start + 9, high, true);
  const scale = high > low ? (LARGEST - 1) / (high - low) : 0;
  let moved = 0;
  for (let i = 0, at = start + QUANTIZED_HEADER; i < values.length; i++, at += 2) {
    const v = values[i]!;
    const code = v === 0 ? 0 : Math.min(LARGEST, 1 + Math.round((v - low) * scale));
    view.setUint16(at, code, true);
    moved += dequantized(code, low, high) - v;
  }
  return moved;
}

function readFields(layout: readonly Field[], at: { at: number }, into: Fields | undefined): Fields {
  const fields: Fields = into ?? {};
  for (const field of layout) {
    switch (field.kind) {
      case 'scalar':
        fields[field.key] = readScalar(at);
        break;
      case 'list': {
        const length = view.getUint32(at.at, true);
        at.at += 4;
        const held = fields[field.key];
        const list = Array.isArray(held) ? (held as number[]) : new Array<number>(length);
        list.length = length;
        for (let i = 0; i < length; i++) list[i] = readScalar(at) as number;
        fields[field.key] = list;
        break;
      }
      case 'typed':
        fields[field.key] = readTyped(field.type, at, fields[field.key]);
        break;
      case 'fields': {
        const held = fields[field.key];
        fields[field.key] = readFields(field.fields, at, into && (held as Fields));
        break;
      }
      case 'other':
        throw new Error(`packed detector: ${field.key} cannot have been packed`);
    }
  }
  return fields;
}

function readScalar(at: { at: number }): number | boolean | null {
  const tag = bytes[at.at]!;
  at.at += 1;
  switch (tag) {
    case ZERO:
      return 0;
    case INT32:
      at.at += 4;
      return view.getInt32(at.at - 4, true);
    case FLOAT64:
      at.at += 8;
      return view.getFloat64(at.at - 8, true);
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    default:
      throw new Error(`packed detector: tag ${tag} at byte ${at.at - 1}`);
  }
}

function readTyped(type: TypedArrayKind, at: { at: number }, held: unknown): TypedArray {
  const length = view.getUint32(at.at, true);
  const mode = bytes[at.at + 4];
  at.at += 5;
  const values = (held instanceof type && held.length === length
    ? held
    : new type(length)) as unknown as TypedArray;
  const { bytes: own, bits: target } = viewsOf(values);
  if (mode === QUANTIZED_16) {
    const low = view.getFloat32(at.at, true);
    const high = view.getFloat32(at.at + 4, true);
    at.at += QUANTIZED_HEADER - 5;
    for (let i = 0; i < length; i++, at.at += 2)
      values[i] = dequantized(view.getUint16(at.at, true), low, high);
    return values;
  }
  if (mode === BYTES) {
    for (let k = 0; k < own.length; k++) own[k] = bytes[at.at + k]!;
    at.at += values.byteLength;
    return values;
  }
  const width = values.BYTES_PER_ELEMENT;
  const runs = view.getUint16(at.at, true);
  at.at += 2;
  for (let r = 0, i = 0; r < runs; r++) {
    const bits =
      width === 1
        ? view.getUint8(at.at)
        : width === 2
          ? view.getUint16(at.at, true)
          : view.getUint32(at.at, true);
    const end = i + view.getUint16(at.at + width, true);
    target.fill(bits, i, end);
    at.at += width + 2;
    i = end;
  }
  return values;
}

/** A watch as the engine holds it between the buckets it scores: its detector packed, or the state itself. */
export interface HeldWatch extends Omit<WatchedSeries, 'detector'> {
  /**
   * A string may be shared (every new watch's, until it first scores); a number is the watch's own packed
   * bytes in its scorer's slab (`WatchScorer`), given back with `WatchScorer.release`.
   */
  detector: PackedDetector | number | DetectorState;
}

/**
 * Scores held watches: each with its detector unpacked into one reused state (unpacking then makes no
 * objects), packed again afterwards into the watch's own bytes in the scorer's slab (rewritten in place
 * while they fit: no new string a watch a bucket). A state that could not be packed is kept as it is, never
 * the reused one. Its owner releases a watch it drops (`release`), or its bytes stay held.
 */
export class WatchScorer {
  private unpacked: DetectorState | undefined;
  private readonly slab = new PackedSlab();

  score(held: HeldWatch, score: (watch: WatchedSeries) => void): void {
    const own = typeof held.detector === 'number' ? held.detector : undefined;
    let detector: DetectorState;
    if (own !== undefined) {
      reserve(this.slab.length(own));
      detector = this.unpacked = readState(this.slab.read(own, bytes), this.unpacked);
    } else if (typeof held.detector === 'string')
      detector = this.unpacked = unpackDetector(held.detector, this.unpacked);
    else detector = held.detector as DetectorState;
    const watch: WatchedSeries = {
      detector,
      episode: held.episode,
      score: held.score,
      episodes: held.episodes,
      excursions: held.excursions,
    };
    score(watch);
    const end = writeState(detector);
    if (end !== undefined) held.detector = this.slab.write(bytes, end, own);
    else {
      if (own !== undefined) this.slab.release(own);
      held.detector = detector === this.unpacked ? structuredClone(detector) : detector;
    }
    held.episode = watch.episode;
    held.score = watch.score;
    held.episodes = watch.episodes;
  }

  /** Gives back the bytes of a watch its owner drops. */
  release(held: HeldWatch): void {
    if (typeof held.detector === 'number') this.slab.release(held.detector);
  }
}
