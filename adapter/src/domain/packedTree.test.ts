import {
  PARTS,
  TreeShapes,
  type Packable,
  type TreePlace,
  type TreeShape,
  type TreeSink,
} from './packedTree';

/** A sink that grows as TreeShapes asks, trees one after the other. */
class Sink implements TreeSink, TreePlace {
  numbers = new Float64Array(4);
  leaves: unknown[] = [];
  n = 0;
  l = 0;

  constructor(private readonly shapes = new TreeShapes()) {}

  pack(value: unknown): () => unknown {
    const shape = this.shapes.pack(value, this);
    const { n, l } = this;
    this.n += shape.numbers;
    this.l += shape.leaves;
    return () => shape.unpack(this.numbers, n, this.leaves, l);
  }

  reserve(shape: TreeShape): TreePlace {
    if (this.n + shape.numbers > this.numbers.length) {
      const grown = new Float64Array(2 * (this.n + shape.numbers));
      grown.set(this.numbers);
      this.numbers = grown;
    }
    return this;
  }
}

class Note {
  constructor(readonly text: string) {}
}

/** A class packed as its parts: a note and the numbers it renders. */
class Scaled implements Packable {
  constructor(
    readonly by: number,
    readonly of: Note | undefined,
  ) {}

  [PARTS](): ConstructorParameters<typeof Scaled> {
    return [this.by, this.of];
  }

  static fromParts(parts: ConstructorParameters<typeof Scaled>): Scaled {
    return new Scaled(...parts);
  }
}

describe('TreeShapes', () => {
  it('gives back each tree as it was: keys in order, numbers to the bit, other leaves by identity', () => {
    const shared = Object.freeze({ source: 'kube-state-metrics' });
    const note = new Note('reactive');
    const sink = new Sink();
    const trees = Array.from({ length: 200 }, (_, i) => ({
      policy: `web-${i}`,
      at: 1.7e12 + i * 15_000,
      demand: i % 4 === 0 ? undefined : i * 1.1,
      ...(i % 3 === 0 && { demandLag: { measured: -0, earlier: NaN, lagSeconds: i } }),
      budget: i % 5 === 0 ? undefined : { name: 'b', remaining: 1 / (i + 1), hoursLeft: Infinity },
      anomalies: Array.from({ length: i % 3 }, (_, k) => ({ signal: 'demand', since: k, peak: null })),
      flag: i % 2 === 0,
      provenance: { demand: { source: 'q', observedAt: i }, replicas: shared, distribution: note },
      schedules: Object.freeze([{ cron: '* * * * *', min: 3 }]),
    }));
    const packed = trees.map((t) => sink.pack(t));
    packed.forEach((unpack, i) => {
      const tree = trees[i]!;
      const back = unpack() as typeof tree;
      expect(back).toEqual(tree);
      expect(JSON.stringify(back)).toBe(JSON.stringify(tree));
      expect(Object.keys(back)).toEqual(Object.keys(tree));
      expect('demand' in back).toBe(true);
      if (tree.demandLag) expect(Object.is(back.demandLag!.measured, -0)).toBe(true);
      expect(back.provenance.replicas).toBe(shared);
      expect(back.provenance.distribution).toBe(note);
      expect(back.schedules).toBe(tree.schedules);
      // A new literal each read: what reads it may not change what is kept.
      expect(unpack()).not.toBe(back);
    });
    // Numbers in the columns, the rest one slot a leaf: no object of a tree's own.
    expect(
      sink.leaves.every((v) => v === undefined || typeof v !== 'object' || Object.isFrozen(v) || v === note),
    ).toBe(true);
  });

  it('tells apart trees of the same keys holding different kinds, and an own __proto__ key', () => {
    const sink = new Sink();
    const trees: unknown[] = [
      { a: 1, b: { c: 2 } },
      { a: '1', b: { c: 2 } },
      { a: 1, b: [2] },
      { a: 1, b: { c: 2, d: 3 } },
      { b: { c: 2 }, a: 1 },
      { a: 1, b: null },
      JSON.parse('{"a": 1, "__proto__": {"c": 2}}'),
      [1, 'x', [2]],
    ];
    const packed = trees.map((t) => sink.pack(t));
    packed.forEach((unpack, i) => {
      const back = unpack();
      expect(back).toEqual(trees[i]);
      expect(JSON.stringify(back)).toBe(JSON.stringify(trees[i]));
      expect(Object.getPrototypeOf(back)).toBe(Object.getPrototypeOf(trees[i]));
    });
  });

  it('packs a Packable as its parts and makes it again of its class; another class by reference', () => {
    const sink = new Sink();
    const note = new Note('n');
    const trees = [{ p: new Scaled(1.5, note) }, { p: new Scaled(-0, undefined) }, { p: note }];
    const packed = trees.map((t) => sink.pack(t));
    packed.forEach((unpack, i) => {
      const back = unpack() as { p: unknown };
      expect(back.p).toBeInstanceOf(trees[i]!.p.constructor);
      expect(back.p).toEqual(trees[i]!.p);
    });
    expect((packed[0]!() as { p: Scaled }).p.of).toBe(note);
    expect(Object.is((packed[1]!() as { p: Scaled }).p.by, -0)).toBe(true);
    // The instances are not kept: their numbers and note are.
    expect(sink.leaves.filter((v) => v instanceof Scaled)).toEqual([]);
  });

  it('packs trees of one shape with the same shape, whatever came between', () => {
    const shapes = new TreeShapes();
    const place = { numbers: new Float64Array(16), n: 0, leaves: [] as unknown[], l: 0 };
    const sink = { reserve: () => place };
    const first = shapes.pack({ a: 1, b: 'x' }, sink);
    shapes.pack({ a: 'y' }, sink);
    expect(shapes.pack({ a: 2, b: 'z' }, sink)).toBe(first);
  });
});
