// Kubernetes label selectors: parsing, matching and canonical printing
// (external-metrics-api.md §6.2; apimachinery pkg/labels/selector.go `Parse`, `Requirement.Matches`,
// `Requirement.String`, and the validation messages of pkg/util/validation).

/** Operator names as apimachinery's selection.Operator spells them. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and de-duplicated; empty for exists / !. */
  readonly values: readonly string[];
}

export interface LabelSelector {
  /** Sorted by key, as the canonical form prints them. */
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Readonly<Record<string, string>>): boolean;
  /** Canonical form: sorted keys and values, no spaces, `=`/`==` kept as written. */
  toString(): string;
}

/** Parses a selector string such as `env in (prod,staging),!canary`; throws Error with upstream messages. */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements = new SelectorParser(tokenize(text)).parse();
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new ParsedSelector(requirements);
}

class ParsedSelector implements LabelSelector {
  private readonly text: string;

  constructor(readonly requirements: readonly LabelRequirement[]) {
    this.text = requirements.map(requirementToString).join(',');
  }

  matches(labels: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => requirementMatches(r, labels));
  }

  toString(): string {
    return this.text;
  }
}

function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = present ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return value !== undefined && r.values.includes(value);
    case '!=':
    case 'notin':
      // An absent key satisfies a negative requirement.
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt': {
      const actual = value === undefined ? undefined : parseInt64(value);
      const bound = parseInt64(r.values[0] ?? '');
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

