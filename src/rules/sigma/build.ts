import type { Expr, Field, Literal, LiteralValue, Match, Query } from '../../eql/index.js';

/**
 * Builders of EQL syntax tree nodes. Offsets are 0 here: `print.ts` writes the tree as EQL
 * text and sets each node's offsets into that text.
 */

export const lit = (value: LiteralValue): Literal =>
  typeof value === 'number'
    ? { type: 'Literal', value, isFloat: !Number.isInteger(value), start: 0, end: 0 }
    : { type: 'Literal', value, start: 0, end: 0 };

export const field = (path: string): Field => ({ type: 'Field', path, optional: false, start: 0, end: 0 });

export function not(operand: Expr): Expr {
  if (operand.type === 'Not') return operand.operand;
  if (operand.type === 'Literal' && typeof operand.value === 'boolean') return lit(!operand.value);
  return { type: 'Not', operand, start: 0, end: 0 };
}

/** `a and b and ...` as a balanced tree (the parser balances long chains too); true when empty. */
export function and(terms: Expr[]): Expr {
  return logical('and', terms);
}

/** `a or b or ...`; false when empty. */
export function or(terms: Expr[]): Expr {
  return logical('or', terms);
}

function logical(op: 'and' | 'or', terms: Expr[]): Expr {
  const neutral = op === 'and';
  const kept: Expr[] = [];
  for (const t of terms) {
    if (t.type === 'Literal' && typeof t.value === 'boolean') {
      if (t.value === neutral) continue;
      return lit(!neutral);
    }
    // Nested chains of the same operator are spliced in: one flat chain, balanced as the parser balances it.
    if (t.type === 'Logical' && t.op === op) kept.push(...chain(t));
    else kept.push(t);
  }
  if (kept.length === 0) return lit(neutral);
  const build = (lo: number, hi: number): Expr => {
    // lo < hi ≤ kept.length: the slice is never empty.
    if (hi - lo === 1) return kept[lo]!;
    const mid = lo + ((hi - lo) >> 1);
    return { type: 'Logical', op, left: build(lo, mid), right: build(mid, hi), start: 0, end: 0 };
  };
  return build(0, kept.length);
}

export function match(kind: Match['kind'], caseInsensitive: boolean, operand: Expr, patterns: string[]): Match {
  return { type: 'Match', kind, caseInsensitive, operand, patterns: patterns.map(lit), start: 0, end: 0 };
}

export function compare(op: '==' | '!=' | '<' | '<=' | '>' | '>=', left: Expr, right: Expr): Expr {
  return { type: 'Compare', op, left, right, start: 0, end: 0 };
}

export function call(name: string, caseInsensitive: boolean, args: Expr[]): Expr {
  return { type: 'Call', name, caseInsensitive, args, start: 0, end: 0 };
}

/** `category where condition` (null category: `any`). */
export function eventQuery(category: string | null, condition: Expr): Query {
  return { type: 'event', filter: { category, condition, start: 0, end: 0 }, pipes: [], start: 0, end: 0 };
}

/** The operands of a chain of one logical operator, left to right (iterative: chains may be long). */
export function chain(e: Expr): Expr[] {
  if (e.type !== 'Logical') return [e];
  const op = e.op;
  const out: Expr[] = [];
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'Logical' && x.op === op) stack.push(x.right, x.left);
    else out.push(x);
  }
  return out;
}
