import type { FieldValue } from './event.js';
import { compileCidrs, parseCidr, parseIp, type CidrMatcher } from './cidr.js';
import { elements, first, toNumber, toText } from './values.js';

/**
 * EQL functions. Each takes its evaluated arguments (possibly multi-valued) and whether the
 * `~` form was used. Predicates over a multi-valued first argument hold when any element does;
 * value functions read the first element. A null where a value is needed gives null.
 */
export interface FunctionSpec {
  name: string;
  minArgs: number;
  maxArgs: number;
  /** Accepts the case-insensitive `name~` form. */
  tilde: boolean;
  /**
   * Argument types a constant argument must have (s string, n number, b boolean, * any);
   * the last letter repeats. A null constant is always accepted.
   */
  params: string;
  call(args: (FieldValue | undefined)[], caseInsensitive: boolean): FieldValue;
  /**
   * Optional: given the arguments known at compile time (undefined where not constant),
   * return a faster call for the remaining ones, or null when no shortcut applies.
   */
  specialize?(constants: (FieldValue | undefined)[]): FunctionSpec['call'] | null;
}

const fold = (s: string, ci: boolean) => (ci ? s.toLowerCase() : s);

function text(v: FieldValue | undefined): string | null {
  const x = first(v);
  return x === null ? null : toText(x);
}

function num(v: FieldValue | undefined): number | null {
  const x = first(v);
  return typeof x === 'number' ? x : null;
}

function arith(op: (a: number, b: number) => number | null) {
  return (args: (FieldValue | undefined)[]) => {
    const a = num(args[0]);
    const b = num(args[1]);
    if (a === null || b === null) return null;
    const r = op(a, b);
    return r === null || !Number.isFinite(r) ? null : r;
  };
}

/** Integer operands give integer division, as Elasticsearch's long arithmetic does. */
export const divide = (a: number, b: number, float = false): number | null =>
  b === 0 ? null : !float && Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b;
export const modulo = (a: number, b: number): number | null => (b === 0 ? null : a % b);

/** A string predicate over (haystack, needle) with any-element semantics on the haystack. */
function stringPredicate(test: (s: string, sub: string) => boolean) {
  return (args: (FieldValue | undefined)[], ci: boolean): FieldValue => {
    const sub = text(args[1]);
    const hay = elements(args[0]);
    if (sub === null || hay.length === 0) return null;
    const needle = fold(sub, ci);
    return hay.some((h) => {
      const s = toText(h);
      return s !== null && test(fold(s, ci), needle);
    });
  };
}

function between(args: (FieldValue | undefined)[], ci: boolean): FieldValue {
  const src = text(args[0]);
  const left = text(args[1]);
  const right = text(args[2]);
  const greedy = args[3] === undefined ? false : first(args[3]);
  if (src === null || left === null || right === null || typeof greedy !== 'boolean') return null;
  const s = fold(src, ci);
  const start = s.indexOf(fold(left, ci));
  if (start === -1) return '';
  const from = start + left.length;
  const r = fold(right, ci);
  const end = greedy ? s.lastIndexOf(r) : s.indexOf(r, from);
  return end === -1 || end < from ? '' : src.slice(from, end);
}

function concat(args: (FieldValue | undefined)[]): FieldValue {
  let out = '';
  for (const a of args) {
    const s = text(a);
    if (s === null) return null;
    out += s;
  }
  return out;
}

function indexOf(args: (FieldValue | undefined)[], ci: boolean): FieldValue {
  const s = text(args[0]);
  const sub = text(args[1]);
  const start = args[2] === undefined || first(args[2]) === null ? 0 : num(args[2]);
  if (s === null || sub === null || start === null) return null;
  const i = fold(s, ci).indexOf(fold(sub, ci), Math.max(0, start));
  return i === -1 ? null : i;
}

function length(args: (FieldValue | undefined)[]): FieldValue {
  const s = text(args[0]);
  return s === null ? null : s.length;
}

