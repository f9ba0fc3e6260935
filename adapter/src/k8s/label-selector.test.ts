import fc from 'fast-check';
import { parseLabelSelector } from './label-selector';

describe('§6.2 verified parse table (labels {env: prod, queue: orders, tier: backend})', () => {
  const labels = { env: 'prod', queue: 'orders', tier: 'backend' };
  test.each([
    ['', '', true],
    ['env=prod', 'env=prod', true],
    ['env==prod', 'env==prod', true],
    ['env!=prod', 'env!=prod', false],
    ['env=dev', 'env=dev', false],
    ['env in (prod,staging)', 'env in (prod,staging)', true],
    ['env in (staging, prod)', 'env in (prod,staging)', true],
    ['env notin (prod)', 'env notin (prod)', false],
    ['env notin (dev)', 'env notin (dev)', true],
    ['queue', 'queue', true],
    ['!queue', '!queue', false],
    ['missing', 'missing', false],
    ['!missing', '!missing', true],
    ['env=prod, queue=orders', 'env=prod,queue=orders', true],
    ['env = prod', 'env=prod', true],
    ['env in (prod),tier!=frontend', 'env in (prod),tier!=frontend', true],
    ['zeta=1,alpha=2', 'alpha=2,zeta=1', false],
    ['env in (b,a,c)', 'env in (a,b,c)', false],
    ['key notin (z,y)', 'key notin (y,z)', true],
    ['env=', 'env=', false],
    ['env in ()', 'env in ()', false],
    ['x>1', 'x>1', false],
    ['x<5', 'x<5', false],
    ['example.com/region=us-east-1', 'example.com/region=us-east-1', false],
    ['env=prod,env=prod', 'env=prod,env=prod', true],
    [' env ', 'env', true],
  ])('%p prints %p and matches: %p', (input, printed, matches) => {
    const selector = parseLabelSelector(input);
    expect(selector.toString()).toBe(printed);
    expect(selector.matches(labels)).toBe(matches);
  });
});

describe('§6.2 extra semantics (labels {env: prod, n: "5", empty: ""})', () => {
  const labels = { env: 'prod', n: '5', empty: '' };
  test.each([
    ['missing!=x', true],
    ['missing notin (x)', true],
    ['missing in (x)', false],
    ['n>3', true],
    ['n<3', false],
    ['n<6', true],
    ['env>1', false],
    ['empty=', true],
    ['empty', true],
    ['!empty', false],
    ['empty in ()', true],
    ['ENV=prod', false],
    ['env=PROD', false],
  ])('%p matches: %p', (input, matches) => {
    expect(parseLabelSelector(input).matches(labels)).toBe(matches);
  });

  test('empty slots in a value set are the empty value', () => {
    expect(parseLabelSelector('x in (foo,,baz)').toString()).toBe('x in (,baz,foo)');
    expect(parseLabelSelector('x in (,a)').toString()).toBe('x in (,a)');
    expect(parseLabelSelector('x in (a,)').toString()).toBe('x in (,a)');
    expect(parseLabelSelector('x in (a,a)').toString()).toBe('x in (a)');
  });

  test('in/notin are ordinary values and keys outside operator position', () => {
    expect(parseLabelSelector('mode=in').matches({ mode: 'in' })).toBe(true);
    expect(parseLabelSelector('in=notin').toString()).toBe('in=notin');
  });

  test('requirements are exposed sorted by key with sorted values', () => {
    expect(parseLabelSelector('zone=b,env in (staging,prod),!canary').requirements).toEqual([
      { key: 'canary', operator: '!', values: [] },
      { key: 'env', operator: 'in', values: ['prod', 'staging'] },
      { key: 'zone', operator: '=', values: ['b'] },
    ]);
  });

  test('integer comparisons follow int64 parsing', () => {
    expect(parseLabelSelector('n>0').matches({ n: '+1' })).toBe(true);
    expect(parseLabelSelector('n<0').matches({ n: '-1' })).toBe(true);
    expect(parseLabelSelector('n>1').matches({ n: '99999999999999999999' })).toBe(false);
    expect(parseLabelSelector('n<9223372036854775807').matches({ n: '9223372036854775806' })).toBe(true);
  });
});

