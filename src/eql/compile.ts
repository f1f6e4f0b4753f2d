import type * as A from './ast.js';
import { check } from './check.js';
import { compareIps } from './cidr.js';
import { EqlSyntaxError } from './errors.js';
import type { EventView, FieldValue } from './event.js';
import type { DateParser, FieldTypes } from './field-types.js';
import { divide, FUNCTIONS, modulo } from './functions.js';
import { parseExpression, parseQuery } from './parser.js';
import { compileRegex } from './regex.js';
import { comparesAsText, elements, isNullish, scalarCompare, scalarEquals } from './values.js';
import { compareVersions } from './version.js';
import { compileWildcard, foldedWildcard, type StringMatcher } from './wildcard.js';

export type Evaluator = (ev: EventView) => FieldValue;
export type Predicate = (ev: EventView) => boolean;

/**
 * A compiled expression: constant subtrees are folded at compile time with SQL-like
 * three-valued logic (`not null` is null). Anything that reads the event is two-valued, as
 * Elasticsearch's filters are: a comparison or function over a missing value is false and
 * `not` / `!=` / `not in` negate that.
 */
type Compiled = ({ constant: true; value: FieldValue } | { constant: false; fn: Evaluator }) & {
  /** Statically a floating-point number (a float literal takes part), so `/` does not truncate. */
  float?: boolean;
  /** An optional field (`?x`): when absent it stands for the null literal. */
  optional?: boolean;
};

export interface CompileOptions {
  /** Field holding the event category (`process where ...`). Default `event.category`. */
  categoryField?: string;
  /**
   * Field types, as an index mapping gives them (the timestamp field is a date). Comparing a
   * date field with a constant compares instants, the constant standing for the span its
   * precision covers (`== "2017-08-30"` is that day).
   */
  fieldTypes?: FieldTypes;
  /**
   * Shared by every query compiled with these options: a top-level conjunct of a filter that
   * several queries have (`host.os.type == "windows"`) is evaluated once per event for all.
   */
  shared?: Map<string, Predicate>;
}

/** What compiling one query carries along. */
interface Context {
  source: string;
  types: FieldTypes;
  /** Every field path the query reads. */
  fields: Set<string>;
}

export interface CompiledStep {
  matches: Predicate;
  /** `matches` without the category test, for callers that test the category themselves. */
  condition: Predicate;
  /** `process where ...`: the category the event must have; null for `any`. */
  category: string | null;
  /** Join key values (sequence-level keys first, then the step's own). */
  keys: (ev: EventView) => FieldValue[];
  /** Per key: is it an optional field (`?x`), whose absence is a null key rather than no key? */
  optionalKeys: boolean[];
  /** Per key: a date field, whose key value is its instant in epoch milliseconds. */
  dateKeys: boolean[];
  runs: number;
  missing: boolean;
  ast: A.Step;
}

export interface CompiledQuery {
  source: string;
  ast: A.Query;
  type: A.Query['type'];
  /** One step for an event query. */
  steps: CompiledStep[];
  until: CompiledStep | null;
  maxspan: number | null;
  pipes: A.Pipe[];
  /** Every field path the query reads (category field included). */
  fields: string[];
  /** The field `process where ...` reads the category from. */
  categoryField: string;
  /** Fields with a type (date, ip, version...): they do not compare as plain strings. */
  typedFields: string[];
}

const truthy = (v: FieldValue): boolean => v === true || (Array.isArray(v) && v.includes(true));
const constant = (value: FieldValue): Compiled => ({ constant: true, value });
const evaluator = (c: Compiled): Evaluator => (c.constant ? () => c.value : c.fn);

/** Parses, checks and compiles a query. Throws EqlSyntaxError. */
export function compileQuery(source: string, options: CompileOptions = {}): CompiledQuery {
  return compileTree(parseQuery(source), source, options);
}

/**
 * Checks and compiles a syntax tree whose offsets point into `source`, the query's text (a
 * tree built without parsing, as Sigma rules are, or parsed once and passed to a worker).
 * Throws EqlSyntaxError.
 */
