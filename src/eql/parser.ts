import type * as A from './ast.js';
import { EqlSyntaxError, LIMITS } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { T, type TokenType } from './tokens.js';

const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const COMPARE_OPS = new Map<TokenType, A.CompareOp>([
  [T.eq, '=='], [T.neq, '!='], [T.lt, '<'], [T.lte, '<='], [T.gt, '>'], [T.gte, '>='],
]);
const ARITH_OPS = new Map<TokenType, A.ArithOp>([
  [T.plus, '+'], [T.minus, '-'], [T.star, '*'], [T.slash, '/'], [T.percent, '%'],
]);
const MATCH_OPS = new Map<TokenType, { kind: A.Match['kind']; caseInsensitive: boolean }>([
  [T.colon, { kind: 'wildcard', caseInsensitive: true }],
  [T.like, { kind: 'like', caseInsensitive: false }],
  [T.likeInsensitive, { kind: 'like', caseInsensitive: true }],
  [T.regex, { kind: 'regex', caseInsensitive: false }],
  [T.regexInsensitive, { kind: 'regex', caseInsensitive: true }],
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
  p.expect(T.eof);
  return e;
}

/**
 * `a and b and c ...` as a balanced tree: and/or are associative (in Kleene logic too) and
 * evaluate left to right either way, so a long generated chain costs log(n) nesting, not n.
 */
function balanced(op: 'and' | 'or', terms: A.Expr[]): A.Expr {
  if (terms.length === 1) return terms[0]!;
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

  private get tok(): Token { return this.tokens[this.pos]!; }
  private peek(n = 1): Token { return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)]!; }
  private next(): Token { const t = this.tok; if (t.type !== T.eof) this.pos++; return t; }
  private eat(type: TokenType): Token | null { return this.tok.type === type ? this.next() : null; }

  raise(message: string, at: number = this.tok.start): never {
    throw new EqlSyntaxError(message, this.source, at);
  }

  private unexpected(wanted?: string): never {
    const t = this.tok;
    const got = t.type === T.eof ? 'end of query' : `'${this.source.slice(t.start, t.end)}'`;
    this.raise(wanted ? `expected ${wanted} but found ${got}` : `unexpected ${got}`);
  }

  expect(type: TokenType, wanted = `'${type.label}'`): Token {
    return this.eat(type) ?? this.unexpected(wanted);
  }

  private isWord(word: string): boolean {
    return this.tok.type === T.name && String(this.tok.value).toLowerCase() === word;
  }

  // ---- queries

  query(): A.Query {
    const start = this.tok.start;
    let q: A.Query;
    if (this.eat(T.sequence)) q = this.sequence(start);
    else if (this.eat(T.sample)) q = this.sample(start);
    else if (this.tok.type === T.join) this.raise('join is not supported');
    else q = { type: 'event', filter: this.eventFilter(), pipes: [], start, end: 0 };
    q.pipes = this.pipes();
    q.end = this.tokens[this.pos - 1]?.end ?? start;
    this.expect(T.eof, "'|' or end of query");
    return q;
  }

  private sequence(start: number): A.SequenceQuery {
    let by: A.Expr[] = [];
    let maxspan: number | null = null;
    if (this.eat(T.by)) {
      by = this.joinKeys();
      if (this.tok.type === T.with) maxspan = this.maxspan();
    } else if (this.tok.type === T.with) {
      maxspan = this.maxspan();
      if (this.eat(T.by)) by = this.joinKeys();
    }
    const steps: A.Step[] = [];
    while (this.tok.type === T.lbracket || (this.tok.type === T.bang && this.peek().type === T.lbracket)) {
      steps.push(this.step(true));
    }
    if (steps.length > MAX_STEPS) this.raise(`a sequence may have at most ${MAX_STEPS} queries`, steps[MAX_STEPS]!.start);
    const count = steps.reduce((n, s) => n + s.runs, 0);
    if (count < 2) this.raise('a sequence needs at least two queries', count ? this.tok.start : start);
    if (steps.every((x) => x.missing)) this.raise('a sequence needs at least one query that is not a missing event ![...]', steps[0]!.start);
    const until = this.eat(T.until) ? this.step(false) : null;
    this.checkKeyCounts([...steps, ...(until ? [until] : [])]);
    return { type: 'sequence', by, maxspan, steps, until, pipes: [], start, end: 0 };
  }

  private sample(start: number): A.SampleQuery {
    const by = this.eat(T.by) ? this.joinKeys() : [];
    const steps: A.Step[] = [];
    while (this.tok.type === T.lbracket) steps.push(this.step(false));
    if (steps.length < 1) this.unexpected("'['");
    if (steps.length > MAX_STEPS) this.raise(`a sample may have at most ${MAX_STEPS} queries`, steps[MAX_STEPS]!.start);
    this.checkKeyCounts(steps);
    return { type: 'sample', by, steps, pipes: [], start, end: 0 };
  }

  private checkKeyCounts(steps: A.Step[]): void {
    const n = steps[0]!.by.length;
    for (const s of steps) {
      if (s.by.length !== n) {
        this.raise(`inconsistent number of join keys: expected ${n} but found ${s.by.length}`, s.start);
      }
    }
  }

  private maxspan(): number {
    this.expect(T.with);
    if (!this.isWord('maxspan')) this.unexpected("'maxspan'");
    this.next();
    this.expect(T.assign, "'='");
    return this.timeValue();
  }

  private timeValue(): number {
    const num = this.expect(T.number, 'a time value such as 5m');
    if (!Number.isInteger(num.value) || num.isFloat) this.raise('the time value must be a whole number', num.start);
    const unit = this.tok;
    if (unit.type !== T.name || unit.start !== num.end) {
      this.raise('missing time unit (ms, s, m, h or d)', num.start);
    }
    const factor = TIME_UNITS[String(unit.value).toLowerCase()];
    if (factor === undefined) this.raise(`unknown time unit '${unit.value}'; use ms, s, m, h or d`, unit.start);
    this.next();
    return (num.value as number) * factor!;
  }

  private step(allowMissing: boolean): A.Step {
    const start = this.tok.start;
    const missing = allowMissing && !!this.eat(T.bang);
    this.expect(T.lbracket, "'['");
    const filter = this.eventFilter();
    this.expect(T.rbracket, "']'");
    const by = this.eat(T.by) ? this.joinKeys() : [];
    let runs = 1;
    if (this.tok.type === T.with && !this.isMaxspanAhead()) {
      this.next();
      if (!this.isWord('runs')) this.unexpected("'runs'");
      this.next();
      this.expect(T.assign, "'='");
      const n = this.expect(T.number, 'a number of runs');
      if (!Number.isInteger(n.value) || (n.value as number) < 1 || (n.value as number) > MAX_RUNS) {
        this.raise(`runs must be a whole number between 1 and ${MAX_RUNS}`, n.start);
      }
      runs = n.value as number;
    }
    return { filter, by, runs, missing, start, end: this.tokens[this.pos - 1]!.end };
  }

  private isMaxspanAhead(): boolean {
    const t = this.peek();
    return t.type === T.name && String(t.value).toLowerCase() === 'maxspan';
  }

  private joinKeys(): A.Expr[] {
    const keys = [this.joinKey()];
    while (this.eat(T.comma)) keys.push(this.joinKey());
    return keys;
  }

  private joinKey(): A.Expr {
    const e = this.expression();
    if (e.type !== 'Field') this.raise('join keys must be field names', e.start);
    return e;
  }

  private eventFilter(): A.EventFilter {
    const start = this.tok.start;
    let category: string | null;
    if (this.eat(T.any)) category = null;
    else if (this.tok.type === T.name || this.tok.type === T.string) category = String(this.next().value);
    else this.unexpected('an event category (or any)');
    this.expect(T.where, "'where'");
    const condition = this.expression();
    return { category, condition, start, end: condition.end };
  }

  private pipes(): A.Pipe[] {
    const pipes: A.Pipe[] = [];
    while (this.tok.type === T.pipe) {
      const start = this.next().start;
      const name = this.tok;
      if (name.type !== T.name) this.unexpected('a pipe name');
      const kind = String(name.value).toLowerCase();
      if (kind !== 'head' && kind !== 'tail') this.raise(`unsupported pipe '${name.value}'; only head and tail are supported`, name.start);
      this.next();
      const n = this.expect(T.number, 'a number');
      if (!Number.isInteger(n.value) || (n.value as number) < 0) this.raise(`${kind} needs a non-negative whole number`, n.start);
      pipes.push({ kind, count: n.value as number, start, end: n.end });
    }
    return pipes;
  }

  // ---- expressions, loosest first

  /** One more level of nesting; the caller restores `depth` when the level is done. */
  private nest(at: number = this.tok.start): void {
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
    while (this.eat(T.or)) terms.push(this.andExpr());
    return balanced('or', terms);
  }

  private andExpr(): A.Expr {
    const terms = [this.notExpr()];
    while (this.eat(T.and)) terms.push(this.notExpr());
    return balanced('and', terms);
  }

  private notExpr(): A.Expr {
    const start = this.tok.start;
    if (this.eat(T.not)) {
      this.nest(start);
      const operand = this.notExpr();
      this.depth--;
      return { type: 'Not', operand, start, end: operand.end };
    }
    return this.comparison();
  }

  private comparison(): A.Expr {
    const left = this.additive();
    if (this.tok.type === T.assign) this.raise("'=' is not an operator; use '==' for equality");
    const op = COMPARE_OPS.get(this.tok.type);
    if (!op) return left;
    this.next();
    const right = this.additive();
    if (COMPARE_OPS.has(this.tok.type)) this.raise('comparisons cannot be chained; use and');
    return { type: 'Compare', op, left, right, start: left.start, end: right.end };
  }

  private additive(): A.Expr {
    return this.arithmetic(() => this.multiplicative(), T.plus, T.minus);
  }

  private multiplicative(): A.Expr {
    return this.arithmetic(() => this.unary(), T.star, T.slash, T.percent);
  }

  /** A left-associative chain; each operator is a nesting level (the tree is as deep as the chain). */
  private arithmetic(operand: () => A.Expr, ...ops: TokenType[]): A.Expr {
    let left = operand();
    const depth = this.depth;
    while (ops.includes(this.tok.type)) {
      this.nest();
      const op = ARITH_OPS.get(this.next().type)!;
      const right = operand();
      left = { type: 'Arith', op, left, right, start: left.start, end: right.end };
    }
    this.depth = depth;
    return left;
  }

  private unary(): A.Expr {
    const start = this.tok.start;
    if (this.tok.type === T.minus || this.tok.type === T.plus) {
      const minus = this.next().type === T.minus;
      this.nest(start);
      const operand = this.unary();
      this.depth--;
      if (!minus) return operand;
      if (operand.type === 'Literal' && typeof operand.value === 'number') {
        return { ...operand, value: -operand.value, start };
      }
      return { type: 'Negate', operand, start, end: operand.end };
    }
    return this.predicate(this.primary());
  }

  /** `x in (..)`, `x not in (..)`, `x : ..`, `x like ..`, `x regex ..` bind to the primary before them. */
  private predicate(operand: A.Expr): A.Expr {
    const start = operand.start;
    if (this.tok.type === T.not && (this.peek().type === T.in || this.peek().type === T.inInsensitive)) {
      this.next();
      return this.inList(operand, true);
    }
    if (this.tok.type === T.in || this.tok.type === T.inInsensitive) return this.inList(operand, false);
    const match = MATCH_OPS.get(this.tok.type);
    if (!match) return operand;
    this.next();
    const patterns: A.Literal[] = [];
    if (this.eat(T.lparen)) {
      do patterns.push(this.patternLiteral(match.kind)); while (this.eat(T.comma));
      this.expect(T.rparen, "',' or ')'");
    } else {
      patterns.push(this.patternLiteral(match.kind));
    }
    return { type: 'Match', ...match, operand, patterns, start, end: this.tokens[this.pos - 1]!.end };
  }

  private patternLiteral(kind: A.Match['kind']): A.Literal {
    const t = this.tok;
    const lit = this.primary();
    if (lit.type !== 'Literal' || (kind !== 'wildcard' && typeof lit.value !== 'string')) {
      this.raise(kind === 'wildcard' ? "the right side of ':' must be a constant" : `${kind} needs string constants`, t.start);
    }
    return lit;
  }

  private inList(operand: A.Expr, negated: boolean): A.Expr {
    const caseInsensitive = this.next().type === T.inInsensitive;
    this.expect(T.lparen, "'('");
    const list: A.Expr[] = [];
    do list.push(this.expression()); while (this.eat(T.comma));
    const end = this.expect(T.rparen, "',' or ')'").end;
    return { type: 'In', operand, list, caseInsensitive, negated, start: operand.start, end };
  }

  private primary(): A.Expr {
    const t = this.tok;
    switch (t.type) {
      case T.string:
        this.next();
        return { type: 'Literal', value: t.value as string, start: t.start, end: t.end };
      case T.number:
        this.next();
        return { type: 'Literal', value: t.value as number, isFloat: !!t.isFloat, start: t.start, end: t.end };
      case T.true:
      case T.false:
        this.next();
        return { type: 'Literal', value: t.type === T.true, start: t.start, end: t.end };
      case T.null:
        this.next();
        return { type: 'Literal', value: null, start: t.start, end: t.end };
      case T.lparen: {
        this.next();
        const e = this.expression();
        this.expect(T.rparen, "')'");
        return e;
      }
      case T.tildeName:
        return this.call();
      case T.name:
        return this.peek().type === T.lparen ? this.call() : this.field(false);
      case T.question: {
        this.next();
        if (this.tok.type !== T.name || this.tok.start !== t.end) this.raise("'?' must be followed directly by a field name");
        return this.field(true, t.start);
      }
      default:
        return this.unexpected('an expression');
    }
  }

  private call(): A.Call {
    const t = this.next();
    this.expect(T.lparen);
    const args: A.Expr[] = [];
    if (this.tok.type !== T.rparen) {
      do args.push(this.expression()); while (this.eat(T.comma));
    }
    const end = this.expect(T.rparen, "',' or ')'").end;
    return { type: 'Call', name: String(t.value), caseInsensitive: t.type === T.tildeName, args, start: t.start, end };
  }

  private field(optional: boolean, start = this.tok.start): A.Field {
    const parts = [String(this.next().value)];
    let end = this.tokens[this.pos - 1]!.end;
    while (this.tok.type === T.dot && this.tok.start === end) {
      this.next();
      const seg = this.tok;
      if (seg.start !== end + 1 || !(seg.type === T.name || seg.type.keyword || seg.type === T.number)) {
        this.unexpected('a field name after .');
      }
      this.next();
      parts.push(this.source.slice(seg.start, seg.end).replace(/^`|`$/g, ''));
      end = seg.end;
    }
    if (this.tok.type === T.lbracket && this.tok.start === end) this.raise('array indexing is not supported');
    return { type: 'Field', path: parts.join('.'), optional, start, end };
  }
}
