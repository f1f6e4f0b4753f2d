import type * as A from './ast.js';
import { EqlSyntaxError, LIMITS } from './errors.js';
import { tokenize } from './lexer.js';
import { is, isKeyword, label, type Token, type TokenKind, type TokenOf } from './tokens.js';

const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const COMPARE_OPS: readonly TokenKind[] = ['==', '!=', '<', '<=', '>', '>='] satisfies A.CompareOp[];
const isCompareOp = (k: TokenKind): k is A.CompareOp => COMPARE_OPS.includes(k);
const MATCH_OPS = new Map<TokenKind, { kind: A.Match['kind']; caseInsensitive: boolean }>([
  [':', { kind: 'wildcard', caseInsensitive: true }],
  ['like', { kind: 'like', caseInsensitive: false }],
  ['like~', { kind: 'like', caseInsensitive: true }],
  ['regex', { kind: 'regex', caseInsensitive: false }],
  ['regex~', { kind: 'regex', caseInsensitive: true }],
]);
const MAX_RUNS = 100;
/** Each step (and `until`) takes one bit of a 32-bit match mask in the engine. */
export const MAX_STEPS = 30;

/** Parses a whole EQL query (event, sequence or sample query with pipes). */
export function parseQuery(source: string): A.Query {
  return new Parser(source).query();
}

/** Parses a lone expression (used for constant folding and tests). */
export function parseExpression(source: string): A.Expr {
  const p = new Parser(source);
  const e = p.expression();
  p.expect('eof');
  return e;
}

/**
 * `a and b and c ...` as a balanced tree: and/or are associative (in Kleene logic too) and
 * evaluate left to right either way, so a long generated chain costs log(n) nesting, not n.
 */
