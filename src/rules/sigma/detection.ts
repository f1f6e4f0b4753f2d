import type { Expr } from '../../eql/index.js';
import { and, call, compare, field, lit, match, not, or } from './build.js';
import { parseCondition, type Condition } from './condition.js';
import { SigmaInvalid, SigmaUnsupported } from './errors.js';
import { translateRegex, UnsupportedRegex } from './regex.js';
import {
  base64, base64offset, contains, endswith, isPlain, parseSigmaString, plainText, startswith, toPattern, utf16, utf8, windash,
  type SigmaString,
} from './strings.js';


export interface DetectionContext {
  /** Sigma field name → event field. */
  mapField(name: string): string;
  /** Plain values of a Sigma field → an ECS field and its words for them, when the field has such a table. */
  mapValues?(name: string, values: Scalar[]): { field: string; values: string[] } | null;
  /** The field keywords (values without a field) are searched in. */
  keywordField: string;
  /** Values of `%name%` placeholders for the `expand` modifier. */
  placeholders: Record<string, string[]>;
}

export type Scalar = string | number | boolean | null;
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** The detection section (a YAML map) → one EQL condition. */
export function compileDetection(detection: unknown, ctx: DetectionContext): Expr {
  if (!(detection instanceof Map)) throw new SigmaInvalid('detection must be a map');
  const raw = detection.get('condition');
  const conditions = typeof raw === 'string' ? [raw] : Array.isArray(raw) && raw.every((c) => typeof c === 'string') ? raw as string[] : null;
  if (!conditions || conditions.length === 0) throw new SigmaInvalid('detection.condition must be a string or a list of strings');
  // `timeframe` only bounds aggregations (unsupported, see condition.ts): a plain condition ignores it, as pySigma does.
  const selections = new Map<string, unknown>();
  for (const [k, v] of detection) {
    if (k === 'condition' || k === 'timeframe' || k === 'fields') continue;
    if (typeof k !== 'string') throw new SigmaInvalid(`detection key ${String(k)} is not a name`);
    selections.set(k, v);
  }
  const compiled = new Map<string, Expr>();
  const selection = (name: string): Expr => {
    let e = compiled.get(name);
    if (!e) {
      if (!selections.has(name)) throw new SigmaInvalid(`condition names '${name}', which the detection does not define`);
      try {
        e = compileSelection(selections.get(name), ctx);
      } catch (err) {
        if (err instanceof SigmaUnsupported || err instanceof SigmaInvalid) {
          err.message = `selection '${name}': ${err.message}`;
        }
        throw err;
      }
      compiled.set(name, e);
      return e;
    }
    // Named twice in the condition: a copy, since the printer gives each node its own offsets.
    return structuredClone(e);
  };
  return or(conditions.map((c) => conditionExpr(parseCondition(c), selections, selection)));
}

