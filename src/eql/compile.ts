import type * as A from './ast.js';
import { check } from './check.js';
import type { EventView, FieldValue } from './event.js';
import { divide, FUNCTIONS, modulo } from './functions.js';
import { parseExpression, parseQuery } from './parser.js';
import { compileRegex } from './regex.js';
import { elements, isNullish, scalarCompare, scalarEquals, toNumber } from './values.js';
import { compileWildcard, type StringMatcher } from './wildcard.js';

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
   * Date-typed fields (the timestamp field): comparing one with a constant compares dates,
   * the constant standing for the span its precision covers (`== "2017-08-30"` is that day).
   */
  dates?: { fields: string[]; parse: (v: FieldValue) => { ms: number; unit: number } | null };
}

export interface CompiledStep {
  matches: Predicate;
  /** Join key values (sequence-level keys first, then the step's own). */
  keys: (ev: EventView) => FieldValue[];
  /** Per key: is it an optional field (`?x`), whose absence is a null key rather than no key? */
  optionalKeys: boolean[];
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
}

const truthy = (v: FieldValue): boolean => v === true || (Array.isArray(v) && v.includes(true));
const constant = (value: FieldValue): Compiled => ({ constant: true, value });
const evaluator = (c: Compiled): Evaluator => (c.constant ? () => c.value : c.fn);

/** Parses, checks and compiles a query. Throws EqlSyntaxError. */
export function compileQuery(source: string, options: CompileOptions = {}): CompiledQuery {
  const ast = parseQuery(source);
  check(ast, source);
  const categoryField = options.categoryField ?? 'event.category';
  const fields = new Set<string>([categoryField]);
  const compileStep = (step: A.Step, sharedKeys: A.Expr[]): CompiledStep => {
    const keyFns = [...sharedKeys, ...step.by].map((k) => evaluator(compileExpr(k, fields, options.dates)));
    return {
      matches: compileFilter(step.filter, categoryField, fields, options.dates),
      keys: (ev) => keyFns.map((f) => f(ev)),
      optionalKeys: [...sharedKeys, ...step.by].map((k) => k.type === 'Field' && k.optional),
      runs: step.runs,
      missing: step.missing,
      ast: step,
    };
  };
  if (ast.type === 'event') {
    const step: A.Step = { filter: ast.filter, by: [], runs: 1, missing: false, start: ast.start, end: ast.end };
    return { source, ast, type: 'event', steps: [compileStep(step, [])], until: null, maxspan: null, pipes: ast.pipes, fields: [...fields] };
  }
  const steps = ast.steps.map((s) => compileStep(s, ast.by));
  const until = ast.type === 'sequence' && ast.until ? compileStep(ast.until, ast.by) : null;
  const maxspan = ast.type === 'sequence' ? ast.maxspan : null;
  return { source, ast, type: ast.type, steps, until, maxspan, pipes: ast.pipes, fields: [...fields] };
}

/** Constant-folds a lone expression (the fold tables); throws when it reads a field. */
export function foldExpression(source: string): FieldValue {
  const ast = parseExpression(source);
  check(ast, source);
  const c = compileExpr(ast, new Set());
  if (!c.constant) throw new Error(`not a constant expression: ${source}`);
  return c.value;
}

/** One condition node on its own (explain evaluates a step's tree node by node with it). */
export function compileCondition(e: A.Expr, options: CompileOptions = {}): Predicate {
  const c = compileExpr(e, new Set(), options.dates);
  if (c.constant) {
    const b = truthy(c.value);
    return () => b;
  }
  const fn = c.fn;
  return (ev) => truthy(fn(ev));
}

function compileFilter(filter: A.EventFilter, categoryField: string, fields: Set<string>, dates?: CompileOptions['dates']): Predicate {
  const cond = compileExpr(filter.condition, fields, dates);
  const category = filter.category;
  const inCategory: Predicate | null = category === null
    ? null
    : (ev) => elements(ev.get(categoryField)).some((c) => c === category);
  if (cond.constant) {
    if (!truthy(cond.value)) return () => false;
    return inCategory ?? (() => true);
  }
  const fn = cond.fn;
  return inCategory ? (ev) => inCategory(ev) && truthy(fn(ev)) : (ev) => truthy(fn(ev));
}

