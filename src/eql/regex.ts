import { RE2JS } from 're2js';
import { LIMITS } from './errors.js';
import type { StringMatcher } from './wildcard.js';

/**
 * `regex` / `regex~` patterns. Elasticsearch runs Lucene regular expressions as automata, so
 * matching is linear in the value; lolhunt parses the Lucene syntax itself and hands the
 * equivalent RE2 syntax to re2js (a linear-time engine: no backtracking on event data).
 * Lucene patterns always match the whole value and have no anchors or lookaround; `.` and
 * `@` match newlines too. `~` complement, `&` intersection and `<...>` intervals have no RE2
 * equivalent and are rejected by `checkRegex`.
 */
export function compileRegex(pattern: string, caseInsensitive: boolean): StringMatcher {
  // Compiled on first use: checkRegex has proven the pattern, and most of a large rule set's
  // regular expressions never meet an event that reaches them (the rule index).
  let re: RE2JS | null = null;
  return (s) => (re ??= RE2JS.compile(toRe2(pattern), caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0)).testExact(s);
}

/** An error message when the pattern is not a regular expression lolhunt can run, else null. */
export function checkRegex(pattern: string): string | null {
  if (/(^|[^\\])(\(\?[=!<])/.test(pattern)) return 'lookaround is not part of Lucene regular expressions';
  try {
    RE2JS.compile(toRe2(pattern));
    return null;
  } catch (err) {
    if (err instanceof LuceneOperatorError) return err.message;
    return `invalid regular expression: ${err instanceof Error ? err.message : String(err)}`;
  }
}

class LuceneOperatorError extends Error {
  constructor() {
    super('Lucene-only regular expression operators (~ & <n-m>) are not supported');
  }
}

type Range = [number, number];
const MAX_CODE_POINT = 0x10ffff;
const SPACE: Range[] = [[0x09, 0x0a], [0x0d, 0x0d], [0x20, 0x20]];
/**
 * Lucene's predefined classes as RE2 class contents. RE2's `\d \D \w \W` are Lucene's (ASCII);
 * its `\s` also has `\f`, so whitespace is spelt out. `\W` stays an RE2 negation so that `regex~`
 * folds case before negating (`\W` never matches `k` through the Kelvin sign).
 */
const PREDEFINED: Record<string, string> = {
  d: '\\d', D: '\\D', w: '\\w', W: '\\W', s: classOf(SPACE), S: classOf(complement(SPACE)),
};
/** After a backslash, a letter other than d D s S w W is an error in Lucene, as in Java. */
const BAD_ESCAPE = /^[a-ce-rt-vx-zA-CE-RT-VX-Z]$/;

function hex(cp: number): string {
  return `\\x{${cp.toString(16)}}`;
}

function classOf(ranges: Range[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
}

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

const ANY_CHAR = `[${hex(0)}-${hex(MAX_CODE_POINT)}]`;
const NO_STRING = `[^${hex(0)}-${hex(MAX_CODE_POINT)}]`;

/**
 * Translates Lucene syntax (org.apache.lucene.util.automaton.RegExp with all syntax flags, as
 * Elasticsearch's EQL uses it) into RE2 syntax, by recursive descent over Lucene's grammar:
 * union `|` < concatenation < postfix `? * + {n,m}` < simple expressions. Every literal is
 * written as a `\x{..}` code point and every group as `(?:..)`, so nothing in the output
 * means what it would mean in another dialect.
 */
function toRe2(pattern: string): string {
  return pattern === '' ? '' : new LuceneParser(pattern).parse();
}

class LuceneParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parse(): string {
    const e = this.union();
    if (this.more()) this.fail(`end of pattern expected at position ${this.pos}`);
    return e;
  }

  private fail(message: string): never {
    throw new Error(message);
  }

  private more(): boolean { return this.pos < this.src.length; }
  private peekChar(): string | undefined { const cp = this.src.codePointAt(this.pos); return cp === undefined ? undefined : String.fromCodePoint(cp); }
  private peek(chars: string): boolean { const c = this.peekChar(); return c !== undefined && chars.includes(c); }
  private match(c: string): boolean {
    if (this.peekChar() !== c) return false;
    this.pos += c.length;
    return true;
  }
  private next(): number {
    const cp = this.src.codePointAt(this.pos);
    if (cp === undefined) this.fail('unexpected end of pattern');
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private union(): string {
    const alternatives = [this.concat()];
    while (this.match('|')) alternatives.push(this.concat());
    return alternatives.length === 1 && alternatives[0] !== undefined ? alternatives[0] : `(?:${alternatives.join('|')})`;
  }

  /** The first element is taken whatever it is (`|a` is the string "|a"), as Lucene does. */
  private concat(): string {
    let out = this.repeat();
    while (this.more() && !this.peek(')|')) {
      if (this.peek('&')) throw new LuceneOperatorError();
      out += this.repeat();
    }
    return `(?:${out})`;
  }

  private repeat(): string {
    let e = this.charClass();
    while (this.peek('?*+{')) {
      const op = this.next();
      if (op !== 0x7b) {
        e = `(?:${e})${String.fromCodePoint(op)}`;
        continue;
      }
      const min = this.integer();
      const max = this.match(',') ? (this.peek('0123456789') ? this.integer() : null) : min;
      if (!this.match('}')) this.fail(`expected '}' at position ${this.pos}`);
      // Lucene repeats with max < min give the empty language.
      e = max !== null && max < min ? NO_STRING : `(?:${e}){${min},${max ?? ''}}`;
    }
    return e;
  }

  private integer(): number {
    const start = this.pos;
    while (this.peek('0123456789')) this.pos++;
    if (start === this.pos) this.fail(`integer expected at position ${this.pos}`);
    return Number(this.src.slice(start, this.pos));
  }

  private charClass(): string {
    if (this.peek('~')) throw new LuceneOperatorError();
    if (!this.match('[')) return this.simple();
    const negated = this.match('^');
    let items = this.classItem();
    while (this.more() && !this.peek(']')) items += this.classItem();
    if (!this.match(']')) this.fail(`expected ']' at position ${this.pos}`);
    return negated ? `[^${items}]` : `[${items}]`;
  }

  private classItem(): string {
    const predefined = this.predefined();
    if (predefined) return predefined;
    const from = this.charExp();
    if (!this.match('-')) return hex(from);
    const to = this.charExp();
    if (from > to) this.fail(`invalid range: from (${from}) cannot be > to (${to})`);
    return `${hex(from)}-${hex(to)}`;
  }

  /** `\d` and friends; any other escaped letter is an error; otherwise nothing is consumed. */
  private predefined(): string | null {
    if (this.peekChar() !== '\\') return null;
    const c = this.src[this.pos + 1];
    const named = c === undefined ? undefined : PREDEFINED[c];
    if (named !== undefined) {
      this.pos += 2;
      return named;
    }
    if (c !== undefined && BAD_ESCAPE.test(c)) this.fail(`invalid escape \\${c} (Lucene escapes only \\d \\D \\s \\S \\w \\W and non-letters)`);
    return null;
  }

  private charExp(): number {
    this.match('\\');
    return this.next();
  }

  private simple(): string {
    if (this.match('.')) return ANY_CHAR;
    if (this.match('#')) return NO_STRING;
    if (this.match('@')) return `${ANY_CHAR}*`;
    if (this.peek('<')) throw new LuceneOperatorError();
    if (this.match('"')) {
      let s = '';
      while (this.more() && !this.peek('"')) s += hex(this.next());
      if (!this.match('"')) this.fail(`expected '"' at position ${this.pos}`);
      return `(?:${s})`;
    }
    if (this.match('(')) {
      if (this.match(')')) return '(?:)';
      if (++this.depth > LIMITS.maxDepth) this.fail(`nested deeper than ${LIMITS.maxDepth} groups`);
      const e = this.union();
      this.depth--;
      if (!this.match(')')) this.fail(`expected ')' at position ${this.pos}`);
      return e;
    }
    const predefined = this.predefined();
    return predefined ? `[${predefined}]` : hex(this.charExp());
  }
}