export function compileTree(ast: A.Query, source: string, options: CompileOptions = {}): CompiledQuery {
  check(ast, source);
  const categoryField = options.categoryField ?? 'event.category';
  const ctx: Context = { source, types: options.fieldTypes ?? new Map(), fields: new Set([categoryField]) };
  const compileStep = (step: A.Step, sharedKeys: A.Expr[]): CompiledStep => {
    const keys = [...sharedKeys, ...step.by];
    const keyFns = keys.map((k) => joinKey(k, ctx));
    return {
      ...compileFilter(step.filter, categoryField, ctx, options.shared),
      category: step.filter.category,
      keys: (ev) => keyFns.map((f) => f(ev)),
      optionalKeys: keys.map((k) => k.type === 'Field' && k.optional),
      dateKeys: keys.map((k) => dateParser(k, ctx) !== null),
      runs: step.runs,
      missing: step.missing,
      ast: step,
    };
  };
  if (ast.type === 'event') {
    const step: A.Step = { filter: ast.filter, by: [], runs: 1, missing: false, start: ast.start, end: ast.end };
    return { source, ast, type: 'event', steps: [compileStep(step, [])], until: null, maxspan: null, pipes: ast.pipes, fields: [...ctx.fields], categoryField, typedFields: [...ctx.types.keys()] };
  }
  const steps = ast.steps.map((s) => compileStep(s, ast.by));
  const until = ast.type === 'sequence' && ast.until ? compileStep(ast.until, ast.by) : null;
  const maxspan = ast.type === 'sequence' ? ast.maxspan : null;
  return { source, ast, type: ast.type, steps, until, maxspan, pipes: ast.pipes, fields: [...ctx.fields], categoryField, typedFields: [...ctx.types.keys()] };
}

/** The parser of a date-typed field, or null when `e` is not one. */
function dateParser(e: A.Expr, ctx: Context): DateParser | null {
  const t = e.type === 'Field' ? ctx.types.get(e.path) : undefined;
  return t?.type === 'date' ? t.parse : null;
}

/** A join key's value; a date field joins on its instant, whatever format each event wrote it in. */
function joinKey(k: A.Expr, ctx: Context): Evaluator {
  const fn = evaluator(compileExpr(k, ctx));
  const parse = dateParser(k, ctx);
  if (parse === null) return fn;
  const instant = (v: FieldValue): FieldValue => (Array.isArray(v) ? v.map(instant) : v === null ? null : parse(v)?.ms ?? null);
  return (ev) => instant(fn(ev));
}

/** Constant-folds a lone expression (the fold tables); throws when it reads a field. */
export function foldExpression(source: string): FieldValue {
  const ast = parseExpression(source);
  check(ast, source);
  const c = compileExpr(ast, { source, types: new Map(), fields: new Set() });
  if (!c.constant) throw new Error(`not a constant expression: ${source}`);
  return c.value;
}

/** One condition node of a query on its own (explain evaluates a step's tree node by node with it). */
export function compileCondition(e: A.Expr, source: string, options: CompileOptions = {}): Predicate {
  const c = compileExpr(e, { source, types: options.fieldTypes ?? new Map(), fields: new Set() });
  if (c.constant) {
    const b = truthy(c.value);
    return () => b;
  }
  const fn = c.fn;
  return (ev) => truthy(fn(ev));
}

function compileFilter(filter: A.EventFilter, categoryField: string, ctx: Context, shared?: Map<string, Predicate>): { matches: Predicate; condition: Predicate } {
  const condition = compileConjunction(filter.condition, ctx, shared);
  const category = filter.category;
  if (category === null) return { matches: condition, condition };
  return { matches: (ev) => elements(ev.get(categoryField)).some((c) => c === category) && condition(ev), condition };
}

/**
 * A filter condition as the conjunction of its top-level `and` operands (a filter reads
 * `and` two-valued, so this is the same predicate), each shared through `shared`.
 */
