// A tree of plain objects and arrays held as columns (issue 16): its numbers in a Float64Array, its other
// leaves in a list, its keys in a shape shared by every tree of the same keys. The engine keeps every
// policy's last decision input until the next tick only to explain it on request; as the literal the
// tick built, it was about a dozen objects and boxed numbers a policy (the input with its properties out
// of line, its budget, its provenance...), all of the same few shapes. Packed, a policy's is a few slots
// in its tick's columns; `unpack` builds the same tree again: the same keys in the same order, the same
// numbers to the bit, the same leaves by identity.
//
// A class's instance that is `Packable` is packed as its parts, and made again from them by its class's
// `fromParts`. A leaf is anything else that is not a number, a plain object or an array: a string,
// undefined (a key that holds it is kept, as it is not a missing key), null, a boolean, an instance of a
// class, and a frozen object or array, held by reference as it is (frozen, it is shared, as the configuration's parts and
// the engine's constant provenances are, and cannot have changed). An array is its elements (a hole
// comes back as undefined).

/** A shape's node: a number, another leaf, an object or array of nodes, or an instance of its parts. */
type Node = typeof NUMBER | typeof LEAF | Branch | Instance;
const NUMBER = 0;
const LEAF = 1;

/** Gives a `Packable`'s parts. */
export const PARTS = Symbol('parts');

/** An instance packed as its parts (a tree), its class made again from them by `fromParts`. */
export interface Packable {
  [PARTS](): unknown;
}

interface Instance {
  readonly prototype: object;
  readonly revive: (parts: never) => unknown;
  readonly parts: Node;
}

interface Branch {
  /** Its keys in their order; an array's are its indices. */
  readonly keys: readonly string[];
  readonly kids: readonly Node[];
  readonly array: boolean;
  readonly prototype?: undefined;
}

/** The keys of a tree and what each holds; as many numbers and leaves as it counts. */
export class TreeShape {
  constructor(
    private readonly root: Node,
    readonly numbers: number,
    readonly leaves: number,
  ) {}

  /** The tree again, its numbers from `numbers` at `n`, its other leaves from `leaves` at `l`. */
  unpack(numbers: Float64Array, n: number, leaves: readonly unknown[], l: number): unknown {
    const at = { n, l };
    return build(this.root, numbers, leaves, at);
  }

  /** Writes the tree's numbers and leaves at `place` if it has this shape, else returns false. */
  fill(value: unknown, place: TreePlace): boolean {
    return fill(this.root, value, place, { n: place.n, l: place.l });
  }
}

/** Where a tree is written: its numbers from `n` in `numbers`, its other leaves from `l` in `leaves`. */
export interface TreePlace {
  readonly numbers: Float64Array;
  readonly n: number;
  readonly leaves: unknown[];
  readonly l: number;
}

/** Where packed trees are written. */
export interface TreeSink {
  /** A place with room for a tree of `shape` (the sink's own object, valid until its next call). */
  reserve(shape: TreeShape): TreePlace;
}

/**
 * The shapes trees are packed with. A few: the engine's decision inputs differ in which optional parts
 * they have (a budget, a lag, anomalies), not per policy. Bounded all the same, as a configuration could
 * give lists of any length: past `max`, it starts again (trees packed with a dropped shape keep it).
 */
export class TreeShapes {
  private shapes: TreeShape[] = [];

  constructor(private readonly max = 256) {}

  /** The shape of `value`, its numbers and leaves written at the place `sink` reserved for it last. */
  pack(value: unknown, sink: TreeSink): TreeShape {
    for (let i = 0; i < this.shapes.length; i++) {
      const shape = this.shapes[i]!;
      if (shape.fill(value, sink.reserve(shape))) {
        // The most recent first: consecutive trees mostly share a shape.
        if (i > 0) {
          this.shapes.splice(i, 1);
          this.shapes.unshift(shape);
        }
        return shape;
      }
    }
    const counts = { numbers: 0, leaves: 0 };
    const shape = new TreeShape(shapeOf(value, counts, true), counts.numbers, counts.leaves);
    if (this.shapes.length >= this.max) this.shapes = [];
    this.shapes.unshift(shape);
    shape.fill(value, sink.reserve(shape));
    return shape;
  }
}

