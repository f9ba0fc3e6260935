import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, parseDocument, LineCounter } from 'yaml';
import type { z } from 'zod';
import { resolveKedaPaths } from './kedaSettings';
import { policyLimitProblem } from './limits';
import { configSchema, type Config } from './schema';
import { withSharedPolicyParts } from './sharedParts';

/** One problem in a configuration file: where it is and what is wrong. */
export interface ConfigProblem {
  file: string;
  /** Path inside the document, e.g. `policies[2].replicas.max`; empty for the whole file. */
  path: string;
  message: string;
  /** 1-based line of the offending node, when the YAML parser can tell. */
  line?: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

export interface LoadedConfig {
  file: string;
  config: Config;
}

/** Reads, substitutes environment references, validates; throws ConfigError with every problem found. */
export function loadConfigFile(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  heapLimitBytes = getHeapStatistics().heap_size_limit,
): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  return { file, config: parseConfigText(text, file, env, heapLimitBytes) };
}

/**
 * `${NAME}` and `${NAME:-default}` inside string values are replaced from the environment, so secrets
 * need not live in the file. Substitution happens after YAML parsing: a value can never inject structure.
 */
const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** `heapLimitBytes`: this process's heap limit, which bounds the policies it can hold. */
export function parseConfigText(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  heapLimitBytes = getHeapStatistics().heap_size_limit,
): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        file,
        path: '',
        message: e.message.split('\n')[0] ?? e.message,
        line: e.linePos?.[0]?.line,
      })),
    );
  }
  const problems: ConfigProblem[] = [];
  const js: unknown = doc.toJS();
  const empty = js === null || js === undefined;
  const raw = substituteEnv(js ?? {}, [], env, (path, message) =>
    problems.push({ file, path: formatPath(path), message }),
  );
  const result = configSchema.safeParse(raw);
  if (!result.success) problems.push(...zodProblems(result.error, file, (p) => lineOf(doc, lineCounter, p)));
  if (problems.length === 0 && result.data?.allowEmpty === false && result.data.policies.length === 0) {
    // A truncate-then-write edit or a broken ConfigMap render yields an empty file; applying it would
    // drop every policy and turn every HPA read into a 404.
    const fix = 'set allowEmpty: true to run without policies in the file';
    problems.push(
      empty
        ? { file, path: '', message: `the file is empty; ${fix}` }
        : {
            file,
            path: 'policies',
            message: `no policies; ${fix}`,
            line: lineOf(doc, lineCounter, ['policies']),
          },
    );
  }
  const overLimit = problems.length === 0 ? policyLimitProblem(result.data!, heapLimitBytes) : undefined;
  if (overLimit !== undefined)
    problems.push({
      file,
      path: 'policies',
      message: overLimit,
      line: lineOf(doc, lineCounter, ['policies']),
    });
  if (problems.length > 0) throw new ConfigError(problems);
  return withSharedPolicyParts(resolvePaths(result.data as Config, dirname(resolve(file))));
}

export function zodProblems(
  error: z.ZodError,
  file: string,
  line: (path: PropertyKey[]) => number | undefined = () => undefined,
): ConfigProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path as PropertyKey[];
    const message =
      issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
    return { file, path: formatPath(path), message, line: line(path) };
  });
}

function lineOf(
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
  path: PropertyKey[],
): number | undefined {
  // Walk up to the deepest existing node: a missing field is reported at its parent's line.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as
      { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

function substituteEnv(
  value: unknown,
  path: PropertyKey[],
  env: NodeJS.ProcessEnv,
  report: (path: PropertyKey[], message: string) => void,
): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{[^}]+\}$/.test(value);
    const text = value.replace(ENV_REF, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined) return v;
      if (fallback !== undefined) return fallback;
      report(path, `environment variable ${name} is not set`);
      return '';
    });
    // `port: ${PORT}` must still be a number: a value that is exactly one reference takes the
    // scalar type its text has in YAML (number or boolean), never structure.
    if (whole && /^[-+.\w]+$/.test(text)) {
      const scalar: unknown = parseYaml(text);
      if (typeof scalar === 'number' || typeof scalar === 'boolean') return scalar;
    }
    return text;
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, [...path, i], env, report));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, [...path, k], env, report)]),
    );
  }
  return value;
}

/** File paths in the config are relative to the config file's folder. */
function resolvePaths(config: Config, base: string): Config {
  const abs = (p: string | undefined): string | undefined =>
    p === undefined || isAbsolute(p) ? p : resolve(base, p);
  const tls = config.server.tls;
  const auth = config.server.auth;
  return {
    ...config,
    database: {
      ...config.database,
      dataDir: abs(config.database.dataDir) as string,
      spoolFile: abs(config.database.spoolFile) as string,
    },
    server: {
      ...config.server,
      tls: { ...tls, certFile: abs(tls.certFile), keyFile: abs(tls.keyFile) },
      keda: resolveKedaPaths(config.server.keda, (p) => abs(p) as string),
      auth: {
        ...auth,
        clientCAFile: abs(auth.clientCAFile),
        kubeconfig: abs(auth.kubeconfig),
        requestHeader: auth.requestHeader && {
          ...auth.requestHeader,
          clientCAFile: abs(auth.requestHeader.clientCAFile),
        },
      },
      forward: config.server.forward.map((f) => ({
        ...f,
        tls: {
          ...f.tls,
          caFile: abs(f.tls.caFile),
          certFile: abs(f.tls.certFile),
          keyFile: abs(f.tls.keyFile),
        },
      })),
    },
    prometheus: Object.fromEntries(
      Object.entries(config.prometheus).map(([name, b]) => [
        name,
        {
          ...b,
          auth:
            b.auth && 'bearerTokenFile' in b.auth
              ? { bearerTokenFile: abs(b.auth.bearerTokenFile) as string }
              : b.auth,
          tls: b.tls && {
            ...b.tls,
            caFile: abs(b.tls.caFile),
            certFile: abs(b.tls.certFile),
            keyFile: abs(b.tls.keyFile),
          },
        },
      ]),
    ),
  };
}