function compileConjunction(e: A.Expr, ctx: Context, shared?: Map<string, Predicate>): Predicate {
  const parts: Predicate[] = [];
  for (const c of conjuncts(e)) {
    const compiled = compileExpr(c, ctx);
    if (compiled.constant) {
      if (!truthy(compiled.value)) return () => false;
      continue;
    }
    const fn = compiled.fn;
    const own: Predicate = (ev) => truthy(fn(ev));
    if (!shared) {
      parts.push(own);
      continue;
    }
    const key = JSON.stringify(c, (k, v: unknown) => (k === 'start' || k === 'end' ? undefined : v));
    let pred = shared.get(key);
    if (!pred) shared.set(key, (pred = memoPerEvent(own)));
    parts.push(pred);
  }
  if (parts.length === 0) return () => true;
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  return (ev) => {
    for (const p of parts) if (!p(ev)) return false;
    return true;
  };
}

/** Top-level `and` operands, without recursion (chains may be long). */
function conjuncts(e: A.Expr): A.Expr[] {
  const out: A.Expr[] = [];
  const stack: A.Expr[] = [e];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x.type === 'Logical' && x.op === 'and') stack.push(x.right, x.left);
    else out.push(x);
  }
  return out;
}

/** Remembers the answer for the last event it was asked about (events are views, compared by identity). */
function memoPerEvent(p: Predicate): Predicate {
  let last: EventView | null = null;
  let answer = false;
  return (ev) => {
    if (ev !== last) {
      answer = p(ev);
      last = ev;
    }
    return answer;
  };
}

function compileExpr(e: A.Expr, ctx: Context): Compiled {
  switch (e.type) {
    case 'Literal':
      return e.isFloat ? { ...constant(e.value), float: true } : constant(e.value);
    case 'Field':
      return compileField(e, ctx);
    case 'Not':
      return unary(compileExpr(e.operand, ctx), (v) => (v === null ? null : !truthy(v)), (v) => !truthy(v));
    case 'Negate': {
      const operand = compileExpr(e.operand, ctx);
      return { ...unary(operand, negate, negate), float: operand.float === true };
    }
    case 'Logical':
      return logical(e.op, compileExpr(e.left, ctx), compileExpr(e.right, ctx));
    case 'Compare':
      return dateCompare(e, ctx) ?? compare(e.op, compileExpr(e.left, ctx), compileExpr(e.right, ctx), typedOrder([e.left, e.right], ctx));
    case 'Arith':
      return arith(e.op, compileExpr(e.left, ctx), compileExpr(e.right, ctx));
    case 'Match':
      return match(e, compileExpr(e.operand, ctx));
    case 'In':
      return inList(e, compileExpr(e.operand, ctx), e.list.map((x) => compileExpr(x, ctx)), typedOrder([e.operand], ctx));
    case 'Call':
      return call(e, e.args.map((x) => compileExpr(x, ctx)));
  }
}

function compileField(e: A.Field, ctx: Context): Compiled {
  const path = e.path;
  ctx.fields.add(path);
  const t = ctx.types.get(path);
  if (t?.type === 'text' && !t.keyword) {
    throw new EqlSyntaxError(`field '${path}' is text with no keyword sub-field, so it cannot be compared exactly`, ctx.source, e.start);
  }
  if (t?.type === 'keyword' && t.nullValue !== undefined) {
    const nullValue = t.nullValue;
    return { constant: false, fn: (ev) => { const v = ev.get(path); return v === null ? nullValue : v ?? null; }, optional: e.optional };
  }
  return { constant: false, fn: (ev) => ev.get(path) ?? null, optional: e.optional, float: t?.type === 'number' && t.float };
}

/** Orders two scalars; null when they are not comparable. */
type Order = (x: FieldValue, y: FieldValue) => number | null;
const asText = (v: FieldValue) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
const VERSION_ORDER: Order = (x, y) => {
  const a = asText(x);
  const b = asText(y);
  return a === null || b === null ? null : compareVersions(a, b);
};
const IP_ORDER: Order = (x, y) => (typeof x === 'string' && typeof y === 'string' ? compareIps(x, y) : null);

