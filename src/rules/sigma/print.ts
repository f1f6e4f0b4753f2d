import { KEYWORDS, type Expr, type Literal, type Query } from '../../eql/index.js';
import { chain } from './build.js';
import { SigmaUnsupported } from './errors.js';

/**
 * Writes an event query's syntax tree as EQL text and sets every node's `start`/`end` to its
 * place in that text, as the parser would have (a chain's node spans its first to last
 * operand; `not` ends where its operand does). The text parses back to the same tree: worker
 * threads compile rules from their text, and `rules show` / `explain` print it.
 */
export function printQuery(q: Query): string {
  if (q.type !== 'event') throw new Error('only event queries are printed');
  const w = new Writer();
  q.start = 0;
  q.filter.start = 0;
  w.put(q.filter.category === null ? 'any' : categoryText(q.filter.category));
  w.put(' where ');
  w.expr(q.filter.condition, 1);
  q.filter.end = q.filter.condition.end;
  q.end = w.length;
  return w.text();
}

const KEYWORD_SET = new Set<string>(KEYWORDS);
const IDENT = /^[A-Za-z_@][A-Za-z0-9_@]*$/;

function categoryText(c: string): string {
  return IDENT.test(c) && !KEYWORD_SET.has(c.toLowerCase()) ? c : stringText(c);
}

/** A field path: each dotted segment plain when it lexes as a name, else backquoted. */
export function fieldText(path: string): string {
  return path.split('.').map((seg, i) => {
    if (seg === '') throw new SigmaUnsupported(`field name '${path}' (an empty segment)`);
    if (IDENT.test(seg) && !(i === 0 && KEYWORD_SET.has(seg.toLowerCase()))) return seg;
    if (seg.includes('`')) throw new SigmaUnsupported(`field name '${path}' (EQL cannot quote a backquote)`);
    return `\`${seg}\``;
  }).join('.');
}

const STRING_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** Characters written as `\u{..}`: controls, and the invisible or reordering ones (the text is shown on terminals). */
const UNICODE_ESCAPED = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]/;

/** An EQL string literal: double-quoted, escaped so that it lexes back to `s` and shows no control character. */
export function stringText(s: string): string {
  let out = '"';
  for (const ch of s) {
    const esc = STRING_ESCAPES[ch];
    if (esc) out += esc;
    else if (UNICODE_ESCAPED.test(ch)) out += `\\u{${ch.codePointAt(0)!.toString(16).padStart(2, '0')}}`;
    else out += ch;
  }
  return `${out}"`;
}

function literalText(l: Literal): string {
  const v = l.value;
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return stringText(v);
  if (!Number.isFinite(v)) throw new SigmaUnsupported(`number ${v}`);
  const t = String(v);
  return l.isFloat && !/[.eE]/.test(t) ? `${t}.0` : t;
}

const INDENT = '  ';
/** A chain whose text is longer than this is written one operand per line. */
const WRAP = 100;

class Writer {
  private readonly parts: string[] = [];
  length = 0;

  put(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }

  text(): string {
    return this.parts.join('');
  }

  expr(e: Expr, depth: number): void {
    switch (e.type) {
      case 'Literal':
        e.start = this.length;
        this.put(literalText(e));
        e.end = this.length;
        return;
      case 'Field':
        e.start = this.length;
        this.put(fieldText(e.path));
        e.end = this.length;
        return;
      case 'Not':
        e.start = this.length;
        this.put('not (');
        this.expr(e.operand, depth + 1);
        e.end = e.operand.end;
        this.put(')');
        return;
      case 'Logical':
        return this.logical(e, depth);
      case 'Compare':
        this.expr(e.left, depth);
        this.put(` ${e.op} `);
        this.expr(e.right, depth);
        e.start = e.left.start;
        e.end = e.right.end;
        return;
      case 'Match': {
        this.expr(e.operand, depth);
        this.put(` ${e.kind === 'wildcard' ? ':' : e.kind}${e.kind !== 'wildcard' && e.caseInsensitive ? '~' : ''} `);
        const many = e.patterns.length !== 1;
        if (many) this.put('(');
        e.patterns.forEach((p, i) => {
          if (i) this.put(', ');
          this.expr(p, depth);
        });
        if (many) this.put(')');
        e.start = e.operand.start;
        e.end = this.length;
        return;
      }
      case 'In':
        this.expr(e.operand, depth);
        this.put(` ${e.negated ? 'not ' : ''}in${e.caseInsensitive ? '~' : ''} (`);
        e.list.forEach((x, i) => {
          if (i) this.put(', ');
          this.expr(x, depth);
        });
        this.put(')');
        e.start = e.operand.start;
        e.end = this.length;
        return;
      case 'Call':
        e.start = this.length;
        this.put(`${e.name}${e.caseInsensitive ? '~' : ''}(`);
        e.args.forEach((x, i) => {
          if (i) this.put(', ');
          this.expr(x, depth);
        });
        this.put(')');
        e.end = this.length;
        return;
      default:
        throw new Error(`cannot print a ${e.type} node`);
    }
  }

  /** A chain of one operator, flat (the parser balances it again); operands of another chain in parentheses. */
  private logical(e: Expr & { type: 'Logical' }, depth: number): void {
    const terms = chain(e);
    const wrap = estimate(e) > WRAP;
    terms.forEach((t, i) => {
      if (i) this.put(wrap ? `\n${INDENT.repeat(depth)}${e.op} ` : ` ${e.op} `);
      if (t.type === 'Logical') {
        this.put('(');
        this.logical(t, depth + 1);
        this.put(')');
      } else {
        this.expr(t, depth + 1);
      }
    });
    setChainSpans(e);
  }
}

/** Spans of the chain's inner nodes, from their operands (left to right, bottom up). */
function setChainSpans(e: Expr): void {
  if (e.type !== 'Logical') return;
  const op = e.op;
  const post: Expr[] = [];
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'Logical' && x.op === op) {
      post.push(x);
      stack.push(x.left, x.right);
    }
  }
  for (let i = post.length - 1; i >= 0; i--) {
    // post holds only the Logical nodes pushed above, i within its bounds.
    const x = post[i]! as Expr & { type: 'Logical' };
    x.start = x.left.start;
    x.end = x.right.end;
  }
}

/** A rough text length, to decide whether a chain wraps. */
function estimate(e: Expr): number {
  let n = 0;
  const stack: Expr[] = [e];
  while (stack.length && n <= WRAP) {
    const x = stack.pop()!;
    switch (x.type) {
      case 'Logical': n += 5; stack.push(x.left, x.right); break;
      case 'Not': n += 6; stack.push(x.operand); break;
      case 'Match': n += 4; stack.push(x.operand, ...x.patterns); break;
      case 'Compare': n += 4; stack.push(x.left, x.right); break;
      case 'Call': n += x.name.length + 2; stack.push(...x.args); break;
      case 'In': n += 6; stack.push(x.operand, ...x.list); break;
      case 'Field': n += x.path.length; break;
      case 'Literal': n += String(x.value).length + 2; break;
      default: n += 10;
    }
  }
  return n;
}
