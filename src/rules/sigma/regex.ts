import { luceneLiteral } from './strings.js';

/**
 * Sigma's `re` values are PCRE-style regular expressions that match anywhere in the value;
 * EQL's `regex` is Lucene syntax that must match the whole value (and lolhunt runs it on
 * RE2: linear, no backtracking). This translates the common subset: literals, `.`, classes,
 * `\d \w \s` and their negations, groups (capturing, non-capturing, named), alternation,
 * quantifiers (lazy and possessive forms match the same strings), leading inline flags
 * `(?i)` `(?s)` `(?m)`, and `^`/`$` where they can only mean the value's start or end.
 * Anything else (lookaround, backreferences, `\b`, anchors elsewhere, scoped flags) is an
 * UnsupportedRegex naming the construct.
 */
export class UnsupportedRegex extends Error {}

export interface RegexFlags {
  i: boolean;
  m: boolean;
  s: boolean;
}

export interface Translated {
  pattern: string;
  caseInsensitive: boolean;
}

type Node =
  | { t: 'lit'; cp: number }
  | { t: 'raw'; text: string }
  | { t: 'start' }
  | { t: 'end' }
  | { t: 'group'; alts: Node[][] }
  | { t: 'repeat'; node: Node; q: string };

const MAX_DEPTH = 100;

export function translateRegex(source: string, flags: RegexFlags): Translated {
  const f = { ...flags };
  let src = source;
  // Leading inline flags: (?i), (?s), (?m), (?is)...
  for (let m = /^\(\?([imsx]+)\)/.exec(src); m; m = /^\(\?([imsx]+)\)/.exec(src)) {
    for (const c of m[1] ?? '') {
      if (c === 'x') throw new UnsupportedRegex('the extended (x) flag');
      f[c as 'i' | 'm' | 's'] = true;
    }
    src = src.slice(m[0].length);
  }
  const p = new PcreParser(src, f);
  const alts = p.parse();
  const pattern = alternatives(alts, true, true, f);
  return { pattern, caseInsensitive: f.i };
}

/** Lucene for a union, the implicit `.*` before (lead) and after (trail) placed inside each alternative. */
function alternatives(alts: Node[][], lead: boolean, trail: boolean, f: RegexFlags): string {
  const parts = alts.map((a) => sequence(a, lead, trail, f));
  // Lucene reads an empty alternative's `|` or `)` as a literal character: write it as `()`.
  return parts.length === 1 && parts[0] !== undefined ? parts[0] : `(${parts.map((p) => p || '()').join('|')})`;
}

const ANY_RUN = '.*';

function sequence(nodes: Node[], lead: boolean, trail: boolean, f: RegexFlags): string {
  let items = nodes;
  let prefix = '';
  let suffix = '';
  let middleStart = 0;
  let middleEnd = items.length;
  if (lead) {
    const first = items[0];
    if (first?.t === 'start') {
      prefix = f.m ? '(.*\n)?' : '';
      middleStart = 1;
    } else if (first?.t === 'group' && items.length > 0) {
      // `(^|x)rest`: the group takes the leading run into each alternative.
      const onlyGroup = items.length === 1;
      prefix = alternatives(first.alts, true, trail && onlyGroup, f);
      middleStart = 1;
      if (onlyGroup) return prefix;
    } else {
      prefix = ANY_RUN;
    }
  }
  if (trail) {
    const last = items[middleEnd - 1];
    if (middleEnd > middleStart && last?.t === 'end') {
      suffix = f.m ? '(\n.*)?' : '';
      middleEnd--;
    } else if (middleEnd > middleStart && last?.t === 'group') {
      suffix = alternatives(last.alts, false, true, f);
      middleEnd--;
    } else {
      suffix = ANY_RUN;
    }
  }
  items = items.slice(middleStart, middleEnd);
  return prefix + items.map((n) => node(n, f)).join('') + suffix;
}

function node(n: Node, f: RegexFlags): string {
  switch (n.t) {
    case 'lit': return luceneLiteral(String.fromCodePoint(n.cp));
    case 'raw': return n.text;
    case 'start': throw new UnsupportedRegex("'^' that is not at the start of the pattern");
    case 'end': throw new UnsupportedRegex("'$' that is not at the end of the pattern");
    case 'group': return `(${n.alts.map((a) => a.map((x) => node(x, f)).join('') || '()').join('|')})`;
    case 'repeat': return `${node(n.node, f)}${n.q}`;
  }
}

/** Class contents RE2/Lucene write the same way. */
const CLASS_ESCAPES: Record<string, string> = { d: '\\d', D: '\\D', w: '\\w', W: '\\W', s: '\\s', S: '\\S' };
const CONTROL_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11, a: 7, e: 27 };