/** The order a comparison with a version or ip field uses (either side); undefined for plain values. */
function typedOrder(sides: A.Expr[], ctx: Context): Order | undefined {
  for (const side of sides) {
    const t = side.type === 'Field' ? ctx.types.get(side.path)?.type : undefined;
    if (t === 'version') return VERSION_ORDER;
    if (t === 'ip') return IP_ORDER;
  }
  return undefined;
}

const DATE_TESTS: Record<A.CompareOp, (v: number, lo: number, hi: number) => boolean> = {
  '==': (v, lo, hi) => v >= lo && v < hi,
  '!=': (v, lo, hi) => v < lo || v >= hi,
  '<': (v, lo) => v < lo,
  '<=': (v, _lo, hi) => v < hi,
  '>': (v, _lo, hi) => v >= hi,
  '>=': (v, lo) => v >= lo,
};
const FLIPPED: Record<A.CompareOp, A.CompareOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** `dateField <op> constant` (either way round) as a date comparison, or null when it is not one. */
function dateCompare(e: A.Compare, ctx: Context): Compiled | null {
  const [field, lit, op] = e.left.type === 'Field' && e.right.type === 'Literal' ? [e.left, e.right, e.op]
    : e.right.type === 'Field' && e.left.type === 'Literal' ? [e.right, e.left, FLIPPED[e.op]] : [null, null, e.op];
  const parse = field && dateParser(field, ctx);
  if (!field || !lit || !parse || lit.value === null) return null;
  const bound = parse(lit.value);
  if (!bound) return null;
  const { ms: lo, unit } = bound;
  // Past ~2^37 ms a nanosecond unit is below a double's resolution: widen it to one step.
  const hi = lo + Math.max(unit, Math.abs(lo) * Number.EPSILON);
  const test = DATE_TESTS[op];
  const read = evaluator(compileField(field, ctx));
  return {
    constant: false,
    fn: (ev) => {
      return elements(read(ev)).some((x) => {
        const d = parse(x);
        return d !== null && test(d.ms, lo, hi);
      });
    },
  };
}

function negate(v: FieldValue): FieldValue {
  const n = typeof v === 'number' ? v : null;
  return n === null ? null : -n;
}

function unary(c: Compiled, fold: (v: FieldValue) => FieldValue, run: (v: FieldValue) => FieldValue): Compiled {
  if (c.constant) return constant(fold(c.value));
  const fn = c.fn;
  return { constant: false, fn: (ev) => run(fn(ev)) };
}

function logical(op: 'and' | 'or', l: Compiled, r: Compiled): Compiled {
  if (l.constant && r.constant) return constant(kleene(op, l.value, r.value));
  // A constant side decides or drops out.
  for (const [c, other] of [[l, r], [r, l]] as const) {
    if (!c.constant) continue;
    const b = truthy(c.value);
    if (op === 'and') return b ? { constant: false, fn: (ev) => truthy(evaluator(other)(ev)) } : constant(false);
    return b ? constant(true) : { constant: false, fn: (ev) => truthy(evaluator(other)(ev)) };
  }
  const lf = evaluator(l);
  const rf = evaluator(r);
  return op === 'and'
    ? { constant: false, fn: (ev) => truthy(lf(ev)) && truthy(rf(ev)) }
    : { constant: false, fn: (ev) => truthy(lf(ev)) || truthy(rf(ev)) };
}

function kleene(op: 'and' | 'or', a: FieldValue, b: FieldValue): FieldValue {
  const x = a === null ? null : truthy(a);
  const y = b === null ? null : truthy(b);
  if (op === 'and') return x === false || y === false ? false : x === null || y === null ? null : true;
  return x === true || y === true ? true : x === null || y === null ? null : false;
}

