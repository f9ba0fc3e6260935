/**
 * A zod object's shape kept off the hidden classes (V8's maps) of the states it describes. V8 shares one
 * map between object literals of the same keys in the same order, and holds a field as the least general
 * kind of value any of them stored there. A shape written as a plain literal of a state's keys shared the
 * state's maps, and since its values are schemas, V8 held every number of a detector made by
 * `createDetector` as a tagged pointer: each store of a fraction allocated a box for it, about 350 of the
 * 850 bytes the detector allocated a sample (issue 16). A shape written `{ [APART]: true, ...keys }` starts
 * from another key, so its maps are its own; this copies its keys, in their order, onto an instance of a
 * class of its own (zod clones the shape with its prototype), and the states' numbers are held as doubles
 * updated in place.
 */
export const APART = Symbol('a schema shape apart from its states');

class ShapeApart {}

type Apart<T> = { [K in keyof T as K extends typeof APART ? never : K]: T[K] };

export function shapeApart<T extends { [APART]: true }>(shape: T): Apart<T> {
  const apart = new ShapeApart() as Record<string, unknown>;
  for (const key of Object.keys(shape)) apart[key] = shape[key as keyof T];
  return apart as Apart<T>;
}
