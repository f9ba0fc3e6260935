// JSON merge patches (RFC 7386) and their inverses. A change is recorded as two merge patches over
// the same fields — `after`, what was written, and `before`, what those fields held — so applying
// `before` restores exactly the prior object fields: a field that was absent is null in `before`
// (merge-patch null deletes), at the highest level that was missing.

type JsonObject = Record<string, unknown>;

export const isJsonObject = (v: unknown): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386 §2: objects merge key by key, null deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  const out: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

/**
 * What `object` holds at the fields `patch` sets, as a merge patch. Objects in the patch are walked
 * where the object has an object too; arrays and scalars are taken whole.
 */
export function fieldsAt(object: unknown, patch: unknown): unknown {
  if (object === undefined || object === null) return null;
  if (!isJsonObject(patch) || !isJsonObject(object)) return object;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(patch)) out[key] = fieldsAt(object[key], value);
  return out;
}

/** Deep equality of JSON values, ignoring key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
}