/** Any pair of (left element, right element) satisfies `test`. */
function anyPair(a: FieldValue, b: FieldValue, test: (x: FieldValue, y: FieldValue) => boolean): boolean {
  if (!Array.isArray(a) && !Array.isArray(b)) return a !== null && b !== null && test(a, b);
  const xs = elements(a);
  const ys = elements(b);
  return xs.some((x) => ys.some((y) => test(x, y)));
}

const ORDER: Record<'<' | '<=' | '>' | '>=', (c: number) => boolean> = {
  '<': (c) => c < 0, '<=': (c) => c <= 0, '>': (c) => c > 0, '>=': (c) => c >= 0,
};

function compareTest(op: A.CompareOp, order: Order | undefined): (x: FieldValue, y: FieldValue) => boolean {
  if (order) {
    const holds = op === '==' || op === '!=' ? (c: number) => c === 0 : ORDER[op];
    return (x, y) => { const c = order(x, y); return c !== null && holds(c); };
  }
  if (op === '==' || op === '!=') return (x, y) => scalarEquals(x, y, false);
  const ok = ORDER[op];
  return (x, y) => { const c = scalarCompare(x, y); return c !== null && ok(c); };
}

function compare(op: A.CompareOp, l: Compiled, r: Compiled, order?: Order): Compiled {
  const test = compareTest(op, order);
  const negated = op === '!=';
  // `x == null` / `x != null` test presence (folded too: `"a" == null` is false).
  const nullSide = (l.constant && l.value === null) || (r.constant && r.value === null);
  if (nullSide && (op === '==' || op === '!=')) {
    const other = l.constant && l.value === null ? r : l;
    if (other.constant) return constant(isNullish(other.value) !== negated);
    const fn = other.fn;
    return { constant: false, fn: (ev) => isNullish(fn(ev)) !== negated };
  }
  if (l.constant && r.constant) {
    if (l.value === null || r.value === null) return constant(null);
    return constant(anyPair(l.value, r.value, test) !== negated);
  }
  if (nullSide) return constant(false);
  const lf = evaluator(l);
  const rf = evaluator(r);
  // Over a missing value a comparison is null (false in a filter, so `null == (x > 1)` holds);
  // `!=` negates the failed equality and is true.
  if (l.optional || r.optional) {
    // An absent optional field is the null literal, so `==`/`!=` become presence tests.
    const equality = op === '==' || op === '!=';
    return {
      constant: false,
      fn: (ev) => {
        const a = lf(ev);
        const b = rf(ev);
        if (equality && ((a === null && l.optional) || (b === null && r.optional))) return isNullish(a === null && l.optional ? b : a) !== negated;
        if (negated) return !anyPair(a, b, test);
        return a === null || b === null ? null : anyPair(a, b, test);
      },
    };
  }
  if (negated) return { constant: false, fn: (ev) => !anyPair(lf(ev), rf(ev), test) };
  return {
    constant: false,
    fn: (ev) => {
      const a = lf(ev);
      const b = rf(ev);
      return a === null || b === null ? null : anyPair(a, b, test);
    },
  };
}

function arith(op: A.ArithOp, l: Compiled, r: Compiled): Compiled {
  const float = l.float === true || r.float === true;
  const f = (a: FieldValue, b: FieldValue): FieldValue => {
    const x = typeof a === 'number' ? a : null;
    const y = typeof b === 'number' ? b : null;
    if (x === null || y === null) return null;
    const v = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? divide(x, y, float) : modulo(x, y);
    return v === null || !Number.isFinite(v) ? null : v;
  };
  if (l.constant && r.constant) return { ...constant(f(l.value, r.value)), float };
  const lf = evaluator(l);
  const rf = evaluator(r);
  return { constant: false, fn: (ev) => f(lf(ev), rf(ev)), float };
}

