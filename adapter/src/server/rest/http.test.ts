import { etagOf, ifNoneMatchHits } from './http';

describe('ETags', () => {
  test('strong tags from the body: equal bodies, equal tags', () => {
    expect(etagOf('{"a":1}')).toBe(etagOf('{"a":1}'));
    expect(etagOf('{"a":1}')).not.toBe(etagOf('{"a":2}'));
    expect(etagOf('x')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  test('If-None-Match: any listed tag, weak or strong, or *', () => {
    const tag = etagOf('x');
    expect(ifNoneMatchHits(undefined, tag)).toBe(false);
    expect(ifNoneMatchHits('*', tag)).toBe(true);
    expect(ifNoneMatchHits(`"a", W/${tag}`, tag)).toBe(true);
    expect(ifNoneMatchHits(`"a",${tag}`, tag)).toBe(true);
    expect(ifNoneMatchHits('"a", "b"', tag)).toBe(false);
    expect(ifNoneMatchHits('', tag)).toBe(false);
  });
});
