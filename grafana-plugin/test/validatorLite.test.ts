import { createHash } from 'crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { basename, dirname, join, relative, resolve } from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import semver from 'semver';

// The checks of Grafana's plugin validator that run offline (specs/grafana-plugin.md §5), on the
// source and on the build in dist/ (run `npm run build -w grafana-plugin` first): the rules of the
// project's spec (specs/grafana-plugin.md §2) restated as our own schema, and Grafana's own plugin.json
// schema, an unmodified AGPL copy kept as test data (fixtures/grafana/README.md).

const ROOT = resolve(__dirname, '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const SCHEMA_COPY = join(__dirname, 'fixtures', 'grafana', 'plugin.schema.json');
const SCHEMA = process.env.GRAFANA_PLUGIN_SCHEMA ?? SCHEMA_COPY;
const SCHEMA_COPY_SHA256 = '06c15dbb5247775f9fa185608f607759252ec51c62aa5f49d0d3217c027d7429';

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
  routes?: Array<{
    path: string;
    method?: string;
    url?: string;
    headers?: Array<{ name: string; content: string }>;
  }>;
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
const packageJson = readJson<{ version: string; dependencies: Record<string, string> }>(
  join(ROOT, 'package.json'),
);

beforeAll(() => {
  if (!existsSync(join(DIST, 'plugin.json'))) {
    throw new Error('dist/ is missing: run `npm run build -w grafana-plugin` before these tests');
  }
});

// Restated from specs/grafana-plugin.md §2 (itself from Grafana's plugin.json reference): required
// fields, closed objects, the id and type rules, version and date placeholders, include and route keys.
const TOP_LEVEL_KEYS = [
  '$schema',
  'alerting',
  'annotations',
  'autoEnabled',
  'backend',
  'buildMode',
  'builtIn',
  'category',
  'dependencies',
  'docsPath',
  'enterpriseFeatures',
  'executable',
  'extensions',
  'hideFromList',
  'iam',
  'id',
  'includes',
  'info',
  'languages',
  'logs',
  'metrics',
  'mixed',
  'multiValueFilterOperators',
  'name',
  'pascalName',
  'preload',
  'queryOptions',
  'roles',
  'routes',
  'skipDataQuery',
  'state',
  'streaming',
  'suggestions',
  'tracing',
  'type',
];
const closed = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const text = { type: 'string' };
const SPEC_SCHEMA = {
  ...closed(Object.fromEntries(TOP_LEVEL_KEYS.map((k) => [k, {}])), [
    'type',
    'name',
    'id',
    'info',
    'dependencies',
  ]),
  properties: {
    ...Object.fromEntries(TOP_LEVEL_KEYS.map((k) => [k, {}])),
    id: { type: 'string', pattern: '^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$' },
    type: { enum: ['app', 'datasource', 'panel', 'renderer'] },
    name: text,
    info: closed(
      {
        author: closed({ name: text, email: text, url: text }),
        build: { type: 'object' },
        description: text,
        keywords: { type: 'array', items: text, minItems: 1 },
        links: { type: 'array', items: closed({ name: text, url: text }) },
        logos: closed({ small: text, large: text }, ['small', 'large']),
        screenshots: { type: 'array', items: closed({ name: text, path: text }) },
        updated: { type: 'string', pattern: '^(%TODAY%|\\d{4}-\\d{2}-\\d{2})$' },
        version: { type: 'string', pattern: '^(%VERSION%|\\d+\\.\\d+\\.\\d+.*)$' },
      },
      ['logos', 'version', 'updated', 'keywords'],
    ),
    dependencies: closed(
      {
        grafanaVersion: text,
        grafanaDependency: text,
        plugins: { type: 'array' },
        extensions: { type: 'object' },
      },
      ['grafanaDependency'],
    ),
    includes: {
      type: 'array',
      items: closed(
        {
          type: { enum: ['dashboard', 'page', 'panel', 'datasource'] },
          ...Object.fromEntries(
            ['uid', 'name', 'component', 'role', 'action', 'path', 'icon'].map((k) => [k, text] as const),
          ),
          addToNav: { type: 'boolean' },
          defaultNav: { type: 'boolean' },
        },
        ['type'],
      ),
    },
    routes: {
      type: 'array',
      items: closed(
        {
          path: text,
          method: text,
          url: text,
          reqSignedIn: { type: 'boolean' },
          reqRole: text,
          reqAction: text,
          headers: { type: 'array', items: closed({ name: text, content: text }, ['name', 'content']) },
          body: { type: 'object' },
          tokenAuth: { type: 'object' },
          jwtTokenAuth: { type: 'object' },
          urlParams: { type: 'array' },
        },
        ['path'],
      ),
    },
  },
};

describe('plugin.json against the rules of specs/grafana-plugin.md §2 (runs without Grafana’s schema)', () => {
  const validate = new Ajv({ strict: true, allErrors: true }).compile(SPEC_SCHEMA);
  const files = [...pluginJsons(SRC), ...(existsSync(DIST) ? pluginJsons(DIST) : [])];

  it.each(files.map((p) => [relative(ROOT, p), p]))('%s is valid', (_name, path) => {
    const json = readJson<PluginJson>(path);
    validate(json);
    expect(validate.errors ?? []).toEqual([]);
    expect(semver.validRange(json.dependencies.grafanaDependency)).not.toBeNull();
  });

  it('rejects what the spec forbids: an unknown field, a missing keyword, a bad id, an unknown include type', () => {
    const root = readJson<PluginJson & Record<string, unknown>>(join(SRC, 'plugin.json'));
    for (const broken of [
      { ...root, colour: 'blue' },
      { ...root, info: { ...root.info, keywords: [] } },
      { ...root, id: 'Costscale_App' },
      { ...root, includes: [{ type: 'widget' }] },
      { ...root, info: { ...root.info, logos: { small: 'img/logo.svg' } } },
    ]) {
      expect(validate(broken)).toBe(false);
    }
  });
});

describe('plugin.json against the Grafana plugin schema', () => {
  // Options the schema needs under ajv 8: it uses `additionalItems`
  // without tuple `items`, and patterns with `\-`, invalid under the /u flag.
  let validate: ValidateFunction;
  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  });

  it('keeps the copy of the schema unmodified, as its licence asks', () => {
    expect(createHash('sha256').update(readFileSync(SCHEMA_COPY)).digest('hex')).toBe(SCHEMA_COPY_SHA256);
  });

  it.each(
    [...pluginJsons(SRC), ...(existsSync(DIST) ? pluginJsons(DIST) : [])].map((p) => [relative(ROOT, p), p]),
  )('%s is valid', (_name, path) => {
    const valid = validate(readJson(path));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });
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
      const images = [
        p.info.logos.small,
        p.info.logos.large,
        ...(p.info.screenshots ?? []).map((s) => s.path),
      ];
      for (const image of images) {
        expect(image).not.toMatch(/^[./]/);
        expect(existsSync(join(dirname(path), image))).toBe(true);
      }
      for (const shot of p.info.screenshots ?? []) {
        expect(shot.path).toMatch(/\.png$/);
        expect(
          readFileSync(join(dirname(path), shot.path))
            .subarray(0, 8)
            .equals(PNG),
        ).toBe(true);
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
    expect(readme).not.toMatch(
      /Grafana (Panel|Data Source|Datasource|App|Data Source Backend) Plugin Template/i,
    );
    expect(readme).not.toMatch(/<!--/);
    expect(readme).not.toMatch(/\byarn\b|\bnodejs\b/i);
    expect(readFileSync(join(DIST, 'CHANGELOG.md'), 'utf8')).toMatch(/^# Changelog/);
    const license = readFileSync(join(DIST, 'LICENSE'), 'utf8');
    expect(license).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(license).not.toMatch(/\{yyyy\}|\{name of copyright owner\}/);
  });

  it('has only safe SVGs and no copy of the plugin schema', () => {
    for (const svg of [
      ...filesUnder(SRC, (n) => n.endsWith('.svg')),
      ...filesUnder(DIST, (n) => n.endsWith('.svg')),
    ]) {
      const text = readFileSync(svg, 'utf8');
      expect(text).not.toMatch(/<(script|foreignObject|iframe|embed|object)\b/i);
      expect(text).not.toMatch(/\son[a-z]+\s*=/i);
    }
    // The AGPL schema is test data only: neither the source nor the build may carry it.
    const isSchema = (n: string) => n === basename(SCHEMA_COPY);
    expect([...filesUnder(SRC, isSchema), ...filesUnder(DIST, isSchema)]).toEqual([]);
  });
});
