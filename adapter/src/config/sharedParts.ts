import type { Config } from './schema';

// The parts of a configuration's policies that are equal are one object (issue 16). A parsed policy is
// about twenty objects and strings of its own, most of them the same for every policy (the defaults'
// empty lists, the forecast settings, a namespace's name from every line that names it): 0.9 KiB a
// policy loaded from YAML, 88 MiB at 100,000 policies, against 0.35 KiB with the parts shared. Equal
// plain objects and arrays become one frozen object and equal strings one string: no reader can tell,
// since the configuration is never written once loaded (frozen, a write would throw instead of changing
// every policy that shares the part).

/**
 * The configuration with every policy's parts shared where equal. The policies are the loader's own (a
 * fresh parse): each policy object keeps its identity and gets its fields replaced in place.
 */
export function withSharedPolicyParts(config: Config): Config {
  const parts = new SharedParts();
  for (const policy of config.policies) {
    const fields = policy as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields)) fields[key] = parts.of(fields[key]);
  }
  return config;
}

/** Equal values as one: plain objects and arrays compared by their contents, strings by their text. */
export class SharedParts {
  /** Each shared object by the key of its contents. */
  private readonly byContents = new Map<string, object>();
  /** Each shared object's short name within the keys of the objects that hold it. */
  private readonly ids = new Map<object, number>();
  private readonly strings = new Map<string, string>();

  /**
   * The shared value equal to `value`: the first one seen, frozen. Objects that are not plain (class
   * instances, dates, maps, objects without a prototype) and everything that holds one are left as they
   * are, since their contents are not just their own enumerable properties.
   */
  of<T>(value: T): T {
    return this.share(value) as T;
  }

  private share(value: unknown): unknown {
    if (typeof value === 'string') {
      const known = this.strings.get(value);
      if (known !== undefined) return known;
      this.strings.set(value, value);
      return value;
    }
    if (value === null || typeof value !== 'object' || !plain(value)) return value;
    const fields = value as Record<string, unknown>;
    const keys = Object.keys(fields);
    // An array's holes and extra properties would not survive the comparison: left as they are.
    if (Array.isArray(value) && keys.length !== value.length) return value;
    let contents = Array.isArray(value) ? '[' : '{';
    const writable = !Object.isFrozen(value);
    for (const key of keys) {
      const held = fields[key];
      const child = this.share(held);
      // A string's copy is replaced too (equal strings are ===, so compare by kind, not identity).
      if (writable && (child !== held || typeof child === 'string')) fields[key] = child;
      const part = this.keyOf(writable ? child : held);
      if (part === undefined) return value;
      contents += `${JSON.stringify(key)}:${part},`;
    }
    const known = this.byContents.get(contents);
    if (known !== undefined) return known;
    Object.freeze(value);
    this.byContents.set(contents, value);
    this.ids.set(value, this.ids.size);
    return value;
  }

  /** A child's place in its holder's key; undefined for what cannot be compared. */
  private keyOf(v: unknown): string | undefined {
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
        // -0 and 0 are different inputs (1 / x); NaN and the infinities are not JSON.
        return Object.is(v, -0) ? 'n-0' : `n${v}`;
      case 'boolean':
        return v ? 't' : 'f';
      case 'undefined':
        // A key holding undefined is not a missing key (`'k' in o`, Object.keys).
        return 'u';
      case 'bigint':
        return `i${v}`;
      case 'object': {
        if (v === null) return 'z';
        const id = this.ids.get(v);
        return id === undefined ? undefined : `#${id}`;
      }
      default:
        return undefined;
    }
  }
}

function plain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype;
}