function conditionExpr(c: Condition, selections: Map<string, unknown>, selection: (name: string) => Expr): Expr {
  switch (c.type) {
    case 'and': return and(c.terms.map((t) => conditionExpr(t, selections, selection)));
    case 'or': return or(c.terms.map((t) => conditionExpr(t, selections, selection)));
    case 'not': return not(conditionExpr(c.operand, selections, selection));
    case 'ref': return selection(c.name);
    case 'of': {
      const names = [...selections.keys()].filter((n) => (c.pattern === null ? !n.startsWith('_') : globMatch(c.pattern, n)));
      if (names.length === 0) throw new SigmaInvalid(`'${c.quantifier} of ${c.pattern ?? 'them'}' matches no selection`);
      const terms = names.map(selection);
      return c.quantifier === 'all' ? and(terms) : or(terms);
    }
  }
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

/** A selection: a map (all of its fields), a list of maps (any of them), or keywords. */
function compileSelection(sel: unknown, ctx: DetectionContext): Expr {
  if (sel instanceof Map) return compileMap(sel, ctx);
  if (Array.isArray(sel)) {
    if (sel.length === 0) throw new SigmaInvalid('an empty list');
    if (sel.every((x) => x instanceof Map)) return or(sel.map((m: Map<unknown, unknown>) => compileMap(m, ctx)));
    if (sel.every(isScalar)) return compileValues(ctx.keywordField, KEYWORD_MODS, sel, ctx);
    throw new SigmaUnsupported('a list mixing maps and plain values');
  }
  if (isScalar(sel)) return compileValues(ctx.keywordField, KEYWORD_MODS, [sel], ctx);
  throw new SigmaInvalid('a selection must be a map, a list or a value');
}

/** Keywords are found anywhere in the message, as a full-text search finds them. */
const KEYWORD_MODS = ['contains'];

function compileMap(m: Map<unknown, unknown>, ctx: DetectionContext): Expr {
  if (m.size === 0) throw new SigmaInvalid('an empty map');
  const terms: Expr[] = [];
  for (const [k, v] of m) {
    if (typeof k !== 'string') throw new SigmaInvalid(`field key ${String(k)} is not a name`);
    const [name = '', ...mods] = k.split('|');
    const values = Array.isArray(v) ? v : [v];
    if (!values.every(isScalar)) throw new SigmaInvalid(`field '${k}': values must be plain values or a list of them`);
    const translated = name !== '' && mods.length === 0 ? ctx.mapValues?.(name, values) : null;
    if (name === '') terms.push(compileValues(ctx.keywordField, mods.length ? mods : KEYWORD_MODS, values, ctx));
    else if (translated) terms.push(compileValues(translated.field, [], translated.values, ctx, name));
    else terms.push(compileValues(ctx.mapField(name), mods, values, ctx, name));
  }
  return and(terms);
}

const KNOWN_MODIFIERS = new Set([
  'contains', 'startswith', 'endswith', 'all', 'windash', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide',
  're', 'i', 'm', 's', 'cidr', 'exists', 'gt', 'gte', 'lt', 'lte', 'expand', 'fieldref', 'cased', 'c',
]);

/** A value on its way through the modifiers. */
type Value = { k: 'str'; s: SigmaString } | { k: 'bytes'; b: Uint8Array } | { k: 'num'; n: number } | { k: 'bool'; b: boolean } | { k: 'null' };

/** One field's values under its modifiers → EQL. */
function compileValues(target: string, mods: string[], raw: Scalar[], ctx: DetectionContext, sigmaField = ''): Expr {
  for (const m of mods) if (!KNOWN_MODIFIERS.has(m)) throw new SigmaUnsupported(`modifier '${m}'`);
  if (raw.length === 0) throw new SigmaInvalid(`field '${sigmaField}' has an empty list of values`);
  const has = (m: string) => mods.includes(m);
  const all = has('all');
  // A fresh node per use: the printer gives each node its own offsets.
  const f = () => field(target);
  const combine = (terms: Expr[]) => (all ? and(terms) : or(terms));

  if (has('exists')) {
    if (raw.length !== 1 || typeof raw[0] !== 'boolean') throw new SigmaInvalid("'exists' takes true or false");
    return compare(raw[0] ? '!=' : '==', f(), lit(null));
  }
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    if (!has(op)) continue;
    const eqlOp = ({ gt: '>', gte: '>=', lt: '<', lte: '<=' } as const)[op];
    return combine(raw.map((v) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : null;
      if (n === null) throw new SigmaInvalid(`'${op}' needs a number, found ${JSON.stringify(v)}`);
      return compare(eqlOp, f(), lit(n));
    }));
  }
  if (has('cidr')) {
    const ranges = raw.map((v) => {
      if (typeof v !== 'string') throw new SigmaInvalid(`'cidr' needs address ranges, found ${JSON.stringify(v)}`);
      return lit(v);
    });
    return all ? and(ranges.map((r) => call('cidrMatch', false, [f(), r]))) : call('cidrMatch', false, [f(), ...ranges]);
  }
  if (has('fieldref')) {
    return combine(raw.map((v) => {
      if (typeof v !== 'string') throw new SigmaInvalid(`'fieldref' needs a field name, found ${JSON.stringify(v)}`);
      const other = () => field(ctx.mapField(v));
      if (has('contains')) return call('stringContains', true, [f(), other()]);
      if (has('startswith')) return call('startsWith', true, [f(), other()]);
      if (has('endswith')) return call('endsWith', true, [f(), other()]);
      // Sigma compares the two values as text, case-insensitively: both directions of startsWith~ and equal lengths.
      return and([call('startsWith', true, [f(), other()]), compare('==', call('length', false, [f()]), call('length', false, [other()]))]);
    }));
  }
  if (has('re')) {
    return combine(raw.map((v) => {
      if (typeof v !== 'string') throw new SigmaInvalid(`'re' needs a pattern, found ${JSON.stringify(v)}`);
      try {
        const t = translateRegex(v, { i: has('i'), m: has('m'), s: has('s') });
        return match('regex', t.caseInsensitive, f(), [t.pattern]);
      } catch (err) {
        if (err instanceof UnsupportedRegex) throw new SigmaUnsupported(`regular expression ${JSON.stringify(v)}: ${err.message}`);
        throw err;
      }
    }));
  }
  for (const m of ['i', 'm', 's']) if (has(m)) throw new SigmaInvalid(`modifier '${m}' goes with 're'`);

  // String transformations, in the order written. Each value is a group: the variants windash,
  // base64offset and expand make of it are alternatives, even under `all`.
  let groups: Value[][] = raw.map((v): Value[] => {
    if (v === null) return [{ k: 'null' }];
    if (typeof v === 'number') return [{ k: 'num', n: v }];
    if (typeof v === 'boolean') return [{ k: 'bool', b: v }];
    return [{ k: 'str', s: parseSigmaString(v, has('expand')) }];
  });
  const cased = has('cased') || has('c');
  const each = (fn: (v: Value) => Value[]) => { groups = groups.map((g) => g.flatMap(fn)); };
  for (const m of mods) {
    switch (m) {
      case 'contains': each((v) => [mapStr(v, contains, m)]); break;
      case 'startswith': each((v) => [mapStr(v, startswith, m)]); break;
      case 'endswith': each((v) => [mapStr(v, endswith, m)]); break;
      case 'windash': each((v) => (v.k === 'str' ? windash(v.s).map((s): Value => ({ k: 'str', s })) : [v])); break;
      case 'wide': case 'utf16le': each((v) => [{ k: 'bytes', b: utf16(plain(v, m), true) }]); break;
      case 'utf16be': each((v) => [{ k: 'bytes', b: utf16(plain(v, m), false) }]); break;
      case 'utf16': each((v) => [{ k: 'bytes', b: concatBytes(new Uint8Array([0xff, 0xfe]), utf16(plain(v, m), true)) }]); break;
      case 'base64': each((v) => [{ k: 'str', s: [base64(bytesOf(v, m))] }]); break;
      case 'base64offset': each((v) => base64offset(bytesOf(v, m)).map((s): Value => ({ k: 'str', s: [s] }))); break;
      case 'expand': each((v) => (v.k === 'str' ? expand(v.s, ctx.placeholders) : [v])); break;
      default: break;
    }
  }
  if (groups.some((g) => g.some((v) => v.k === 'bytes'))) throw new SigmaUnsupported('a utf16 encoding without base64 after it');
  if (all) return and(groups.map((g) => valueExpr(f, g, cased)));
  return valueExpr(f, groups.flat(), cased);
}

