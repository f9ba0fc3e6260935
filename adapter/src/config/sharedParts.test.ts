import { parse as parseYaml } from 'yaml';
import { parseConfigText } from './load';
import { configSchema } from './schema';
import { SharedParts } from './sharedParts';

// Issue 16: equal parts of a configuration's policies are one object, which no reader can tell from
// the copies they replace.

const policyYaml = (name: string, namespace: string, max = 5) => `  - name: ${name}
    namespace: ${namespace}
    target: { name: ${name} }
    demand: { query: 'sum(rate(x{svc="${name}"}[1m]))' }
    capacityPerReplica: 10
    replicas: { min: 1, max: ${max} }
    resources: { cpuCores: 1, memoryGiB: 1 }
    schedules:
      - name: office
        timeZone: Europe/Berlin
        days: [mon, tue]
        from: '08:00'
        to: '18:00'
        minReplicas: 2
`;
const file = (...policies: string[]) =>
  `prometheus:\n  default: { url: 'http://p:9090' }\npolicies:\n${policies.join('')}`;

describe('the loaded configuration', () => {
  const text = file(policyYaml('web', 'shop'), policyYaml('api', 'shop'), policyYaml('db', 'data', 9));

  it('shares every equal part of its policies, frozen', () => {
    const [web, api, db] = parseConfigText(text, 'c.yaml', {}).policies;
    expect(web!.replicas).toBe(api!.replicas);
    expect(web!.resources).toBe(db!.resources);
    expect(web!.schedules).toBe(db!.schedules);
    expect(web!.forecast).toBe(db!.forecast);
    expect(web!.overrides).toBe(db!.overrides);
    expect(Object.isFrozen(web!.replicas)).toBe(true);
    expect(Object.isFrozen(web!.schedules[0]!.days)).toBe(true);
    // Different values stay apart.
    expect(db!.replicas).not.toBe(web!.replicas);
    expect(db!.replicas).toEqual({ min: 1, max: 9 });
    expect(web!.target).not.toBe(api!.target);
  });

  it('is the configuration as parsed, key order and values included', () => {
    const loaded = parseConfigText(text, 'c.yaml', {});
    const unshared = configSchema.parse(parseYaml(text));
    expect(loaded.policies[0]!.replicas).not.toBe(unshared.policies[0]!.replicas);
    expect(JSON.stringify(loaded.policies)).toBe(JSON.stringify(unshared.policies));
    expect(loaded.policies).toEqual(unshared.policies);
  });

  it('refuses a write to a shared part instead of changing every policy that holds it', () => {
    const [web, api] = parseConfigText(text, 'c.yaml', {}).policies;
    expect(() => {
      (web!.replicas as { max: number }).max = 7;
    }).toThrow(TypeError);
    expect(api!.replicas.max).toBe(5);
  });
});

describe('SharedParts', () => {
  it('makes equal plain objects and arrays one object, nested parts first', () => {
    const parts = new SharedParts();
    const a = parts.of({ x: [1, 2], y: { z: 'q' } });
    const b = parts.of({ x: [1, 2], y: { z: 'q' } });
    const c = parts.of({ w: [1, 2] });
    expect(b).toBe(a);
    expect(c.w).toBe(a.x);
    expect(parts.of({ x: [1, 2], y: { z: 'r' } })).not.toBe(a);
  });

  it('tells apart what JSON would not: undefined from a missing key, -0 from 0, key order', () => {
    const parts = new SharedParts();
    const withUndefined = parts.of({ a: 1, b: undefined });
    expect(parts.of({ a: 1 })).not.toBe(withUndefined);
    expect('b' in parts.of({ a: 1, b: undefined })).toBe(true);
    const negative = parts.of({ v: -0 });
    expect(Object.is(parts.of({ v: 0 }).v, 0)).toBe(true);
    expect(parts.of({ v: 0 })).not.toBe(negative);
    expect(parts.of({ v: Number.NaN })).toBe(parts.of({ v: Number.NaN }));
    expect(parts.of({ v: null })).not.toBe(parts.of({ v: 'null' }));
    expect(parts.of({ v: 1 })).not.toBe(parts.of({ v: '1' }));
    const ab = parts.of({ a: 1, b: 2 });
    const ba = parts.of({ b: 2, a: 1 });
    expect(ba).not.toBe(ab);
    expect(Object.keys(ba)).toEqual(['b', 'a']);
  });

  it('leaves objects that are not plain, and what holds them, as they are', () => {
    const parts = new SharedParts();
    const at = new Date(0);
    const first = { at };
    const second = { at: new Date(0) };
    expect(parts.of(first)).toBe(first);
    expect(parts.of(second)).toBe(second);
    expect(Object.isFrozen(first)).toBe(false);
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(parts.of({ bare })).not.toBe(
      parts.of({ bare: Object.assign(Object.create(null) as object, { a: 1 }) }),
    );
    // Holes are not compared.
    // eslint-disable-next-line no-sparse-arrays
    const holey = [1, , 3];
    expect(parts.of(holey)).toBe(holey);
  });

  it('keeps an already frozen object whole when a part of it could not be replaced', () => {
    const parts = new SharedParts();
    const shared = parts.of({ list: ['a'] });
    const frozen = Object.freeze({ list: ['a'] });
    const out = parts.of(frozen);
    expect(out).toBe(frozen);
    expect(out).not.toBe(shared);
    expect(out.list).toEqual(['a']);
    // A frozen object whose parts are already the shared ones is shared as any other.
    expect(parts.of(Object.freeze({ list: shared.list }))).toBe(shared);
  });
});
