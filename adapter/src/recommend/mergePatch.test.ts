import { applyMergePatch, fieldsAt, sameJson } from './mergePatch';

describe('JSON merge patch (RFC 7386)', () => {
  it('merges objects key by key, deletes with null and replaces arrays whole', () => {
    // The examples of RFC 7386 appendix A that exercise each rule.
    expect(applyMergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(applyMergePatch([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
});

describe('the fields a patch sets, as they are', () => {
  const object = { spec: { replicas: 3, template: { spec: { containers: [{ name: 'app' }] } } }, status: {} };

  it('takes arrays and scalars whole and walks objects', () => {
    const patch = {
      spec: { replicas: 0, template: { spec: { containers: [{ name: 'app', image: 'x' }] } } },
    };
    expect(fieldsAt(object, patch)).toEqual({
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'app' }] } } },
    });
  });

  it('answers null at the highest level that is missing, so applying it deletes exactly what was added', () => {
    const patch = {
      spec: { template: { spec: { affinity: { nodeAffinity: { preferred: [1] } }, tolerations: [2] } } },
    };
    const before = fieldsAt(object, patch);
    expect(before).toEqual({ spec: { template: { spec: { affinity: null, tolerations: null } } } });
    const changed = applyMergePatch(object, patch);
    expect(applyMergePatch(changed, before)).toEqual(object);
  });

  it('compares JSON regardless of key order', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });
});
