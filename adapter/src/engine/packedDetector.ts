import type { DetectorState } from '../anomaly';

/**
 * A streaming detector's state between the buckets it scores, its per-slot arrays held as runs (issue 16:
 * every one of 100,000 policies watches its cost per hour). The detector allocates a day's and a week's
 * slots whole, about 7.6 KiB, and most of those slots are runs of one value: the slots not visited yet
 * (a detector's first day and week), and, where a cost stays flat (replicas at their floor, a price that
 * does not move), the last day's values, the weekly expectation and the visit counts. Packing replaces
 * each array that runs enough by a shared empty one and writes its runs (value, length) into one list
 * of numbers; unpacking puts back an array of the same kind holding the same values, bit for bit (-0
 * and NaN included), so the detector scores, and serialises, as if it had never been packed. Generic over
 * the state's shape: every array of numbers and typed array, at any depth, in the order of its keys.
 */

type Fields = Record<string, unknown>;
type NumberArray = ArrayLike<number> & {
  [index: number]: number;
  fill(value: number, start: number, end: number): unknown;
};
type TypedArrayKind = new (length: number) => NumberArray;

/** Arrays shorter than this are kept as they are: a few runs would not pay for the work. */
const MIN_LENGTH = 16;
/** An array is packed when its runs take at most this share of its own bytes. */
const MAX_SHARE = 0.5;

/** What a packed field holds until it is unpacked: shared, so a packed detector holds none of its own. */
const PACKED_LIST: readonly number[] = Object.freeze([]);
const packedTyped = new Map<TypedArrayKind, NumberArray>();
const isPackedTyped = (value: unknown): value is NumberArray =>
  ArrayBuffer.isView(value) && packedTyped.get(value.constructor as TypedArrayKind) === (value as unknown);

/** Where a detector's runs are written before they are copied out, grown as needed. */
let scratch = new Float64Array(4096);

/** Equal as a stored value: -0 apart from 0, NaN equal to NaN (Object.is, without its call). */
const same = (a: number, b: number): boolean => (a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b);

const isFields = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);

/**
 * Packs the detector's arrays that run enough (the state is changed in place and must be unpacked before
 * it is read or scored); undefined when none does, the state then left as it was. The runs are a list of
 * numbers, on V8's heap: a typed array of its own for each would cost an allocation outside it each time.
 */
export function packDetector(state: DetectorState): number[] | undefined {
  const end = packFields(state as unknown as Fields, 0);
  if (end === 0) return undefined;
  const packed = new Array<number>(end);
  for (let i = 0; i < end; i++) packed[i] = scratch[i]!;
  return packed;
}

function packFields(fields: Fields, start: number): number {
  let at = start;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (isFields(value)) {
      at = packFields(value, at);
    } else if (Array.isArray(value)) {
      if (value.length < MIN_LENGTH) continue;
      const end = runsOfList(value, at, maxRuns(value.length * 8));
      if (end < 0) continue;
      at = end;
      fields[key] = PACKED_LIST;
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const values = value as unknown as Float64Array;
      if (values.length < MIN_LENGTH) continue;
      const end = runsOfTyped(values, at, maxRuns(values.byteLength));
      if (end < 0) continue;
      at = end;
      fields[key] = packedOf(value.constructor as TypedArrayKind);
    }
  }
  return at;
}

/** The runs an array of this many bytes may have and still be packed: each costs 16 bytes. */
const maxRuns = (bytes: number): number => Math.floor((MAX_SHARE * bytes - 8) / 16);

/**
 * Writes the list's length and runs (value, length) from `at`; returns where they end, or -1 (nothing
 * kept) when it has more than `max` runs or holds something other than numbers. Two copies, one for plain
 * arrays and one for typed ones, so each loop reads one kind of array.
 */
function runsOfList(values: readonly unknown[], start: number, max: number): number {
  reserve(start + 1 + 2 * max);
  let at = start + 1;
  let runs = 0;
  let value = values[0];
  let length = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') return -1;
    if (i > 0 && !same(v, value as number)) {
      if (++runs > max) return -1;
      scratch[at++] = value as number;
      scratch[at++] = length;
      length = 0;
    }
    value = v;
    length += 1;
  }
  if (runs + 1 > max) return -1;
  scratch[at++] = value as number;
  scratch[at++] = length;
  scratch[start] = values.length;
  return at;
}

function runsOfTyped(values: Float64Array, start: number, max: number): number {
  reserve(start + 1 + 2 * max);
  let at = start + 1;
  let runs = 0;
  let value = values[0]!;
  let length = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (i > 0 && !same(v, value)) {
      if (++runs > max) return -1;
      scratch[at++] = value;
      scratch[at++] = length;
      length = 0;
    }
    value = v;
    length += 1;
  }
  if (runs + 1 > max) return -1;
  scratch[at++] = value;
  scratch[at++] = length;
  scratch[start] = values.length;
  return at;
}

function reserve(length: number): void {
  if (length <= scratch.length) return;
  const grown = new Float64Array(Math.max(2 * scratch.length, length));
  grown.set(scratch);
  scratch = grown;
}

function packedOf(kind: TypedArrayKind): NumberArray {
  let empty = packedTyped.get(kind);
  if (empty === undefined) {
    empty = new kind(0);
    packedTyped.set(kind, empty);
  }
  return empty;
}

/** Puts back every array `packDetector` packed into `packed`, as it was. */
export function unpackDetector(state: DetectorState, packed: readonly number[]): void {
  const end = unpackFields(state as unknown as Fields, packed, 0);
  if (end !== packed.length) throw new Error(`packed detector: ${end} of ${packed.length} values read`);
}

function unpackFields(fields: Fields, packed: readonly number[], start: number): number {
  let at = start;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (isFields(value)) {
      at = unpackFields(value, packed, at);
      continue;
    }
    const typed = isPackedTyped(value);
    if (!(typed || value === PACKED_LIST)) continue;
    const length = packed[at++]!;
    const values = typed ? new (value.constructor as TypedArrayKind)(length) : new Array<number>(length);
    at = typed ? fillTyped(values, packed, at) : fillList(values as number[], packed, at);
    fields[key] = values;
  }
  return at;
}

/** Fills the array from the runs at `at`; returns where they end. A copy for each kind, as above. */
function fillList(values: number[], packed: readonly number[], start: number): number {
  let at = start;
  for (let i = 0; i < values.length;) {
    const v = packed[at++]!;
    for (const end = i + packed[at++]!; i < end; i++) values[i] = v;
  }
  return at;
}

function fillTyped(values: NumberArray, packed: readonly number[], start: number): number {
  let at = start;
  for (let i = 0; i < values.length;) {
    const v = packed[at++]!;
    const end = i + packed[at++]!;
    values.fill(v, i, end);
    i = end;
  }
  return at;
}
