import { createDetector, type DetectorState } from '../anomaly';

/**
 * A streaming detector's state between the buckets it scores, as one string of bytes (issue 16: every one
 * of 100,000 policies watches its cost per hour, and a detector scores once a bucket, every twenty ticks
 * at the default step). Held as objects, a detector is some fifty numbers each in a box of its own, five
 * objects, three lists and seven typed arrays, each with its buffer and the buffer's bookkeeping outside
 * the heap: about 2 KiB before its slots hold anything. Packed, its numbers are written at the width they
 * need (0 in a byte, an integer in five, any other number in nine), and each typed array either as its
 * bytes or, when that is shorter, as runs (a value and its count): the slots not visited yet, and where a
 * cost stays flat the last day's values, the expectations and the visit counts. The bytes are kept as a
 * one-byte (latin1) string: on the heap, immutable, 16 bytes besides its contents. Unpacking makes the
 * state again with every value as it was, bit for bit (-0 and NaN included), and its keys in their order,
 * so the detector scores, and serialises, as if it had never been packed.
 *
 * The layout is the shape of a new detector (its keys, at any depth, and what each holds); a state of
 * another shape (a field the detector added later, a value of another kind) is not packed.
 */
export type PackedDetector = string & { readonly packedDetector: unique symbol };

type Fields = Record<string, unknown>;
type TypedArray =
  Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
type TypedArrayKind = new (length: number) => ArrayBufferView & ArrayLike<number>;

type Field =
  | { readonly key: string; readonly kind: 'scalar' }
  | { readonly key: string; readonly kind: 'list' }
  | { readonly key: string; readonly kind: 'typed'; readonly type: TypedArrayKind }
  | { readonly key: string; readonly kind: 'fields'; readonly fields: readonly Field[] };

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
/** A run's count is two bytes; a longer array is written as its bytes. */
const MAX_RUN_ARRAY = 0xffff;

