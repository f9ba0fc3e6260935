import { z } from 'zod';

/**
 * The detector's per-slot visit counts in typed arrays (one or two bytes a count, where an array of small
 * integers takes four), plain arrays of numbers in its JSON; so are its slots' spreads and the last day's
 * values, in four-byte floats (a spread needs no more: the scores of the 31 NAB files move by at most
 * 1.3e-8; the last day's values enter their running sum as stored, so the sum stays theirs, and scores
 * move by at most 7.6e-7). So are the profile and the weekly expectation (state version 10, issue 16): each
 * is held against a value within the series' range (the last day's mean, the series' first value), so it
 * is at most the range and a four-byte float holds it within 2^-24 of the range, where every spread the
 * detector divides by is at least 1e-3 of it (the scores of the 31 NAB files move by at most 3.6e-8).
 */
const counts = (max: number) => z.array(z.number().int().min(0).max(max));

export const uint8Array = z
  .union([z.instanceof(Uint8Array), counts(0xff)])
  .transform((v) => (v instanceof Uint8Array ? v : Uint8Array.from(v)));
export const float32Array = z
  .union([z.instanceof(Float32Array), z.array(z.number().min(0))])
  .transform((v) => (v instanceof Float32Array ? v : Float32Array.from(v)));
export const signedFloat32Array = z
  .union([z.instanceof(Float32Array), z.array(z.number())])
  .transform((v) => (v instanceof Float32Array ? v : Float32Array.from(v)));
export const uint16Array = z
  .union([z.instanceof(Uint16Array), counts(0xffff)])
  .transform((v) => (v instanceof Uint16Array ? v : Uint16Array.from(v)));

/** A JSON.stringify replacer writing typed arrays as plain arrays. */
export const typedArraysAsLists = (_key: string, value: unknown): unknown =>
  ArrayBuffer.isView(value) && !(value instanceof DataView)
    ? Array.from(value as unknown as ArrayLike<number>)
    : value;
