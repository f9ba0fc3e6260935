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

const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const DURATION = /(?:\d+(?:ms|[smhdwy]))+/y;

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
    const word = this.tryMatch(METRIC_NAME);
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
    return {
      ...inner,
      aggregation: { op, grouping: grouping?.kind ?? 'by', labels: grouping?.labels ?? [] },
    };
  }

  private grouping(): { kind: 'by' | 'without'; labels: string[] } | undefined {
    const save = this.pos;
    const word = this.peekWord();
    if (word !== 'by' && word !== 'without') {
      this.pos = save;
      return undefined;
    }
    this.skipSpace();
    this.match(LABEL_NAME);
    this.expect('(');
    const labels: string[] = [];
    while (this.peek() !== ')') {
      labels.push(this.match(LABEL_NAME));
      if (this.peek() === ',') this.pos += 1;
      else break;
    }
    this.expect(')');
    return { kind: word, labels };
  }

  private inner(): SubsetQuery {
    const start = this.pos;
    const word = this.tryMatch(METRIC_NAME);
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
    const metric = this.tryMatch(METRIC_NAME);
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
      range = this.match(DURATION);
      this.expect(']');
    }
    let offset: string | undefined;
    if (this.peekWord() === 'offset') {
      this.skipSpace();
      this.match(LABEL_NAME);
      this.skipSpace();
      const sign = this.src[this.pos] === '-' ? '-' : '';
      this.pos += sign.length;
      offset = sign + this.match(DURATION);
    }
    return {
      ...(metric !== undefined && { metric }),
      matchers,
      ...(range !== undefined && { range }),
      ...(offset !== undefined && { offset }),
    };
  }

  private matcher(): LabelMatcher {
    const name = this.match(LABEL_NAME);
    this.skipSpace();
    const two = this.src.slice(this.pos, this.pos + 2);
    let op: MatchOp;
    if (two === '=~' || two === '!=' || two === '!~') op = two;
    else if (two[0] === '=') op = '=';
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
    let i = this.pos + 1;
    for (;;) {
      const c = this.src[i];
      if (c === undefined || c === '\n') throw new Unsupported();
      if (c === quote) break;
      if (c !== '\\') {
        out += c;
        i += 1;
        continue;
      }
      const [text, length] = unescape(this.src, i + 1, quote);
      out += text;
      i += 1 + length;
    }
    this.pos = i + 1;
    return out;
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
    const word = this.tryMatch(LABEL_NAME);
    this.pos = save;
    return word;
  }

  private expect(c: string): void {
    if (this.peek() !== c) throw new Unsupported();
    this.pos += 1;
  }

  private tryMatch(re: RegExp): string | undefined {
    this.skipSpace();
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    if (m === null) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  private match(re: RegExp): string {
    const m = this.tryMatch(re);
    if (m === undefined) throw new Unsupported();
    return m;
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
