import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { basename, dirname, join, relative, resolve } from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import semver from 'semver';

// The checks of Grafana's plugin validator that run offline (specs/grafana-plugin.md §5), on the
// source and on the build in dist/ (run `npm run build -w grafana-plugin` first). The plugin.json
// schema is AGPL test data kept outside the repository; without it the schema checks are skipped
// with a note, everything else still runs.

const ROOT = resolve(__dirname, '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const SCHEMA = process.env.GRAFANA_PLUGIN_SCHEMA ?? resolve(ROOT, '..', '..', 'shared', 'grafana', 'plugin.schema.json');

interface PluginJson {
  id: string;
  type: string;
  name: string;
  info: {
    version: string;
    updated: string;
    description?: string;
    keywords: string[];
    logos: { small: string; large: string };
    screenshots?: Array<{ name: string; path: string }>;
  };
  includes?: Array<{ type: string; name?: string; path?: string }>;
  routes?: Array<{ path: string; method?: string; url?: string; headers?: Array<{ name: string; content: string }> }>;
  dependencies: { grafanaDependency: string };
}

function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === 'node_modules' ? [] : filesUnder(path, accept);
    }
    return accept(name) ? [path] : [];
  });
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const pluginJsons = (dir: string) => filesUnder(dir, (n) => n === 'plugin.json');
const packageJson = readJson<{ version: string; dependencies: Record<string, string> }>(join(ROOT, 'package.json'));

beforeAll(() => {
  if (!existsSync(join(DIST, 'plugin.json'))) {
    throw new Error('dist/ is missing: run `npm run build -w grafana-plugin` before these tests');
  }
});

const schemaPresent = existsSync(SCHEMA);
if (!schemaPresent) {
  console.warn(
    `plugin.json schema checks skipped: ${SCHEMA} is not present (it is test data outside the repository; set GRAFANA_PLUGIN_SCHEMA to its path)`
  );
}
(schemaPresent ? describe : describe.skip)('plugin.json against the Grafana plugin schema', () => {
  // Options the schema needs under ajv 8 (shared/grafana/README.md): it uses `additionalItems`
  // without tuple `items`, and patterns with `\-`, invalid under the /u flag.
  let validate: ValidateFunction;
  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  });

  it.each([...pluginJsons(SRC), ...(existsSync(DIST) ? pluginJsons(DIST) : [])].map((p) => [relative(ROOT, p), p]))(
    '%s is valid',
    (_name, path) => {
      const valid = validate(readJson(path));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  );
});

describe('plugin metadata', () => {
  const root = readJson<PluginJson>(join(SRC, 'plugin.json'));
  const nested = pluginJsons(SRC).filter((p) => p !== join(SRC, 'plugin.json'));

  it('has ids ending in their type, names that are not ids, and discoverable descriptions', () => {
    for (const path of pluginJsons(SRC)) {
      const p = readJson<PluginJson>(path);
      expect(p.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/);
      expect(p.id.split('-')).toHaveLength(3);
      expect(p.id.endsWith(`-${p.type}`)).toBe(true);
      expect(p.name).not.toBe(p.id);
      expect(p.info.description?.length).toBeGreaterThan(20);
      expect(p.info.keywords.length).toBeGreaterThan(0);
    }
    expect(root.id).toBe('costscale-autoscaling-app');
  });

  it('declares every nested plugin in the app includes with its exact path and type', () => {
    expect(nested.length).toBe(2);
    for (const path of nested) {
      const p = readJson<PluginJson>(path);
      const rel = relative(SRC, path).split('\\').join('/');
      expect(root.includes).toContainEqual(expect.objectContaining({ type: p.type, path: rel }));
    }
    for (const include of root.includes ?? []) {
      if (include.type === 'panel') {
        expect(existsSync(join(SRC, include.path!))).toBe(true);
      }
    }
  });

  it("bundles every dashboard of the repository's dashboards/ folder and declares it in includes", () => {
    const repoDashboards = readdirSync(join(ROOT, '..', 'dashboards')).filter((f) => f.endsWith('.json'));
    const declared = (root.includes ?? []).filter((i) => i.type === 'dashboard').map((i) => i.path);
    expect(declared.sort()).toEqual(repoDashboards.map((f) => `dashboards/${f}`).sort());
    for (const path of declared) {
      const built = readJson<{ uid?: string; schemaVersion?: number }>(join(DIST, path!));
      expect(built.uid).toMatch(/^costscale-/);
      expect(built.schemaVersion).toBe(42);
    }
  });

  it('depends on a Grafana range that the @grafana packages it builds against satisfy', () => {
    for (const path of pluginJsons(SRC)) {
      const range = readJson<PluginJson>(path).dependencies.grafanaDependency;
      expect(semver.validRange(range)).not.toBeNull();
      // The validator warns on ranges that pin one release or one minor.
      expect(semver.valid(range)).toBeNull();
      expect(range).not.toMatch(/^[~=]/);
      for (const pkg of ['@grafana/data', '@grafana/ui', '@grafana/runtime']) {
        const built = semver.minVersion(packageJson.dependencies[pkg]!)!;
        expect(semver.satisfies(built, range)).toBe(true);
        // Not older than the packages: their APIs would be missing in an older Grafana.
        expect(semver.gte(semver.minVersion(range)!, `${built.major}.${built.minor}.0`)).toBe(true);
      }
    }
  });

  it('routes every API method through the proxy with the key as a Bearer token', () => {
    const client = readFileSync(join(SRC, 'api', 'client.ts'), 'utf8');
    const methods = new Set([...client.matchAll(/method: '([A-Z]+)'/g)].map((m) => m[1]!));
    expect(methods.has('GET') && methods.has('POST')).toBe(true);
    for (const method of methods) {
      const route = root.routes?.find((r) => r.path === 'api/*' && (r.method === method || r.method === '*'));
      expect(route).toMatchObject({
        url: '{{ .JsonData.adapterUrl }}/api',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiKey }}' }],
      });
    }
    const constants = readFileSync(join(SRC, 'constants.ts'), 'utf8');
    expect(constants).toContain('/api/plugin-proxy/${PLUGIN_ID}/api/v1');
  });
});

