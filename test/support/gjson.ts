import { JSONPath } from 'jsonpath-plus';

// KEDA's metrics-api scaler reads `valueLocation` with tidwall/gjson (Go). No maintained GJSON
// implementation exists for Node (the npm package named `gjson` is an unrelated GraphQL-like tool), so
// this client translates the paths KEDA users write — keys separated by `.`, `\` escaping a literal
// `.`, numbers indexing arrays — into JSONPath and evaluates them with jsonpath-plus. GJSON's
// wildcards (`*`, `?`), `#` queries, modifiers (`@`) and `|` pipes are not translated: such a path is
// rejected here rather than evaluated differently.

const UNSUPPORTED = /(^|[^\\])[*?#@|!]/;

/** The value at a GJSON path, or undefined when nothing is there (gjson's `Exists() == false`). */
export function gjsonGet(json: unknown, path: string): unknown {
  if (UNSUPPORTED.test(path))
    throw new Error(`GJSON path ${path} uses syntax this client does not translate`);
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && i + 1 < path.length) current += path[++i];
    else if (c === '.') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return JSONPath({ path: JSONPath.toPathString(['$', ...parts]), json: json as object, wrap: false });
}

/**
 * The number KEDA takes from a value (metrics_api_scaler.go GetValueFromResponse): a JSON number as
 * is, a string parsed as a Kubernetes Quantity (plain decimals and the `m` suffix here).
 */
export function kedaValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const milli = /^(-?[0-9.]+)m$/.exec(value);
    const n = milli !== null ? Number(milli[1]) / 1000 : Number(value);
    if (Number.isFinite(n)) return n;
  }
  throw new Error(`value ${JSON.stringify(value)} is neither a number nor a quantity`);
}