class PcreParser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly src: string, private readonly f: RegexFlags) {}

  parse(): Node[][] {
    const alts = this.union();
    if (this.pos < this.src.length) throw new UnsupportedRegex(`unbalanced ')' at position ${this.pos}`);
    return alts;
  }

  private peek(): string | undefined {
    return this.pos < this.src.length ? this.src.charAt(this.pos) : undefined;
  }

  private union(): Node[][] {
    const alts: Node[][] = [this.concat()];
    while (this.peek() === '|') {
      this.pos++;
      alts.push(this.concat());
    }
    return alts;
  }

  private concat(): Node[] {
    const out: Node[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      const atom = this.atom();
      out.push(this.quantified(atom));
    }
    return out;
  }

  private quantified(atom: Node): Node {
    let n = atom;
    for (;;) {
      const c = this.peek();
      let q: string | null = null;
      if (c === '*' || c === '+' || c === '?') {
        q = c;
        this.pos++;
      } else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
        if (!m) break; // a literal brace, as in PCRE
        q = m[0];
        this.pos += m[0].length;
      }
      if (q === null) break;
      if (n.t === 'start' || n.t === 'end') throw new UnsupportedRegex('a quantified anchor');
      // Lazy and possessive forms match the same strings.
      if (this.peek() === '?' || this.peek() === '+') this.pos++;
      n = { t: 'repeat', node: n, q };
    }
    return n;
  }

  private atom(): Node {
    const c = this.src.charAt(this.pos);
    switch (c) {
      case '^': this.pos++; return { t: 'start' };
      case '$': this.pos++; return { t: 'end' };
      case '.': this.pos++; return { t: 'raw', text: this.f.s ? '.' : '[^\n]' };
      case '[': return this.charClass();
      case '(': return this.group();
      case '\\': return this.escape(false);
      case '*': case '+': case '?': throw new UnsupportedRegex(`quantifier '${c}' with nothing to repeat at position ${this.pos}`);
      default:
        return { t: 'lit', cp: this.codePoint() };
    }
  }

  private group(): Node {
    const at = this.pos;
    this.pos++;
    const rest = this.src.slice(this.pos);
    if (rest.startsWith('?')) {
      const named = /^\?(P?<[A-Za-z_][A-Za-z0-9_]*>|'[A-Za-z_][A-Za-z0-9_]*')/.exec(rest);
      if (rest.startsWith('?:')) this.pos += 2;
      else if (named) this.pos += named[0].length;
      else if (/^\?(=|!|<=|<!)/.test(rest)) throw new UnsupportedRegex('lookaround');
      else if (/^\?[imsx-]+[:)]/.test(rest)) throw new UnsupportedRegex('inline flags inside the pattern');
      else throw new UnsupportedRegex(`group syntax '(${rest.slice(0, 3)}' at position ${at}`);
    }
    if (++this.depth > MAX_DEPTH) throw new UnsupportedRegex(`groups nested deeper than ${MAX_DEPTH}`);
    const alts = this.union();
    this.depth--;
    if (this.peek() !== ')') throw new UnsupportedRegex(`unclosed group at position ${at}`);
    this.pos++;
    return { t: 'group', alts };
  }

  /** An escape outside (inClass false) or inside a class; returns a node (outside) whose text is valid in either place. */
  private escape(inClass: boolean): Node {
    const e = this.src.charAt(this.pos + 1);
    if (e === '') throw new UnsupportedRegex('a pattern ending in a backslash');
    this.pos += 2;
    if (CLASS_ESCAPES[e]) return { t: 'raw', text: inClass ? CLASS_ESCAPES[e] : `[${CLASS_ESCAPES[e]}]` };
    if (CONTROL_ESCAPES[e] !== undefined) return { t: 'lit', cp: CONTROL_ESCAPES[e] };
    if (e === 'x') {
      const m = /^(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{2}))/.exec(this.src.slice(this.pos));
      if (!m) throw new UnsupportedRegex('a \\x escape without hex digits');
      this.pos += m[0].length;
      return { t: 'lit', cp: parseInt(m[0].replace(/[{}]/g, ''), 16) };
    }
    if (e === 'u') {
      const m = /^[0-9A-Fa-f]{4}/.exec(this.src.slice(this.pos));
      if (!m) throw new UnsupportedRegex('a \\u escape without four hex digits');
      this.pos += 4;
      return { t: 'lit', cp: parseInt(m[0], 16) };
    }
    if (e === '0') return { t: 'lit', cp: 0 };
    if (/[A-Za-z0-9]/.test(e)) {
      const what = e === 'b' || e === 'B' ? 'word boundaries (\\b, \\B)' : /[1-9]/.test(e) ? 'backreferences' : `the escape \\${e}`;
      throw new UnsupportedRegex(what);
    }
    // Back to the escaped character, taken whole.
    this.pos--;
    return { t: 'lit', cp: this.codePoint() };
  }

  private charClass(): Node {
    const at = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    let items = '';
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new UnsupportedRegex(`unclosed character class at position ${at}`);
      if (c === ']' && !first) break;
      first = false;
      if (c === '[' && this.src.charAt(this.pos + 1) === ':') throw new UnsupportedRegex('POSIX classes ([:alpha:])');
      const from = this.classAtom();
      if (this.peek() === '-' && this.src.charAt(this.pos + 1) !== ']' && this.src.charAt(this.pos + 1) !== '') {
        if (typeof from !== 'number') throw new UnsupportedRegex('a range from a class escape');
        this.pos++;
        const to = this.classAtom();
        if (typeof to !== 'number') throw new UnsupportedRegex('a range to a class escape');
        if (to < from) throw new UnsupportedRegex('a range out of order');
        items += `${classChar(from)}-${classChar(to)}`;
      } else {
        items += typeof from === 'number' ? classChar(from) : from;
      }
    }
    this.pos++;
    // In a negated class without the s flag PCRE's newline stays matchable: nothing to add.
    return { t: 'raw', text: `[${negated ? '^' : ''}${items}]` };
  }

  /** A code point, or a predefined class's text (`\d`). */
  private classAtom(): number | string {
    if (this.peek() === '\\') {
      const n = this.escape(true);
      if (n.t === 'lit') return n.cp;
      if (n.t === 'raw') return n.text;
      throw new UnsupportedRegex('an escape inside a class');
    }
    return this.codePoint();
  }

  /** The code point at `pos`, moved past. */
  private codePoint(): number {
    const cp = this.src.codePointAt(this.pos);
    if (cp === undefined) throw new UnsupportedRegex(`a pattern that ends at position ${this.pos}`);
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

/** A class member written literally for Lucene: punctuation escaped. */
function classChar(cp: number): string {
  const ch = String.fromCodePoint(cp);
  return /[A-Za-z0-9]/.test(ch) ? ch : `\\${ch}`;
}