function mapStr(v: Value, fn: (s: SigmaString) => SigmaString, mod: string): Value {
  if (v.k === 'str') return { k: 'str', s: fn(v.s) };
  if (v.k === 'num') return { k: 'str', s: fn([String(v.n)]) };
  throw new SigmaInvalid(`'${mod}' needs a string, found ${v.k === 'null' ? 'null' : v.k}`);
}

function plain(v: Value, mod: string): string {
  if (v.k === 'num') return String(v.n);
  if (v.k !== 'str') throw new SigmaInvalid(`'${mod}' needs a string`);
  if (!isPlain(v.s)) throw new SigmaUnsupported(`'${mod}' of a value with wildcards or placeholders`);
  return plainText(v.s);
}

function bytesOf(v: Value, mod: string): Uint8Array {
  return v.k === 'bytes' ? v.b : utf8(plain(v, mod));
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function expand(s: SigmaString, placeholders: Record<string, string[]>): Value[] {
  let variants: SigmaString[] = [[]];
  for (const p of s) {
    if (typeof p !== 'string' && 'placeholder' in p) {
      const values = Object.hasOwn(placeholders, p.placeholder) ? placeholders[p.placeholder] : undefined;
      if (!values) throw new SigmaUnsupported(`placeholder %${p.placeholder}% has no values (give them with the placeholders option)`);
      variants = variants.flatMap((v) => values.map((x) => [...v, ...parseSigmaString(x)]));
    } else {
      variants = variants.map((v) => [...v, p]);
    }
  }
  return variants.map((s2) => ({ k: 'str', s: s2 }));
}

/**
 * Values of one field, any of which matches: strings as one `:` over all wildcard patterns
 * (one rule-index entry, one case fold), literal `*`/`?` as `regex~`, numbers and booleans as
 * `==`, null as a missing field.
 */
function valueExpr(f: () => Expr, values: Value[], cased: boolean): Expr {
  const wildcards: string[] = [];
  const terms: Expr[] = [];
  for (const v of values) {
    switch (v.k) {
      case 'null': terms.push(compare('==', f(), lit(null))); break;
      case 'num': terms.push(compare('==', f(), lit(v.n))); break;
      case 'bool': terms.push(compare('==', f(), lit(v.b))); break;
      case 'bytes': throw new SigmaUnsupported('a utf16 encoding without base64 after it');
      case 'str': {
        if (v.s.length === 0) {
          // The empty string: a present, empty value.
          terms.push(cased ? match('like', false, f(), ['']) : match('wildcard', true, f(), ['']));
          break;
        }
        const p = toPattern(v.s);
        if (p.kind === 'wildcard' && !cased) wildcards.push(p.pattern);
        else if (p.kind === 'wildcard') terms.push(match('like', false, f(), [p.pattern]));
        else terms.push(match('regex', !cased, f(), [p.pattern]));
        break;
      }
    }
  }
  if (wildcards.length) terms.unshift(match('wildcard', true, f(), wildcards));
  return terms.length ? or(terms) : lit(true);
}
