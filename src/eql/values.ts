import type { FieldValue } from './event.js';

/**
 * Value semantics shared by operators and functions. Event values may be arrays
 * (multi-valued fields); scalar helpers here take one element.
 */
export type Scalar = string | number | boolean | null;

const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * A string that `==` and `in` compare as text only: not numeric (those also equal numbers)
 * and not a boolean word (those also equal booleans). Fast paths and literal searches may
 * rely on its exact spelling; other strings they must leave to the general comparison.
 */
export function comparesAsText(v: string): boolean {
  return !NUMERIC.test(v) && !/^(true|false)$/i.test(v);
}

/** Numbers from numbers or numeric strings (event data often carries `"1234"`). */
export function toNumber(v: FieldValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return null;
}

export function isNullish(v: FieldValue | undefined): v is null | undefined {
  return v === null || v === undefined || (Array.isArray(v) && v.every((x) => x === null));
}

/** Elements of a possibly multi-valued value, nested arrays flattened, nulls dropped. */
export function elements(v: FieldValue | undefined): FieldValue[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) return [v];
  const out: FieldValue[] = [];
  // Iterative: event data can nest arrays deeper than the call stack.
  const stack: { arr: FieldValue[]; i: number }[] = [{ arr: v, i: 0 }];
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    if (top.i === top.arr.length) {
      stack.pop();
      continue;
    }
    const x = top.arr[top.i++];
    if (Array.isArray(x)) {
      stack.push({ arr: x, i: 0 });
    } else if (x !== null && x !== undefined) {
      out.push(x);
    }
  }
  return out;
}

/** Equality of two non-null scalars, with number/string and boolean/string coercion. */
export function scalarEquals(a: FieldValue, b: FieldValue, caseInsensitive: boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    return a === b || (caseInsensitive && a.toLowerCase() === b.toLowerCase());
  }
  if (typeof a === typeof b) return a === b;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = toNumber(a);
    const y = toNumber(b);
    return x !== null && y !== null && x === y;
  }
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b.toLowerCase();
  if (typeof b === 'boolean' && typeof a === 'string') return String(b) === a.toLowerCase();
  return false;
}

/** Ordering of two non-null scalars: numbers numerically, strings by code unit; null when incomparable. */
export function scalarCompare(a: FieldValue, b: FieldValue): number | null {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return null;
}

/** String form of a scalar as EQL's `string()` renders it. */
export function toText(v: FieldValue): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** First non-null element of a multi-valued value (what a value function reads). */
export function first(v: FieldValue | undefined): FieldValue | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) return v;
  for (const x of v) if (x !== null) return first(x);
  return null;
}
