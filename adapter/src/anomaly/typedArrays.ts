import { z } from 'zod';

/**
 * The detector's per-slot visit counts in typed arrays (one or two bytes a count, where an array of small
 * integers takes four), plain arrays of numbers in its JSON. Its per-slot values stay arrays of numbers:
 * a Float64Array holds them in as many bytes and costs about 140 more for its buffer.
 */
const counts = (max: number) => z.array(z.number().int().min(0).max(max));

export const uint8Array = z
  .union([z.instanceof(Uint8Array), counts(0xff)])
  .transform((v) => (v instanceof Uint8Array ? v : Uint8Array.from(v)));
export const uint16Array = z
  .union([z.instanceof(Uint16Array), counts(0xffff)])
  .transform((v) => (v instanceof Uint16Array ? v : Uint16Array.from(v)));

/** A JSON.stringify replacer writing typed arrays as plain arrays. */
export const typedArraysAsLists = (_key: string, value: unknown): unknown =>
  ArrayBuffer.isView(value) && !(value instanceof DataView)
    ? Array.from(value as unknown as ArrayLike<number>)
    : value;