function compileExpr(e: A.Expr, fields: Set<string>, dates?: CompileOptions['dates']): Compiled {
  switch (e.type) {
    case 'Literal':
      return e.isFloat ? { ...constant(e.value), float: true } : constant(e.value);
    case 'Field': {
      const path = e.path;
      fields.add(path);
      return { constant: false, fn: (ev) => ev.get(path) ?? null, optional: e.optional };
    }
    case 'Not':
      return unary(compileExpr(e.operand, fields, dates), (v) => (v === null ? null : !truthy(v)), (v) => !truthy(v));
    case 'Negate': {
      const operand = compileExpr(e.operand, fields, dates);
      return { ...unary(operand, negate, negate), float: operand.float === true };
    }
    case 'Logical':
      return logical(e.op, compileExpr(e.left, fields, dates), compileExpr(e.right, fields, dates));
    case 'Compare': {
      const dated = dates && dateCompare(e, dates, fields);
      return dated || compare(e.op, compileExpr(e.left, fields, dates), compileExpr(e.right, fields, dates));
    }
    case 'Arith':
      return arith(e.op, compileExpr(e.left, fields, dates), compileExpr(e.right, fields, dates));
    case 'Match':
      return match(e, compileExpr(e.operand, fields, dates));
    case 'In':
      return inList(e, compileExpr(e.operand, fields, dates), e.list.map((x) => compileExpr(x, fields, dates)));
    case 'Call':
      return call(e, e.args.map((x) => compileExpr(x, fields, dates)));
  }
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
function dateCompare(e: A.Compare, dates: NonNullable<CompileOptions['dates']>, fields: Set<string>): Compiled | null {
  const [field, lit, op] = e.left.type === 'Field' && e.right.type === 'Literal' ? [e.left, e.right, e.op]
    : e.right.type === 'Field' && e.left.type === 'Literal' ? [e.right, e.left, FLIPPED[e.op]] : [null, null, e.op];
  if (!field || !lit || !dates.fields.includes(field.path) || lit.value === null) return null;
  const bound = dates.parse(lit.value);
  if (!bound) return null;
  const { ms: lo, unit } = bound;
  // Past ~2^37 ms a nanosecond unit is below a double's resolution: widen it to one step.
  const hi = lo + Math.max(unit, Math.abs(lo) * Number.EPSILON);
  const test = DATE_TESTS[op];
  const path = field.path;
  fields.add(path);
  return {
    constant: false,
    fn: (ev) => {
      const v = ev.get(path);
      return elements(v ?? null).some((x) => {
        const d = dates.parse(x);
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

function compareTest(op: A.CompareOp): (x: FieldValue, y: FieldValue) => boolean {
  if (op === '==' || op === '!=') return (x, y) => scalarEquals(x, y, false);
  const ok = ORDER[op];
  return (x, y) => { const c = scalarCompare(x, y); return c !== null && ok(c); };
}

function compare(op: A.CompareOp, l: Compiled, r: Compiled): Compiled {
  const test = compareTest(op);
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
  const matchers: StringMatcher[] = e.patterns.map((p) => {
    if (typeof p.value !== 'string') {
      const lit = p.value;
      return (s: string) => lit !== null && scalarEquals(s, lit, true);
    }
    return e.kind === 'regex' ? compileRegex(p.value, e.caseInsensitive) : compileWildcard(p.value, e.caseInsensitive);
  });
  const test = (v: FieldValue): boolean =>
    elements(v).some((x) => {
      const s = typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : null;
      return s !== null && matchers.some((m) => m(s));
    });
  if (operand.constant) return constant(operand.value === null ? null : test(operand.value));
  const fn = operand.fn;
  return { constant: false, fn: (ev) => test(fn(ev)) };
}

function inList(e: A.In, operand: Compiled, list: Compiled[]): Compiled {
  const ci = e.caseInsensitive;
  const member = (v: FieldValue, items: FieldValue[]) =>
    elements(v).some((x) => items.some((item) => elements(item).some((y) => scalarEquals(x, y, ci))));
  if (operand.constant && list.every((c) => c.constant)) {
    if (operand.value === null) return constant(null);
    const items = list.map((c) => (c as { value: FieldValue }).value);
    return constant(member(operand.value, items) !== e.negated);
  }
  const op = evaluator(operand);
  if (list.every((c) => c.constant)) {
    const items = list.map((c) => (c as { value: FieldValue }).value);
    const set = ci ? null : exactSet(items);
    if (set) return { constant: false, fn: (ev) => elements(op(ev)).some((x) => set.has(typeof x === 'number' ? x : String(x))) !== e.negated };
    return { constant: false, fn: (ev) => member(op(ev), items) !== e.negated };
  }
  const fns = list.map(evaluator);
  return { constant: false, fn: (ev) => member(op(ev), fns.map((f) => f(ev))) !== e.negated };
}

/**
 * A Set lookup is equivalent to scalarEquals only for lists of plain strings that are not
 * numeric (numbers compare with numeric strings) — otherwise fall back to pairwise equality.
 */
function exactSet(items: FieldValue[]): Set<string | number> | null {
  if (!items.every((i) => typeof i === 'string' && toNumber(i) === null && i !== 'true' && i !== 'false')) return null;
  return new Set(items as string[]);
}

const ARITH_FUNCTIONS = new Set(['add', 'subtract', 'multiply', 'divide', 'modulo']);

function call(e: A.Call, args: Compiled[]): Compiled {
  const name = e.name.toLowerCase();
  const float = ARITH_FUNCTIONS.has(name) && args.some((a) => a.float);
  if (float) {
    // Same as the `+ - * / %` operators, which know about float operands.
    const op = ({ add: '+', subtract: '-', multiply: '*', divide: '/', modulo: '%' } as const)[name as 'add'];
    return arith(op, args[0]!, args[1]!);
  }
  const spec = FUNCTIONS.get(name)!;
  const ci = e.caseInsensitive;
  if (args.every((a) => a.constant)) {
    return constant(spec.call(args.map((a) => (a as { value: FieldValue }).value), ci));
  }
  const fast = spec.specialize?.(args.map((a) => (a.constant ? a.value : undefined)));
  const callFn = fast ?? spec.call;
  const fns = args.map(evaluator);
  return { constant: false, fn: (ev) => callFn(fns.map((f) => f(ev)), ci) };
}