describe('§6.1 HPA selectors arrive Go-encoded and re-print identically', () => {
  test.each([
    ['labelSelector=queue%3Dorders', 'queue=orders'],
    ['labelSelector=app%3Dworker%2Cenv%3Dprod%2Czone%3Db', 'app=worker,env=prod,zone=b'],
    ['labelSelector=env+in+%28prod%2Cstaging%29', 'env in (prod,staging)'],
    ['labelSelector=env+in+%28prod%29', 'env in (prod)'],
    ['labelSelector=env+notin+%28dev%29', 'env notin (dev)'],
    ['labelSelector=queue', 'queue'],
    ['labelSelector=%21canary', '!canary'],
    [
      'labelSelector=%21canary%2Cenv+in+%28prod%2Cstaging%29%2Cqueue%3Dorders',
      '!canary,env in (prod,staging),queue=orders',
    ],
  ])('%s', (query, selectorString) => {
    const decoded = new URLSearchParams(query).get('labelSelector') ?? '';
    expect(decoded).toBe(selectorString);
    expect(parseLabelSelector(decoded).toString()).toBe(selectorString);
  });
});

/** The exact message parsing fails with. */
function parseError(input: string): string {
  try {
    parseLabelSelector(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(input)} parsed without error`);
}

const NAME_REGEX_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('§6.2 parse errors carry the upstream messages', () => {
  test.each([
    ['env=(prod)', "unable to parse requirement: found '(', expected: identifier"],
    ['env in prod', "unable to parse requirement: found 'prod' expected: '('"],
    ['=prod', "found '=', expected: !, identifier, or 'end of string'"],
    ['env=pr od', "found 'od', expected: ',' or 'end of string'"],
    ['env=prod,', "found '', expected: identifier after ','"],
    ['-bad=1', `unable to parse requirement: <nil>: Invalid value: "-bad": name part ${NAME_REGEX_MESSAGE}`],
  ])('%p', (input, message) => {
    expect(parseError(input)).toBe(message);
  });

  test.each([
    ['env prod', "unable to parse requirement: found 'prod', expected: in, notin, =, ==, !=, gt, lt"],
    ['env in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['env in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['env in (a,', "unable to parse requirement: found '', expected: ',', or identifier"],
    ['!env=x', "found '=', expected: ',' or 'end of string'"],
    [
      'a/b/c',
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${NAME_REGEX_MESSAGE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    ['/x', 'unable to parse requirement: <nil>: Invalid value: "/x": prefix part must be non-empty'],
    [
      'x>abc',
      `unable to parse requirement: values[0]: Invalid value: "abc": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
  ])('parser paths beyond the table: %p', (input, message) => {
    expect(parseError(input)).toBe(message);
  });

  test('label values are validated like apimachinery IsValidLabelValue', () => {
    expect(() => parseLabelSelector(`k=${'a'.repeat(64)}`)).toThrow(
      /values\[0\]: Invalid value: "a+": must be no more than 63 characters/,
    );
    expect(() => parseLabelSelector('k=-x')).toThrow(
      /values\[0\]: Invalid value: "-x": a valid label value must be an empty string/,
    );
    expect(() => parseLabelSelector(`${'k'.repeat(64)}`)).toThrow(
      /name part must be no more than 63 characters/,
    );
    expect(() => parseLabelSelector('Bad_Prefix/k')).toThrow(
      /prefix part a lowercase RFC 1123 subdomain must consist/,
    );
  });
});

describe('properties', () => {
  const key = fc.stringMatching(/^[a-z]([a-z0-9.-]{0,8}[a-z0-9])?$/);
  const value = fc.stringMatching(/^([A-Za-z0-9]([A-Za-z0-9_.-]{0,6}[A-Za-z0-9])?)?$/);
  const nonEmptyValue = value.filter((v) => v !== '');
  const requirement = fc.oneof(
    fc.tuple(key, fc.constantFrom('=', '==', '!='), value).map(([k, op, v]) => `${k}${op}${v}`),
    fc
      .tuple(key, fc.constantFrom('in', 'notin'), fc.array(nonEmptyValue, { minLength: 1, maxLength: 3 }))
      .map(([k, op, vs]) => `${k} ${op} (${vs.join(', ')})`),
    key,
    key.map((k) => `!${k}`),
  );
  const selectorText = fc.array(requirement, { maxLength: 4 }).map((rs) => rs.join(' , '));
  const labelSet = fc.dictionary(key, value, { maxKeys: 4 });

  test('printing is canonical: re-parsing the printed form prints and matches the same', () => {
    fc.assert(
      fc.property(selectorText, labelSet, (text, labels) => {
        const selector = parseLabelSelector(text);
        const reparsed = parseLabelSelector(selector.toString());
        expect(reparsed.toString()).toBe(selector.toString());
        expect(reparsed.matches(labels)).toBe(selector.matches(labels));
      }),
    );
  });

  test('a conjunction matches iff every single requirement matches', () => {
    fc.assert(
      fc.property(fc.array(requirement, { minLength: 1, maxLength: 4 }), labelSet, (rs, labels) => {
        const all = parseLabelSelector(rs.join(',')).matches(labels);
        expect(all).toBe(rs.every((r) => parseLabelSelector(r).matches(labels)));
      }),
    );
  });
});
