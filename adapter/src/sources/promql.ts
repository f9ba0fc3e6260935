// A parser for the small PromQL subset the query planner can merge:
//   [aggregation [by|without (labels)]] ( [range function] ( selector [range] [offset d] ) ) [by|without (labels)]
// Anything else is left to Prometheus and runs unmerged. Lexical rules follow the PromQL reference
// (prometheus.io/docs/prometheus/latest/querying/basics): Go string escapes, fully anchored RE2 regexes.

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

export type AggregationOp = 'sum' | 'avg' | 'max' | 'min' | 'count';

export interface Aggregation {
  readonly op: AggregationOp;
  readonly grouping: 'by' | 'without';
  readonly labels: readonly string[];
}

export interface VectorSelector {
  readonly metric?: string;
  readonly matchers: readonly LabelMatcher[];
  /** Duration text as written, e.g. `2m`; present only under a range function. */
  readonly range?: string;
  /** Duration text as written, possibly negative. */
  readonly offset?: string;
}

export interface SubsetQuery {
  readonly aggregation?: Aggregation;
  /** A function over a range vector, e.g. `rate`. */
  readonly rangeFunction?: string;
  readonly selector: VectorSelector;
}

const AGGREGATIONS: ReadonlySet<string> = new Set<AggregationOp>(['sum', 'avg', 'max', 'min', 'count']);

// Functions taking exactly one range-vector argument.
const RANGE_FUNCTIONS: ReadonlySet<string> = new Set([
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'deriv',
  'changes',
  'resets',
  'avg_over_time',
  'sum_over_time',
  'min_over_time',
  'max_over_time',
  'count_over_time',
  'last_over_time',
  'present_over_time',
  'stddev_over_time',
  'stdvar_over_time',
]);

const DURATION = /(?:\d+(?:ms|[smhdwy]))+/y;

/** Metric names ([a-zA-Z_:][a-zA-Z0-9_:]*) may hold colons; label names ([a-zA-Z_][a-zA-Z0-9_]*) may not. */
type Identifier = 'metric' | 'label';

/** Where an identifier starting at `at` ends; scanned by hand, as plans parse thousands of queries a tick. */
function identifierEnd(src: string, at: number, colon: boolean): number {
  let i = at;
  for (; i < src.length; i++) {
    const c = src.charCodeAt(i);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (colon && c === 58);
    if (!letter && (i === at || c < 48 || c > 57)) break;
  }
  return i;
}

class Unsupported extends Error {}