function layoutOf(fields: Fields): Field[] {
  return Object.keys(fields).map((key): Field => {
    const value = fields[key];
    if (value === null || typeof value === 'number' || typeof value === 'boolean')
      return { key, kind: 'scalar' };
    if (Array.isArray(value)) return { key, kind: 'list' };
    if (ArrayBuffer.isView(value) && !(value instanceof DataView))
      return { key, kind: 'typed', type: value.constructor as TypedArrayKind };
    if (typeof value === 'object') return { key, kind: 'fields', fields: layoutOf(value as Fields) };
    throw new Error(`packed detector: ${key} holds a ${typeof value}`);
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

/** The detector's state packed, or undefined when it is not of a new detector's shape (then kept as it is). */
export function packDetector(state: DetectorState): PackedDetector | undefined {
  try {
    const end = writeFields(LAYOUT, state as unknown as Fields, 0);
    return bytes.toString('latin1', 0, end) as PackedDetector;
  } catch (err) {
    if (err instanceof OtherShape) return undefined;
    throw err;
  }
}

/** The state `packDetector` packed, made again. */
export function unpackDetector(packed: PackedDetector): DetectorState {
  reserve(packed.length);
  const length = bytes.write(packed, 0, 'latin1');
  const at = { at: 0 };
  const state = readFields(LAYOUT, at);
  if (at.at !== length || length !== packed.length)
    throw new Error(`packed detector: ${at.at} of ${packed.length} bytes read`);
  return state as unknown as DetectorState;
}

function writeFields(layout: readonly Field[], fields: Fields, start: number): number {
  if (Object.keys(fields).length !== layout.length) throw new OtherShape();
  let at = start;
  for (const field of layout) {
    const value = fields[field.key];
    switch (field.kind) {
      case 'scalar':
        at = writeScalar(value, at);
        break;
      case 'list':
        if (!Array.isArray(value)) throw new OtherShape();
        reserve(at + 4);
        view.setUint32(at, value.length, true);
        at += 4;
        for (const v of value as unknown[]) {
          if (typeof v !== 'number') throw new OtherShape();
          at = writeScalar(v, at);
        }
        break;
      case 'typed':
        if (!(value instanceof field.type)) throw new OtherShape();
        at = writeTyped(value as unknown as TypedArray, at);
        break;
      case 'fields':
        if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value))
          throw new OtherShape();
        at = writeFields(field.fields, value as Fields, at);
        break;
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

/**
 * The array's elements as integers of their width (two 32-bit words for an eight-byte element): runs are
 * found and written on these, so a value comes back bit for bit, whatever it is.
 */
function wordsOf(values: TypedArray): { words: Uint8Array | Uint16Array | Uint32Array; group: number } {
  const { buffer, byteOffset, byteLength } = values;
  switch (values.BYTES_PER_ELEMENT) {
    case 1:
      return { words: new Uint8Array(buffer, byteOffset, byteLength), group: 1 };
    case 2:
      return { words: new Uint16Array(buffer, byteOffset, byteLength / 2), group: 1 };
    case 4:
      return { words: new Uint32Array(buffer, byteOffset, byteLength / 4), group: 1 };
    default:
      return { words: new Uint32Array(buffer, byteOffset, byteLength / 4), group: 2 };
  }
}

function writeTyped(values: TypedArray, start: number): number {
  reserve(start + 5);
  view.setUint32(start, values.length, true);
  const { words, group } = wordsOf(values);
  const width = words.BYTES_PER_ELEMENT;
  const runs = values.length <= MAX_RUN_ARRAY ? runCount(words, group) : Infinity;
  const elementBytes = group * width;
  if (runs * (elementBytes + 2) + 2 >= values.byteLength) {
    bytes[start + 4] = BYTES;
    reserve(start + 5 + values.byteLength);
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), start + 5);
    return start + 5 + values.byteLength;
  }
  bytes[start + 4] = RUNS;
  let at = start + 5;
  reserve(at + 2 + runs * (elementBytes + 2));
  view.setUint16(at, runs, true);
  at += 2;
  for (let i = 0; i < values.length;) {
    let end = i + 1;
    while (end < values.length && sameElement(words, group, i, end)) end++;
    for (let g = 0; g < group; g++) at = writeWord(words[i * group + g]!, width, at);
    view.setUint16(at, end - i, true);
    at += 2;
    i = end;
  }
  return at;
}

function runCount(words: ArrayLike<number>, group: number): number {
  const n = words.length / group;
  let runs = n > 0 ? 1 : 0;
  for (let i = 1; i < n; i++) if (!sameElement(words, group, i - 1, i)) runs++;
  return runs;
}

const sameElement = (words: ArrayLike<number>, group: number, a: number, b: number): boolean =>
  group === 1
    ? words[a] === words[b]
    : words[a * 2] === words[b * 2] && words[a * 2 + 1] === words[b * 2 + 1];

function writeWord(word: number, width: number, at: number): number {
  if (width === 1) bytes[at] = word;
  else if (width === 2) view.setUint16(at, word, true);
  else view.setUint32(at, word, true);
  return at + width;
}

function readFields(layout: readonly Field[], at: { at: number }): Fields {
  const fields: Fields = {};
  for (const field of layout) {
    switch (field.kind) {
      case 'scalar':
        fields[field.key] = readScalar(at);
        break;
      case 'list': {
        const length = view.getUint32(at.at, true);
        at.at += 4;
        const list = new Array<number>(length);
        for (let i = 0; i < length; i++) list[i] = readScalar(at) as number;
        fields[field.key] = list;
        break;
      }
      case 'typed':
        fields[field.key] = readTyped(field.type, at);
        break;
      case 'fields':
        fields[field.key] = readFields(field.fields, at);
        break;
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

function readTyped(type: TypedArrayKind, at: { at: number }): TypedArray {
  const length = view.getUint32(at.at, true);
  const mode = bytes[at.at + 4];
  at.at += 5;
  const values = new type(length) as unknown as TypedArray;
  if (mode === BYTES) {
    new Uint8Array(values.buffer, values.byteOffset, values.byteLength).set(
      bytes.subarray(at.at, at.at + values.byteLength),
    );
    at.at += values.byteLength;
    return values;
  }
  const { words, group } = wordsOf(values);
  const width = words.BYTES_PER_ELEMENT;
  const runs = view.getUint16(at.at, true);
  at.at += 2;
  for (let r = 0, i = 0; r < runs; r++) {
    const first = readWord(width, at.at);
    const second = group === 2 ? readWord(width, at.at + width) : 0;
    at.at += group * width;
    const end = i + view.getUint16(at.at, true);
    at.at += 2;
    if (group === 1) words.fill(first, i, end);
    else
      for (; i < end; i++) {
        words[2 * i] = first;
        words[2 * i + 1] = second;
      }
    i = end;
  }
  return values;
}

function readWord(width: number, at: number): number {
  if (width === 1) return bytes[at]!;
  if (width === 2) return view.getUint16(at, true);
  return view.getUint32(at, true);
}