function toNumberFn(args: (FieldValue | undefined)[]): FieldValue {
  const v = first(args[0]);
  const given = args[1] === undefined || first(args[1]) === null ? null : num(args[1]);
  if (v === null || (given === null && args[1] !== undefined && first(args[1]) !== null)) return null;
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  // Without a base, a 0x prefix means hexadecimal.
  const base = given ?? (/^\s*[-+]?0x/i.test(v) ? 16 : 10);
  if (base === 10) return toNumber(v);
  let digits = v.trim().toLowerCase();
  const neg = digits.startsWith('-');
  if (neg || digits.startsWith('+')) digits = digits.slice(1);
  if (base === 16 && digits.startsWith('0x')) digits = digits.slice(2);
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  if (digits === '' || [...digits].some((c) => !alphabet.includes(c))) return null;
  const n = parseInt(digits, base);
  return neg ? -n : n;
}

function substring(args: (FieldValue | undefined)[]): FieldValue {
  const s = text(args[0]);
  // A null (or omitted) position means the start or the end of the string.
  const start = first(args[1]) === null ? 0 : num(args[1]);
  const end = args[2] === undefined || first(args[2]) === null ? s?.length ?? 0 : num(args[2]);
  if (s === null || start === null || end === null) return null;
  // Python slice semantics: negative positions count from the end.
  const at = (i: number) => Math.min(s.length, Math.max(0, i < 0 ? s.length + i : i));
  const a = at(start);
  const b = at(end);
  return b <= a ? '' : s.slice(a, b);
}

function cidrCall(matcher: CidrMatcher) {
  return (args: (FieldValue | undefined)[]): FieldValue => {
    const ips = elements(args[0]);
    if (ips.length === 0) return null;
    return ips.some((ip) => typeof ip === 'string' && matcher(ip));
  };
}

/** The ranges, or null when one is missing or not a range. */
function cidrRanges(args: (FieldValue | undefined)[]): NonNullable<ReturnType<typeof parseCidr>>[] | null {
  const ranges = [];
  for (const a of args) {
    const t = text(a);
    const range = t === null ? null : parseCidr(t);
    if (range === null) return null;
    ranges.push(range);
  }
  return ranges;
}

const cidrMatch: Pick<FunctionSpec, 'call' | 'specialize'> = {
  call(args) {
    const ranges = cidrRanges(args.slice(1));
    return ranges === null ? null : cidrCall(compileCidrs(ranges))(args);
  },
  specialize(constants) {
    if (constants.slice(1).some((c) => c === undefined)) return null;
    const ranges = cidrRanges(constants.slice(1));
    return ranges === null ? () => null : cidrCall(compileCidrs(ranges));
  },
};

/** Is `text` an address or CIDR range cidrMatch accepts? (for checks at compile time) */
export const isCidr = (t: string) => parseCidr(t) !== null || parseIp(t) !== null;

function spec(name: string, minArgs: number, maxArgs: number, tilde: boolean, params: string, call: FunctionSpec['call']): FunctionSpec {
  return { name, minArgs, maxArgs, tilde, params, call };
}

const SPECS: FunctionSpec[] = [
  spec('add', 2, 2, false, 'nn', arith((a, b) => a + b)),
  spec('between', 3, 4, true, 'sssb', between),
  { name: 'cidrMatch', minArgs: 2, maxArgs: Infinity, tilde: false, params: 's', ...cidrMatch },
  spec('concat', 1, Infinity, false, '*', concat),
  spec('divide', 2, 2, false, 'nn', arith((a, b) => divide(a, b))),
  spec('endsWith', 2, 2, true, 'ss', stringPredicate((s, sub) => s.endsWith(sub))),
  spec('indexOf', 2, 3, true, 'ssn', indexOf),
  spec('length', 1, 1, false, 's', length),
  spec('modulo', 2, 2, false, 'nn', arith(modulo)),
  spec('multiply', 2, 2, false, 'nn', arith((a, b) => a * b)),
  spec('number', 1, 2, false, 'sn', toNumberFn),
  spec('startsWith', 2, 2, true, 'ss', stringPredicate((s, sub) => s.startsWith(sub))),
  spec('string', 1, 1, false, '*', (args) => text(args[0])),
  spec('stringContains', 2, 2, true, 'ss', stringPredicate((s, sub) => s.includes(sub))),
  spec('substring', 2, 3, false, 'snn', substring),
  spec('subtract', 2, 2, false, 'nn', arith((a, b) => a - b)),
];

/** Functions by lower-cased name (EQL function names are case-insensitive). */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(SPECS.map((s) => [s.name.toLowerCase(), s]));