/**
 * Whether `value` is walked into: an array or an object of Object's prototype, not frozen (the root
 * always), without an own `__proto__` key (which a literal built key by key would not get back).
 */
function isBranch(value: unknown, root: boolean): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (!root && Object.isFrozen(value)) return false;
  if (Array.isArray(value)) return true;
  return Object.getPrototypeOf(value) === Object.prototype && !Object.hasOwn(value, '__proto__');
}

/** Whether `value` is packed as its parts. */
function isPackable(value: unknown): value is Packable {
  return value !== null && typeof value === 'object' && typeof (value as Packable)[PARTS] === 'function';
}

function shapeOf(value: unknown, counts: { numbers: number; leaves: number }, root = false): Node {
  if (typeof value === 'number') {
    counts.numbers++;
    return NUMBER;
  }
  if (isPackable(value)) {
    const { fromParts } = value.constructor as unknown as { fromParts: (parts: never) => unknown };
    const prototype = Object.getPrototypeOf(value) as object;
    return { prototype, revive: fromParts, parts: shapeOf(value[PARTS](), counts, true) };
  }
  if (!isBranch(value, root)) {
    counts.leaves++;
    return LEAF;
  }
  const keys: string[] = [];
  const kids: Node[] = [];
  const array = Array.isArray(value);
  if (array) {
    for (let i = 0; i < value.length; i++) {
      keys.push(String(i));
      kids.push(shapeOf(value[i], counts));
    }
  } else {
    const object = value as Record<string, unknown>;
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      keys.push(key);
      kids.push(shapeOf(object[key], counts));
    }
  }
  return { keys, kids, array };
}

function fill(
  node: Node,
  value: unknown,
  sink: TreePlace,
  at: { n: number; l: number },
  root = true,
): boolean {
  if (node === NUMBER) {
    if (typeof value !== 'number') return false;
    sink.numbers[at.n++] = value;
    return true;
  }
  if (node === LEAF) {
    if (typeof value === 'number' || isBranch(value, false) || isPackable(value)) return false;
    sink.leaves[at.l++] = value;
    return true;
  }
  if (node.prototype !== undefined)
    return (
      isPackable(value) &&
      Object.getPrototypeOf(value) === node.prototype &&
      fill(node.parts, value[PARTS](), sink, at)
    );
  if (!isBranch(value, root) || Array.isArray(value) !== node.array) return false;
  const { keys, kids } = node;
  if (node.array) {
    const list = value as unknown[];
    if (list.length !== keys.length) return false;
    for (let i = 0; i < list.length; i++) if (!fill(kids[i]!, list[i], sink, at, false)) return false;
    return true;
  }
  const object = value as Record<string, unknown>;
  let i = 0;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    if (keys[i] !== key || !fill(kids[i]!, object[key], sink, at, false)) return false;
    i++;
  }
  return i === keys.length;
}

function build(
  node: Node,
  numbers: Float64Array,
  leaves: readonly unknown[],
  at: { n: number; l: number },
): unknown {
  if (node === NUMBER) return numbers[at.n++];
  if (node === LEAF) return leaves[at.l++];
  if (node.prototype !== undefined) return node.revive(build(node.parts, numbers, leaves, at) as never);
  const { keys, kids } = node;
  if (node.array) {
    const list: unknown[] = [];
    for (let i = 0; i < kids.length; i++) list.push(build(kids[i]!, numbers, leaves, at));
    return list;
  }
  const object: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) object[keys[i]!] = build(kids[i]!, numbers, leaves, at);
  return object;
}