/** Parses `query` if it lies in the mergeable subset; `undefined` otherwise (including syntax errors). */
export function parseSubset(query: string): SubsetQuery | undefined {
  try {
    const p = new SubsetParser(query);
    const q = p.query();
    p.end();
    return q;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

class SubsetParser {
  private pos = 0;

  constructor(private readonly src: string) {}

  query(): SubsetQuery {
    const start = this.pos;
    const word = this.tryIdentifier('metric');
    if (word !== undefined && AGGREGATIONS.has(word) && this.aggregationFollows()) {
      return this.aggregation(word as AggregationOp);
    }
    this.pos = start;
    return this.inner();
  }

  end(): void {
    this.skipSpace();
    if (this.pos !== this.src.length) throw new Unsupported();
  }

  private aggregationFollows(): boolean {
    const save = this.pos;
    const next = this.peekWord();
    const follows = this.peek() === '(' || next === 'by' || next === 'without';
    this.pos = save;
    return follows;
  }

  private aggregation(op: AggregationOp): SubsetQuery {
    let grouping = this.grouping();
    this.expect('(');
    const inner = this.inner();
    this.expect(')');
    const trailing = this.grouping();
    if (grouping !== undefined && trailing !== undefined) throw new Unsupported();
    grouping ??= trailing;
    const aggregation: Aggregation = { op, grouping: grouping?.kind ?? 'by', labels: grouping?.labels ?? [] };
    return inner.rangeFunction === undefined
      ? { aggregation, selector: inner.selector }
      : { aggregation, rangeFunction: inner.rangeFunction, selector: inner.selector };
  }

  private grouping(): { kind: 'by' | 'without'; labels: string[] } | undefined {
    const save = this.pos;
    const word = this.peekWord();
    if (word !== 'by' && word !== 'without') {
      this.pos = save;
      return undefined;
    }
    this.skipSpace();
    this.identifier('label');
    this.expect('(');
    const labels: string[] = [];
    while (this.peek() !== ')') {
      labels.push(this.identifier('label'));
      if (this.peek() === ',') this.pos += 1;
      else break;
    }
    this.expect(')');
    return { kind: word, labels };
  }

  private inner(): SubsetQuery {
    const start = this.pos;
    const word = this.tryIdentifier('metric');
    if (word !== undefined && this.peek() === '(') {
      if (!RANGE_FUNCTIONS.has(word)) throw new Unsupported();
      this.expect('(');
      const selector = this.selector(true);
      this.expect(')');
      return { rangeFunction: word, selector };
    }
    this.pos = start;
    return { selector: this.selector(false) };
  }

  private selector(withRange: boolean): VectorSelector {
    const metric = this.tryIdentifier('metric');
    const matchers: LabelMatcher[] = [];
    if (this.peek() === '{') {
      this.pos += 1;
      while (this.peek() !== '}') {
        matchers.push(this.matcher());
        if (this.peek() === ',') this.pos += 1;
        else break;
      }
      this.expect('}');
    } else if (metric === undefined) {
      throw new Unsupported();
    }
    let range: string | undefined;
    if (withRange) {
      this.expect('[');
      range = this.duration();
      this.expect(']');
    }
    let offset: string | undefined;
    if (this.peekWord() === 'offset') {
      this.skipSpace();
      this.identifier('label');
      this.skipSpace();
      const sign = this.src[this.pos] === '-' ? '-' : '';
      this.pos += sign.length;
      offset = sign + this.duration();
    }
    const selector: { metric?: string; matchers: LabelMatcher[]; range?: string; offset?: string } = {
      matchers,
    };
    if (metric !== undefined) selector.metric = metric;
    if (range !== undefined) selector.range = range;
    if (offset !== undefined) selector.offset = offset;
    return selector;
  }

  private matcher(): LabelMatcher {
    const name = this.identifier('label');
    this.skipSpace();
    const first = this.src[this.pos];
    const second = this.src[this.pos + 1];
    let op: MatchOp;
    if (first === '=') op = second === '~' ? '=~' : '=';
    else if (first === '!' && (second === '=' || second === '~')) op = second === '=' ? '!=' : '!~';
    else throw new Unsupported();
    this.pos += op.length;
    this.skipSpace();
    return { name, op, value: this.string() };
  }

  private string(): string {
    const quote = this.src[this.pos];
    if (quote === '`') {
      const close = this.src.indexOf('`', this.pos + 1);
      if (close < 0) throw new Unsupported();
      const raw = this.src.slice(this.pos + 1, close);
      this.pos = close + 1;
      return raw;
    }
    if (quote !== '"' && quote !== "'") throw new Unsupported();
    let out = '';
    let run = this.pos + 1;
    let i = run;
    for (;;) {
      const c = this.src[i];
      if (c === undefined || c === '\n') throw new Unsupported();
      if (c === quote) break;
      if (c !== '\\') {
        i += 1;
        continue;
      }
      const [text, length] = unescape(this.src, i + 1, quote);
      out += this.src.slice(run, i) + text;
      i += 1 + length;
      run = i;
    }
    this.pos = i + 1;
    return out + this.src.slice(run, i);
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos += 1;
      else if (c === '#') {
        const nl = this.src.indexOf('\n', this.pos);
        this.pos = nl < 0 ? this.src.length : nl + 1;
      } else return;
    }
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.src[this.pos];
  }

  /** The identifier ahead, without consuming it (whitespace before it is consumed). */
  private peekWord(): string | undefined {
    this.skipSpace();
    const save = this.pos;
    const word = this.tryIdentifier('label');
    this.pos = save;
    return word;
  }

  private expect(c: string): void {
    if (this.peek() !== c) throw new Unsupported();
    this.pos += 1;
  }

  private tryIdentifier(kind: Identifier): string | undefined {
    this.skipSpace();
    const end = identifierEnd(this.src, this.pos, kind === 'metric');
    if (end === this.pos) return undefined;
    const word = this.src.slice(this.pos, end);
    this.pos = end;
    return word;
  }

  private identifier(kind: Identifier): string {
    const word = this.tryIdentifier(kind);
    if (word === undefined) throw new Unsupported();
    return word;
  }

  private duration(): string {
    this.skipSpace();
    DURATION.lastIndex = this.pos;
    const m = DURATION.exec(this.src);
    if (m === null) throw new Unsupported();
    this.pos += m[0].length;
    return m[0];
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Decodes one Go escape sequence starting after its backslash; returns the text and its source length. */
function unescape(src: string, at: number, quote: string): [string, number] {
  const c = src[at];
  if (c === undefined) throw new Unsupported();
  if (c === quote) return [c, 1];
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return [simple, 1];
  const hexDigits = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (hexDigits > 0) {
    const hex = src.slice(at + 1, at + 1 + hexDigits);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexDigits) throw new Unsupported();
    // \x is a byte in Go; only ASCII bytes decode to the same text here.
    const code = parseInt(hex, 16);
    if ((c === 'x' && code > 0x7f) || code > 0x10ffff) throw new Unsupported();
    return [String.fromCodePoint(code), 1 + hexDigits];
  }
  const octal = src.slice(at, at + 3);
  if (/^[0-7]{3}$/.test(octal) && parseInt(octal, 8) <= 0x7f)
    return [String.fromCharCode(parseInt(octal, 8)), 3];
  throw new Unsupported();
}

/** A double-quoted PromQL string literal holding `value`. */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** `value` with RE2 metacharacters escaped, as Go's regexp.QuoteMeta does. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Renders a subset query back to PromQL text. */
export function formatQuery(q: SubsetQuery): string {
  const s = q.selector;
  const matchers = s.matchers.map((m) => `${m.name}${m.op}${quoteString(m.value)}`).join(', ');
  let text = `${s.metric ?? ''}${matchers.length > 0 || s.metric === undefined ? `{${matchers}}` : ''}`;
  if (s.range !== undefined) text += `[${s.range}]`;
  if (s.offset !== undefined) text += ` offset ${s.offset}`;
  if (q.rangeFunction !== undefined) text = `${q.rangeFunction}(${text})`;
  const a = q.aggregation;
  if (a === undefined) return text;
  if (a.grouping === 'by' && a.labels.length === 0) return `${a.op}(${text})`;
  return `${a.op} ${a.grouping} (${a.labels.join(', ')}) (${text})`;
}