function match(e: A.Match, operand: Compiled): Compiled {
  // Case-insensitive wildcards take the value folded once for all of them.
  const folding = e.kind !== 'regex' && e.caseInsensitive;
  const onText: StringMatcher[] = [];
  const onFolded: StringMatcher[] = [];
  for (const p of e.patterns) {
    if (typeof p.value !== 'string') {
      const lit = p.value;
      onText.push((s: string) => lit !== null && scalarEquals(s, lit, true));
    } else if (e.kind === 'regex') {
      onText.push(compileRegex(p.value, e.caseInsensitive));
    } else if (folding) {
      onFolded.push(foldedWildcard(p.value));
    } else {
      onText.push(compileWildcard(p.value, false));
    }
  }
  const test = (v: FieldValue): boolean =>
    elements(v).some((x) => {
      const s = typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : null;
      if (s === null) return false;
      if (onText.some((m) => m(s))) return true;
      if (onFolded.length === 0) return false;
      const folded = s.toLowerCase();
      return onFolded.some((m) => m(folded));
    });
  if (operand.constant) return constant(operand.value === null ? null : test(operand.value));
  const fn = operand.fn;
  return { constant: false, fn: (ev) => test(fn(ev)) };
}

function inList(e: A.In, operand: Compiled, list: Compiled[], order: Order | undefined): Compiled {
  const ci = e.caseInsensitive;
  const equal = order ? (x: FieldValue, y: FieldValue) => order(x, y) === 0 : (x: FieldValue, y: FieldValue) => scalarEquals(x, y, ci);
  const member = (v: FieldValue, items: FieldValue[]) =>
    elements(v).some((x) => items.some((item) => elements(item).some((y) => equal(x, y))));
  const items = constantValues(list);
  if (operand.constant && items) {
    if (operand.value === null) return constant(null);
    return constant(member(operand.value, items) !== e.negated);
  }
  const op = evaluator(operand);
  if (items) {
    const set = ci || order ? null : exactSet(items);
    if (set) return { constant: false, fn: (ev) => elements(op(ev)).some((x) => set.has(typeof x === 'number' ? x : String(x))) !== e.negated };
    return { constant: false, fn: (ev) => member(op(ev), items) !== e.negated };
  }
  const fns = list.map(evaluator);
  return { constant: false, fn: (ev) => member(op(ev), fns.map((f) => f(ev))) !== e.negated };
}

/**
 * A Set lookup is equivalent to scalarEquals only for lists of plain strings that are neither
 * numeric (numbers compare with numeric strings) nor boolean in any case (`true` equals
 * `"TRUE"`) — otherwise fall back to pairwise equality.
 */
function exactSet(items: FieldValue[]): Set<string | number> | null {
  const strings = items.filter((i): i is string => typeof i === 'string' && comparesAsText(i));
  return strings.length === items.length ? new Set(strings) : null;
}

/** The values of a list of compiled expressions when all are constants, else null. */
function constantValues(list: Compiled[]): FieldValue[] | null {
  const out: FieldValue[] = [];
  for (const c of list) {
    if (!c.constant) return null;
    out.push(c.value);
  }
  return out;
}

const ARITH_FUNCTIONS: ReadonlyMap<string, A.ArithOp> = new Map([['add', '+'], ['subtract', '-'], ['multiply', '*'], ['divide', '/'], ['modulo', '%']]);

function call(e: A.Call, args: Compiled[]): Compiled {
  const name = e.name.toLowerCase();
  const op = ARITH_FUNCTIONS.get(name);
  const [a, b] = args;
  // With a float operand, the same as the `+ - * / %` operators, which know about float operands.
  if (op && a && b && args.some((x) => x.float)) return arith(op, a, b);
  const spec = FUNCTIONS.get(name);
  if (!spec) throw new Error(`unknown function '${e.name}' got past check()`);
  const ci = e.caseInsensitive;
  const values = constantValues(args);
  if (values) return constant(spec.call(values, ci));
  const fast = spec.specialize?.(args.map((a) => (a.constant ? a.value : undefined)));
  const callFn = fast ?? spec.call;
  const fns = args.map(evaluator);
  return { constant: false, fn: (ev) => callFn(fns.map((f) => f(ev)), ci) };
}
