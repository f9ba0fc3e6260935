import { z } from 'zod';
import { APART, shapeApart } from './shapeApart';

describe('shapeApart', () => {
  it('keeps the keys in their order, without the marker, on an object of its own class', () => {
    const shape = shapeApart({ [APART]: true, b: z.number(), a: z.number() });
    expect(Object.keys(shape)).toEqual(['b', 'a']);
    expect(Object.getOwnPropertySymbols(shape)).toEqual([]);
    expect(Object.getPrototypeOf(shape)).not.toBe(Object.prototype);
  });

  it('makes the schema a literal shape makes: the same output, keys in the same order', () => {
    const apart = z.object(shapeApart({ [APART]: true, b: z.number(), a: z.number().min(0) }));
    const literal = z.object({ b: z.number(), a: z.number().min(0) });
    const input = { a: 1.5, b: -2 };
    expect(Object.keys(apart.parse(input))).toEqual(['b', 'a']);
    expect(apart.parse(input)).toEqual(literal.parse(input));
    expect(apart.safeParse({ a: -1, b: 0 }).success).toBe(false);
  });
});
