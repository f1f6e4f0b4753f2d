import { SigmaInvalid, SigmaUnsupported } from './errors.js';

/**
 * Sigma's condition language: selection names, `and`, `or`, `not` (tightest), parentheses,
 * `1 of x*` / `any of x*` / `all of x*` over name globs, and `them` (every selection whose
 * name does not start with `_`). Aggregations (`| count() ...`) and `near` are the old
 * correlation syntax: unsupported.
 */
export type Condition =
  | { type: 'and' | 'or'; terms: Condition[] }
  | { type: 'not'; operand: Condition }
  | { type: 'ref'; name: string }
  /** pattern null: `them`. */
  | { type: 'of'; quantifier: '1' | 'all'; pattern: string | null };

const MAX_DEPTH = 100;
const TOKEN = /\s*(\(|\)|\||[^\s()|]+)/y;

export function parseCondition(text: string): Condition {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) tokens.push(m[0].trim());
  if (text.slice(TOKEN.lastIndex).trim() !== '' && tokens.length === 0) throw new SigmaInvalid(`condition '${text}' is empty`);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const word = (w: string) => peek()?.toLowerCase() === w;
  const fail = (msg: string): never => { throw new SigmaInvalid(`condition '${text}': ${msg}`); };

  const orExpr = (): Condition => {
    const terms = [andExpr()];
    while (word('or')) {
      pos++;
      terms.push(andExpr());
    }
    return terms.length === 1 && terms[0] !== undefined ? terms[0] : { type: 'or', terms };
  };
  const andExpr = (): Condition => {
    const terms = [notExpr()];
    while (word('and')) {
      pos++;
      terms.push(notExpr());
    }
    return terms.length === 1 && terms[0] !== undefined ? terms[0] : { type: 'and', terms };
  };
  const notExpr = (): Condition => {
    if (word('not')) {
      pos++;
      return { type: 'not', operand: nested(notExpr) };
    }
    return primary();
  };
  const nested = (f: () => Condition): Condition => {
    if (++depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    const c = f();
    depth--;
    return c;
  };
  const primary = (): Condition => {
    const t = peek();
    if (t === undefined) return fail('ends too early');
    if (t === '(') {
      pos++;
      const c = nested(orExpr);
      if (peek() !== ')') fail("missing ')'");
      pos++;
      return c;
    }
    if (t === ')' || t === '|') return fail(`unexpected '${t}'`);
    const lower = t.toLowerCase();
    if (['and', 'or', 'of'].includes(lower)) return fail(`unexpected '${t}'`);
    if ((lower === '1' || lower === 'all' || lower === 'any') && tokens[pos + 1]?.toLowerCase() === 'of') {
      const target = tokens[pos + 2];
      if (target === undefined || target === '(' || target === ')' || target === '|') return fail(`'${t} of' needs a name pattern or 'them'`);
      pos += 3;
      return { type: 'of', quantifier: lower === 'all' ? 'all' : '1', pattern: target.toLowerCase() === 'them' ? null : target };
    }
    if (/^\d+$/.test(t) && tokens[pos + 1]?.toLowerCase() === 'of') throw new SigmaUnsupported(`'${t} of' (only '1 of', 'any of' and 'all of' exist)`);
    if (lower === 'near') throw new SigmaUnsupported("the 'near' aggregation");
    pos++;
    return { type: 'ref', name: t };
  };

  const c = orExpr();
  if (peek() === '|') throw new SigmaUnsupported(`the aggregation '${text.slice(text.indexOf('|')).trim()}' (Sigma correlation rules replace it)`);
  if (pos < tokens.length) fail(`unexpected '${peek()}'`);
  return c;
}