function balanced(op: 'and' | 'or', terms: A.Expr[]): A.Expr {
  const [only] = terms;
  if (only && terms.length === 1) return only;
  const mid = terms.length >> 1;
  const left = balanced(op, terms.slice(0, mid));
  const right = balanced(op, terms.slice(mid));
  return { type: 'Logical', op, left, right, start: left.start, end: right.end };
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  // ---- token helpers

  /** The token at `i`, or the final `eof` past the end. */
  private at(i: number): Token { return this.tokens[Math.min(i, this.tokens.length - 1)] ?? { kind: 'eof', start: this.source.length, end: this.source.length }; }
  private cur(): Token { return this.at(this.pos); }
  private peek(n = 1): Token { return this.at(this.pos + n); }
  /** End offset of the last token consumed. */
  private lastEnd(): number { return this.at(this.pos - 1).end; }
  private next(): Token { const t = this.cur(); if (t.kind !== 'eof') this.pos++; return t; }
  private eat<K extends TokenKind>(kind: K): TokenOf<K> | null {
    const t = this.cur();
    if (!is(t, kind)) return null;
    this.next();
    return t;
  }

  raise(message: string, at: number = this.cur().start): never {
    throw new EqlSyntaxError(message, this.source, at);
  }

  private unexpected(wanted?: string): never {
    const t = this.cur();
    const got = t.kind === 'eof' ? 'end of query' : `'${this.source.slice(t.start, t.end)}'`;
    this.raise(wanted ? `expected ${wanted} but found ${got}` : `unexpected ${got}`);
  }

  expect<K extends TokenKind>(kind: K, wanted = label(kind)): TokenOf<K> {
    return this.eat(kind) ?? this.unexpected(wanted);
  }

  private isWord(word: string, t: Token = this.cur()): boolean {
    return t.kind === 'name' && t.text.toLowerCase() === word;
  }

  // ---- queries

  query(): A.Query {
    const start = this.cur().start;
    let q: A.Query;
    if (this.eat('sequence')) q = this.sequence(start);
    else if (this.eat('sample')) q = this.sample(start);
    else if (this.cur().kind === 'join') this.raise('join is not supported');
    else q = { type: 'event', filter: this.eventFilter(), pipes: [], start, end: 0 };
    q.pipes = this.pipes();
    q.end = this.pos > 0 ? this.lastEnd() : start;
    this.expect('eof', "'|' or end of query");
    return q;
  }

  private sequence(start: number): A.SequenceQuery {
    let by: A.Expr[] = [];
    let maxspan: number | null = null;
    if (this.eat('by')) {
      by = this.joinKeys();
      if (this.cur().kind === 'with') maxspan = this.maxspan();
    } else if (this.cur().kind === 'with') {
      maxspan = this.maxspan();
      if (this.eat('by')) by = this.joinKeys();
    }
    const steps: A.Step[] = [];
    while (this.cur().kind === '[' || (this.cur().kind === '!' && this.peek().kind === '[')) {
      steps.push(this.step(true));
    }
    const extra = steps[MAX_STEPS];
    if (extra) this.raise(`a sequence may have at most ${MAX_STEPS} queries`, extra.start);
    const count = steps.reduce((n, s) => n + s.runs, 0);
    if (count < 2) this.raise('a sequence needs at least two queries', count ? this.cur().start : start);
    if (steps.every((x) => x.missing)) this.raise('a sequence needs at least one query that is not a missing event ![...]', start);
    const until = this.eat('until') ? this.step(false) : null;
    this.checkKeyCounts([...steps, ...(until ? [until] : [])]);
    return { type: 'sequence', by, maxspan, steps, until, pipes: [], start, end: 0 };
  }

  private sample(start: number): A.SampleQuery {
    const by = this.eat('by') ? this.joinKeys() : [];
    const steps: A.Step[] = [];
    while (this.cur().kind === '[') steps.push(this.step(false));
    if (steps.length < 1) this.unexpected("'['");
    const extra = steps[MAX_STEPS];
    if (extra) this.raise(`a sample may have at most ${MAX_STEPS} queries`, extra.start);
    this.checkKeyCounts(steps);
    return { type: 'sample', by, steps, pipes: [], start, end: 0 };
  }

  private checkKeyCounts(steps: A.Step[]): void {
    const n = steps[0]?.by.length ?? 0;
    for (const s of steps) {
      if (s.by.length !== n) {
        this.raise(`inconsistent number of join keys: expected ${n} but found ${s.by.length}`, s.start);
      }
    }
  }

  private maxspan(): number {
    this.expect('with');
    if (!this.isWord('maxspan')) this.unexpected("'maxspan'");
    this.next();
    this.expect('=', "'='");
    return this.timeValue();
  }

  private timeValue(): number {
    const num = this.expect('number', 'a time value such as 5m');
    if (!Number.isInteger(num.value) || num.isFloat) this.raise('the time value must be a whole number', num.start);
    const unit = this.cur();
    if (unit.kind !== 'name' || unit.start !== num.end) return this.raise('missing time unit (ms, s, m, h or d)', num.start);
    const factor = TIME_UNITS[unit.text.toLowerCase()];
    if (factor === undefined) return this.raise(`unknown time unit '${unit.text}'; use ms, s, m, h or d`, unit.start);
    this.next();
    return num.value * factor;
  }

  private step(allowMissing: boolean): A.Step {
    const start = this.cur().start;
    const missing = allowMissing && !!this.eat('!');
    this.expect('[', "'['");
    const filter = this.eventFilter();
    this.expect(']', "']'");
    const by = this.eat('by') ? this.joinKeys() : [];
    let runs = 1;
    if (this.cur().kind === 'with' && !this.isMaxspanAhead()) {
      this.next();
      if (!this.isWord('runs')) this.unexpected("'runs'");
      this.next();
      this.expect('=', "'='");
      const n = this.expect('number', 'a number of runs');
      if (!Number.isInteger(n.value) || n.value < 1 || n.value > MAX_RUNS) {
        this.raise(`runs must be a whole number between 1 and ${MAX_RUNS}`, n.start);
      }
      runs = n.value;
    }
    return { filter, by, runs, missing, start, end: this.lastEnd() };
  }

  private isMaxspanAhead(): boolean {
    return this.isWord('maxspan', this.peek());
  }

  private joinKeys(): A.Expr[] {
    const keys = [this.joinKey()];
    while (this.eat(',')) keys.push(this.joinKey());
    return keys;
  }

  private joinKey(): A.Expr {
    const e = this.expression();
    if (e.type !== 'Field') this.raise('join keys must be field names', e.start);
    return e;
  }

  /** An event category: a name or a string. */
  private category(): string | null {
    const t = this.cur();
    if (t.kind !== 'name' && t.kind !== 'string') return null;
    this.next();
    return t.kind === 'name' ? t.text : t.value;
  }

  private eventFilter(): A.EventFilter {
    const start = this.cur().start;
    const category = this.eat('any') ? null : this.category() ?? this.unexpected('an event category (or any)');
    this.expect('where', "'where'");
    const condition = this.expression();
    return { category, condition, start, end: condition.end };
  }

  private pipes(): A.Pipe[] {
    const pipes: A.Pipe[] = [];
    while (this.cur().kind === '|') {
      const start = this.next().start;
      const name = this.expect('name', 'a pipe name');
      const kind = name.text.toLowerCase();
      if (kind !== 'head' && kind !== 'tail') return this.raise(`unsupported pipe '${name.text}'; only head and tail are supported`, name.start);
      const n = this.expect('number', 'a number');
      if (!Number.isInteger(n.value) || n.value < 0) this.raise(`${kind} needs a non-negative whole number`, n.start);
      pipes.push({ kind, count: n.value, start, end: n.end });
    }
    return pipes;
  }

  // ---- expressions, loosest first

  /** One more level of nesting; the caller restores `depth` when the level is done. */
  private nest(at: number = this.cur().start): void {
    if (++this.depth > LIMITS.maxDepth) this.raise(`query nested deeper than ${LIMITS.maxDepth} levels`, at);
  }

  expression(): A.Expr {
    this.nest();
    const e = this.orExpr();
    this.depth--;
    return e;
  }

  private orExpr(): A.Expr {
    const terms = [this.andExpr()];
    while (this.eat('or')) terms.push(this.andExpr());
    return balanced('or', terms);
  }

  private andExpr(): A.Expr {
    const terms = [this.notExpr()];
    while (this.eat('and')) terms.push(this.notExpr());
    return balanced('and', terms);
  }

  private notExpr(): A.Expr {
    const start = this.cur().start;
    if (this.eat('not')) {
      this.nest(start);
      const operand = this.notExpr();
      this.depth--;
      return { type: 'Not', operand, start, end: operand.end };
    }
    return this.comparison();
  }

  private comparison(): A.Expr {
    const left = this.additive();
    if (this.cur().kind === '=') this.raise("'=' is not an operator; use '==' for equality");
    const op = this.cur().kind;
    if (!isCompareOp(op)) return left;
    this.next();
    const right = this.additive();
    if (isCompareOp(this.cur().kind)) this.raise('comparisons cannot be chained; use and');
    return { type: 'Compare', op, left, right, start: left.start, end: right.end };
  }

  // Arithmetic chains are left-deep trees: each operator nests one level deeper.
  private additive(): A.Expr {
    let left = this.multiplicative();
    const depth = this.depth;
    for (let op = this.cur().kind; op === '+' || op === '-'; op = this.cur().kind) {
      this.nest();
      this.next();
      const right = this.multiplicative();
      left = { type: 'Arith', op, left, right, start: left.start, end: right.end };
    }
    this.depth = depth;
    return left;
  }

  private multiplicative(): A.Expr {
    let left = this.unary();
    const depth = this.depth;
    for (let op = this.cur().kind; op === '*' || op === '/' || op === '%'; op = this.cur().kind) {
      this.nest();
      this.next();
      const right = this.unary();
      left = { type: 'Arith', op, left, right, start: left.start, end: right.end };
    }
    this.depth = depth;
    return left;
  }

  private unary(): A.Expr {
    const start = this.cur().start;
    const sign = this.eat('-') ?? this.eat('+');
    if (!sign) return this.predicate(this.primary());
    this.nest(start);
    const operand = this.unary();
    this.depth--;
    if (sign.kind === '+') return operand;
    if (operand.type === 'Literal' && typeof operand.value === 'number') {
      return { ...operand, value: -operand.value, start };
    }
    return { type: 'Negate', operand, start, end: operand.end };
  }

  /** `x in (..)`, `x not in (..)`, `x : ..`, `x like ..`, `x regex ..` bind to the primary before them. */
  private predicate(operand: A.Expr): A.Expr {
    const start = operand.start;
    if (this.cur().kind === 'not' && (this.peek().kind === 'in' || this.peek().kind === 'in~')) {
      this.next();
      return this.inList(operand, true);
    }
    if (this.cur().kind === 'in' || this.cur().kind === 'in~') return this.inList(operand, false);
    const match = MATCH_OPS.get(this.cur().kind);
    if (!match) return operand;
    this.next();
    const patterns: A.Literal[] = [];
    if (this.eat('(')) {
      do patterns.push(this.patternLiteral(match.kind)); while (this.eat(','));
      this.expect(')', "',' or ')'");
    } else {
      patterns.push(this.patternLiteral(match.kind));
    }
    return { type: 'Match', ...match, operand, patterns, start, end: this.lastEnd() };
  }

  private patternLiteral(kind: A.Match['kind']): A.Literal {
    const t = this.cur();
    const lit = this.primary();
    if (lit.type !== 'Literal' || (kind !== 'wildcard' && typeof lit.value !== 'string')) {
      this.raise(kind === 'wildcard' ? "the right side of ':' must be a constant" : `${kind} needs string constants`, t.start);
    }
    return lit;
  }

  private inList(operand: A.Expr, negated: boolean): A.Expr {
    const caseInsensitive = this.next().kind === 'in~';
    this.expect('(', "'('");
    const list: A.Expr[] = [];
    do list.push(this.expression()); while (this.eat(','));
    const end = this.expect(')', "',' or ')'").end;
    return { type: 'In', operand, list, caseInsensitive, negated, start: operand.start, end };
  }

  private primary(): A.Expr {
    const t = this.cur();
    switch (t.kind) {
      case 'string':
        this.next();
        return { type: 'Literal', value: t.value, start: t.start, end: t.end };
      case 'number':
        this.next();
        return { type: 'Literal', value: t.value, isFloat: t.isFloat, start: t.start, end: t.end };
      case 'true':
      case 'false':
        this.next();
        return { type: 'Literal', value: t.kind === 'true', start: t.start, end: t.end };
      case 'null':
        this.next();
        return { type: 'Literal', value: null, start: t.start, end: t.end };
      case '(': {
        this.next();
        const e = this.expression();
        this.expect(')', "')'");
        return e;
      }
      case 'tildeName':
        return this.call(t);
      case 'name':
        return this.peek().kind === '(' ? this.call(t) : this.field(t, false);
      case '?': {
        this.next();
        const name = this.cur();
        if (name.kind !== 'name' || name.start !== t.end) return this.raise("'?' must be followed directly by a field name");
        return this.field(name, true, t.start);
      }
      default:
        return this.unexpected('an expression');
    }
  }

  private call(t: TokenOf<'name' | 'tildeName'>): A.Call {
    this.next();
    this.expect('(');
    const args: A.Expr[] = [];
    if (this.cur().kind !== ')') {
      do args.push(this.expression()); while (this.eat(','));
    }
    const end = this.expect(')', "',' or ')'").end;
    return { type: 'Call', name: t.text, caseInsensitive: t.kind === 'tildeName', args, start: t.start, end };
  }

  private field(name: TokenOf<'name'>, optional: boolean, start = name.start): A.Field {
    this.next();
    const parts = [name.text];
    let end = name.end;
    while (this.cur().kind === '.' && this.cur().start === end) {
      this.next();
      const seg = this.cur();
      if (seg.start !== end + 1 || !(seg.kind === 'name' || isKeyword(seg.kind) || seg.kind === 'number')) {
        this.unexpected('a field name after .');
      }
      this.next();
      parts.push(this.source.slice(seg.start, seg.end).replace(/^`|`$/g, ''));
      end = seg.end;
    }
    if (this.cur().kind === '[' && this.cur().start === end) this.raise('array indexing is not supported');
    return { type: 'Field', path: parts.join('.'), optional, start, end };
  }
}