describe('the build in dist/', () => {
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  it('has the logos and screenshots every plugin.json names, at relative paths', () => {
    for (const path of pluginJsons(DIST)) {
      const p = readJson<PluginJson>(path);
      const images = [p.info.logos.small, p.info.logos.large, ...(p.info.screenshots ?? []).map((s) => s.path)];
      for (const image of images) {
        expect(image).not.toMatch(/^[./]/);
        expect(existsSync(join(dirname(path), image))).toBe(true);
      }
      for (const shot of p.info.screenshots ?? []) {
        expect(shot.path).toMatch(/\.png$/);
        expect(readFileSync(join(dirname(path), shot.path)).subarray(0, 8).equals(PNG)).toBe(true);
      }
    }
    expect(readJson<PluginJson>(join(DIST, 'plugin.json')).info.screenshots?.length).toBeGreaterThan(0);
  });

  it('has module.js.map beside every module.js, mapping back to its module.tsx in src/', () => {
    const modules = filesUnder(DIST, (n) => n === 'module.js');
    expect(modules.map((m) => relative(DIST, m).split('\\').join('/')).sort()).toEqual([
      'module.js',
      'panels/budget-burndown/module.js',
      'panels/forecast-band/module.js',
    ]);
    for (const module of modules) {
      const map = readJson<{ sources: string[] }>(`${module}.map`);
      // webpack names sources relative to its context, src/.
      const source = relative(DIST, module).replace(/\.js$/, '.tsx').split('\\').join('/');
      expect(map.sources).toContain(`webpack://costscale-autoscaling-app/./${source}`);
      expect(existsSync(join(SRC, source))).toBe(true);
    }
  });

  it('substitutes the build placeholders and matches the package version', () => {
    for (const path of pluginJsons(DIST)) {
      const text = readFileSync(path, 'utf8');
      expect(text).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
      const p = JSON.parse(text) as PluginJson;
      expect(p.info.version).toBe(packageJson.version);
      expect(p.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('ships a README that is not the template, a CHANGELOG and the Apache-2.0 LICENSE', () => {
    const readme = readFileSync(join(DIST, 'README.md'), 'utf8');
    expect(readme.length).toBeGreaterThan(500);
    expect(readme).not.toMatch(/Grafana (Panel|Data Source|Datasource|App|Data Source Backend) Plugin Template/i);
    expect(readme).not.toMatch(/<!--/);
    expect(readme).not.toMatch(/\byarn\b|\bnodejs\b/i);
    expect(readFileSync(join(DIST, 'CHANGELOG.md'), 'utf8')).toMatch(/^# Changelog/);
    const license = readFileSync(join(DIST, 'LICENSE'), 'utf8');
    expect(license).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(license).not.toMatch(/\{yyyy\}|\{name of copyright owner\}/);
  });

  it('has only safe SVGs and no copy of the plugin schema', () => {
    for (const svg of [...filesUnder(SRC, (n) => n.endsWith('.svg')), ...filesUnder(DIST, (n) => n.endsWith('.svg'))]) {
      const text = readFileSync(svg, 'utf8');
      expect(text).not.toMatch(/<(script|foreignObject|iframe|embed|object)\b/i);
      expect(text).not.toMatch(/\son[a-z]+\s*=/i);
    }
    expect(filesUnder(ROOT, (n) => n === basename(SCHEMA))).toEqual([]);
  });
});
