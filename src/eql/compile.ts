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
type Compiled = { constant: true; value: FieldValue } | { constant: false; fn: Evaluator };

export interface CompileOptions {
  /** Field holding the event category (`process where ...`). Default `event.category`. */
  categoryField?: string;
}

export interface CompiledStep {
  matches: Predicate;
  /** Join key values (sequence-level keys first, then the step's own). */
  keys: (ev: EventView) => FieldValue[];
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
    const keyFns = [...sharedKeys, ...step.by].map((k) => evaluator(compileExpr(k, fields)));
    return {
      matches: compileFilter(step.filter, categoryField, fields),
      keys: (ev) => keyFns.map((f) => f(ev)),
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

function compileFilter(filter: A.EventFilter, categoryField: string, fields: Set<string>): Predicate {
  const cond = compileExpr(filter.condition, fields);
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

function compileExpr(e: A.Expr, fields: Set<string>): Compiled {
  switch (e.type) {
    case 'Literal':
      return constant(e.value);
    case 'Field': {
      const path = e.path;
      fields.add(path);
      return { constant: false, fn: (ev) => ev.get(path) ?? null };
    }
    case 'Not':
      return unary(compileExpr(e.operand, fields), (v) => (v === null ? null : !truthy(v)), (v) => !truthy(v));
    case 'Negate':
      return unary(compileExpr(e.operand, fields), negate, negate);
    case 'Logical':
      return logical(e.op, compileExpr(e.left, fields), compileExpr(e.right, fields));
    case 'Compare':
      return compare(e.op, compileExpr(e.left, fields), compileExpr(e.right, fields));
    case 'Arith':
      return arith(e.op, compileExpr(e.left, fields), compileExpr(e.right, fields));
    case 'Match':
      return match(e, compileExpr(e.operand, fields));
    case 'In':
      return inList(e, compileExpr(e.operand, fields), e.list.map((x) => compileExpr(x, fields)));
    case 'Call':
      return call(e, e.args.map((x) => compileExpr(x, fields)));
  }
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
  if (l.constant && r.constant) {
    if (l.value === null || r.value === null) return constant(null);
    return constant(anyPair(l.value, r.value, test) !== negated);
  }
  // `x == null` / `x != null` test presence.
  const nullSide = (l.constant && l.value === null) || (r.constant && r.value === null);
  if (nullSide && (op === '==' || op === '!=')) {
    const fn = evaluator(l.constant ? r : l);
    return { constant: false, fn: (ev) => isNullish(fn(ev)) !== negated };
  }
  if (nullSide) return constant(false);
  const lf = evaluator(l);
  const rf = evaluator(r);
  return { constant: false, fn: (ev) => anyPair(lf(ev), rf(ev), test) !== negated };
}

function arith(op: A.ArithOp, l: Compiled, r: Compiled): Compiled {
  const f = (a: FieldValue, b: FieldValue): FieldValue => {
    const x = typeof a === 'number' ? a : null;
    const y = typeof b === 'number' ? b : null;
    if (x === null || y === null) return null;
    const v = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? divide(x, y) : modulo(x, y);
    return v === null || !Number.isFinite(v) ? null : v;
  };
  if (l.constant && r.constant) return constant(f(l.value, r.value));
  const lf = evaluator(l);
  const rf = evaluator(r);
  return { constant: false, fn: (ev) => f(lf(ev), rf(ev)) };
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

function call(e: A.Call, args: Compiled[]): Compiled {
  const spec = FUNCTIONS.get(e.name.toLowerCase())!;
  const ci = e.caseInsensitive;
  if (args.every((a) => a.constant)) {
    return constant(spec.call(args.map((a) => (a as { value: FieldValue }).value), ci));
  }
  const fast = spec.specialize?.(args.map((a) => (a.constant ? a.value : undefined)));
  const callFn = fast ?? spec.call;
  const fns = args.map(evaluator);
  return { constant: false, fn: (ev) => callFn(fns.map((f) => f(ev)), ci) };
}