function requirementToString(r: LabelRequirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, int64 range. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

// ---- lexer ----

type TokenKind =
  'identifier' | 'in' | 'notin' | '=' | '==' | '!=' | '!' | '(' | ')' | ',' | '>' | '<' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const SPECIAL_SYMBOLS = new Set(['=', '!', '(', ')', ',', '>', '<']);
const TWO_CHAR_SYMBOLS = new Set(['==', '!=']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (WHITESPACE.has(ch)) {
      i++;
    } else if (SPECIAL_SYMBOLS.has(ch)) {
      // Longest match among the operator symbols.
      const pair = text.slice(i, i + 2);
      const symbol = TWO_CHAR_SYMBOLS.has(pair) ? pair : ch;
      tokens.push({ kind: symbol as TokenKind, text: symbol });
      i += symbol.length;
    } else {
      const start = i;
      while (i < text.length && !WHITESPACE.has(text.charAt(i)) && !SPECIAL_SYMBOLS.has(text.charAt(i))) i++;
      const word = text.slice(start, i);
      tokens.push({ kind: word === 'in' || word === 'notin' ? word : 'identifier', text: word });
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

// ---- parser ----

/** Where a value may stand, `in`/`notin` are ordinary identifiers (e.g. `mode=in`). */
type Context = 'values' | 'operator';

class SelectorParser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const next = this.peek('values');
      if (next.kind === 'end') return requirements;
      if (next.kind !== 'identifier' && next.kind !== '!') {
        throw new Error(`found '${next.text}', expected: !, identifier, or 'end of string'`);
      }
      requirements.push(this.parseRequirementWrapped());
      const separator = this.take('values');
      if (separator.kind === 'end') return requirements;
      if (separator.kind !== ',') {
        throw new Error(`found '${separator.text}', expected: ',' or 'end of string'`);
      }
      const afterComma = this.peek('values');
      if (afterComma.kind !== 'identifier' && afterComma.kind !== '!') {
        throw new Error(`found '${afterComma.text}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirementWrapped(): LabelRequirement {
    try {
      return this.parseRequirement();
    } catch (error) {
      throw new Error(`unable to parse requirement: ${(error as Error).message}`, { cause: error });
    }
  }

  private parseRequirement(): LabelRequirement {
    let token = this.take('values');
    const negated = token.kind === '!';
    if (negated) token = this.take('values');
    if (token.kind !== 'identifier') throw new Error(`found '${token.text}', expected: identifier`);
    const key = token.text;
    const keyErrors = qualifiedNameErrors(key);
    if (keyErrors.length > 0) throw new Error(invalidValue('<nil>', key, keyErrors.join('; ')));
    if (negated) return { key, operator: '!', values: [] };
    const next = this.peek('values');
    if (next.kind === 'end' || next.kind === ',') return { key, operator: 'exists', values: [] };

    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValueSet() : this.parseExactValue();
    return newRequirement(key, operator, values);
  }

  private parseOperator(): LabelOperator {
    const token = this.take('operator');
    switch (token.kind) {
      case 'in':
      case 'notin':
      case '=':
      case '==':
      case '!=':
        return token.kind;
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw new Error(`found '${token.text}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  private parseValueSet(): string[] {
    const open = this.take('values');
    if (open.kind !== '(') throw new Error(`found '${open.text}' expected: '('`);
    const first = this.peek('values');
    if (first.kind === ')') {
      // `in ()` is the one-element set {""}.
      this.take('values');
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== ',') {
      throw new Error(`found '${first.text}', expected: ',', ')' or identifier`);
    }
    const values = this.parseValueList();
    this.take('values'); // the ')' that ended the list
    return values;
  }

  /** Values separated by commas up to ')'; an empty slot (`(,a)`, `(a,,b)`, `(a,)`) is the value "". */
  private parseValueList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const token = this.take('values');
      if (token.kind === 'identifier') {
        values.add(token.text);
        const next = this.peek('values');
        if (next.kind === ')') return [...values];
        if (next.kind !== ',') throw new Error(`found '${next.text}', expected: ',' or ')'`);
      } else if (token.kind === ',') {
        if (values.size === 0) values.add('');
        const next = this.peek('values');
        if (next.kind === ')') {
          values.add('');
          return [...values];
        }
        if (next.kind === ',') {
          this.take('values');
          values.add('');
        }
      } else {
        throw new Error(`found '${token.text}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const next = this.peek('values');
    if (next.kind === 'end' || next.kind === ',') return [''];
    const token = this.take('values');
    if (token.kind !== 'identifier') throw new Error(`found '${token.text}', expected: identifier`);
    return [token.text];
  }

  private peek(context: Context): Token {
    return inContext(this.tokens[this.position] ?? END, context);
  }

  private take(context: Context): Token {
    const token = this.peek(context);
    if (this.position < this.tokens.length - 1) this.position++;
    return token;
  }
}

const END: Token = { kind: 'end', text: '' };

function inContext(token: Token, context: Context): Token {
  return context === 'values' && (token.kind === 'in' || token.kind === 'notin')
    ? { kind: 'identifier', text: token.text }
    : token;
}

/** labels.NewRequirement's value checks; errors are aggregated as apimachinery's utilerrors does. */
function newRequirement(key: string, operator: LabelOperator, rawValues: string[]): LabelRequirement {
  const errors: string[] = [];
  if (operator === 'gt' || operator === 'lt') {
    rawValues.forEach((v, i) => {
      if (parseInt64(v) === undefined) {
        errors.push(
          invalidValue(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"),
        );
      }
    });
  }
  rawValues.forEach((v, i) => {
    const messages = labelValueErrors(v);
    if (messages.length > 0) errors.push(invalidValue(`values[${i}]`, v, messages.join('; ')));
  });
  if (errors.length === 1) throw new Error(errors[0]);
  if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  return { key, operator, values: [...new Set(rawValues)].sort() };
}

// ---- validation (apimachinery pkg/util/validation) ----

const QUALIFIED_NAME_FORMAT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FORMAT}$`);
const QUALIFIED_NAME_MESSAGE = regexMessage(
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  QUALIFIED_NAME_FORMAT,
  ['MyName', 'my.name', '123-abc'],
);
const LABEL_VALUE_FORMAT = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FORMAT}$`);
const DNS1123_SUBDOMAIN_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FORMAT}$`);
const MAX_NAME_LENGTH = 63;
const MAX_SUBDOMAIN_LENGTH = 253;

function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) {
    return [
      `a qualified name ${QUALIFIED_NAME_MESSAGE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const errors: string[] = [];
  const name = parts.length === 2 ? (parts[1] ?? '') : key;
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') errors.push('prefix part must be non-empty');
    else errors.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  }
  if (name === '') errors.push('name part must be non-empty');
  else if (name.length > MAX_NAME_LENGTH)
    errors.push(`name part must be no more than ${MAX_NAME_LENGTH} characters`);
  if (!QUALIFIED_NAME.test(name)) errors.push(`name part ${QUALIFIED_NAME_MESSAGE}`);
  return errors;
}

function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > MAX_SUBDOMAIN_LENGTH)
    errors.push(`must be no more than ${MAX_SUBDOMAIN_LENGTH} characters`);
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errors.push(
      regexMessage(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FORMAT,
        ['example.com'],
      ),
    );
  }
  return errors;
}

function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > MAX_NAME_LENGTH) errors.push(`must be no more than ${MAX_NAME_LENGTH} characters`);
  if (!LABEL_VALUE.test(value)) {
    errors.push(
      regexMessage(
        "a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FORMAT,
        ['MyValue', 'my_value', '12345'],
      ),
    );
  }
  return errors;
}

/** validation.RegexError's wording, including its double space before "or". */
function regexMessage(message: string, format: string, examples: readonly string[]): string {
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${message} (e.g. ${shown}regex used for validation is '${format}')`;
}

/** field.Invalid(path, value, detail).Error() for a string value. */
function invalidValue(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
}
