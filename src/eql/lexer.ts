import { EqlSyntaxError, LIMITS } from './errors.js';
import { KEYWORD_BY_NAME, PUNCTUATION, type Keyword, type Punctuation, type Token } from './tokens.js';

const PUNCT: ReadonlyMap<string, Punctuation> = new Map(PUNCTUATION.map((p) => [p, p]));
const TILDE_KEYWORDS: ReadonlyMap<string, Keyword> = new Map([['in', 'in~'], ['like', 'like~'], ['regex', 'regex~']]);

const isIdentStart = (c: string) => /[A-Za-z_@]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_@]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/** Splits an EQL query into tokens; the last one is `eof`. */
export function tokenize(source: string): Token[] {
  if (source.length > LIMITS.maxQueryLength) {
    throw new EqlSyntaxError(`query is longer than ${LIMITS.maxQueryLength} characters`, source, 0);
  }
  const tokens: Token[] = [];
  const fail = (msg: string, at: number): never => { throw new EqlSyntaxError(msg, source, at); };
  let pos = 0;
  while (true) {
    pos = skipSpaceAndComments(source, pos, fail);
    if (pos >= source.length) break;
    const start = pos;
    const c = source.charAt(pos);
    if (c === '"') {
      const { value, end } = readString(source, pos, fail);
      tokens.push({ kind: 'string', value, start, end });
      pos = end;
    } else if (c === "'") {
      fail('single-quoted strings are not supported; use double quotes', pos);
    } else if (isDigit(c)) {
      const tok = readNumber(source, pos, fail);
      tokens.push(tok);
      pos = tok.end;
    } else if (isIdentStart(c)) {
      let end = pos + 1;
      while (end < source.length && isIdentPart(source.charAt(end))) end++;
      const word = source.slice(pos, end);
      const lower = word.toLowerCase();
      if (source[end] === '~') {
        const kw = TILDE_KEYWORDS.get(lower);
        tokens.push(kw ? { kind: kw, start, end: end + 1 } : { kind: 'tildeName', text: word, start, end: end + 1 });
        pos = end + 1;
      } else {
        const kw = KEYWORD_BY_NAME.get(lower);
        tokens.push(kw ? { kind: kw, start, end } : { kind: 'name', text: word, start, end });
        pos = end;
      }
    } else if (c === '`') {
      const end = source.indexOf('`', pos + 1);
      if (end === -1) fail('unterminated quoted field name', pos);
      if (end === pos + 1) fail('empty quoted field name', pos);
      tokens.push({ kind: 'name', text: source.slice(pos + 1, end), start, end: end + 1 });
      pos = end + 1;
    } else {
      const kind = PUNCT.get(source.slice(pos, pos + 2)) ?? PUNCT.get(c);
      if (kind) {
        tokens.push({ kind, start, end: pos + kind.length });
        pos += kind.length;
      } else {
        fail(`unexpected character ${JSON.stringify(c)}`, pos);
      }
    }
  }
  tokens.push({ kind: 'eof', start: source.length, end: source.length });
  return tokens;
}

function skipSpaceAndComments(src: string, pos: number, fail: (m: string, at: number) => never): number {
  while (pos < src.length) {
    const c = src.charAt(pos);
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      pos++;
    } else if (c === '/' && src[pos + 1] === '/') {
      const nl = src.indexOf('\n', pos);
      pos = nl === -1 ? src.length : nl + 1;
    } else if (c === '/' && src[pos + 1] === '*') {
      const end = src.indexOf('*/', pos + 2);
      if (end === -1) fail('unterminated comment', pos);
      pos = end + 2;
    } else {
      break;
    }
  }
  return pos;
}

const ESCAPES: Record<string, string> = {
  n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\',
};

function readString(src: string, start: number, fail: (m: string, at: number) => never): { value: string; end: number } {
  if (src.startsWith('"""', start)) {
    const end = src.indexOf('"""', start + 3);
    if (end === -1) fail('unterminated raw string', start);
    // A raw string may end in quotes: `"""a""""` is `a"`.
    let close = end;
    while (src[close + 3] === '"') close++;
    return { value: src.slice(start + 3, close), end: close + 3 };
  }
  let out = '';
  let pos = start + 1;
  while (true) {
    if (pos >= src.length || src[pos] === '\n') fail('unterminated string', start);
    const c = src.charAt(pos);
    if (c === '"') return { value: out, end: pos + 1 };
    if (c !== '\\') {
      out += c;
      pos++;
      continue;
    }
    const e = src[pos + 1];
    if (e === undefined) fail('unterminated string', start);
    if (e === 'u') {
      const m = /^\\u\{([0-9a-fA-F]{2,8})\}/.exec(src.slice(pos, pos + 12));
      if (m?.[1] === undefined) return fail('invalid unicode escape; use \\u{XXXX} with 2 to 8 hex digits', pos);
      const cp = parseInt(m[1], 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail('invalid unicode code point', pos);
      out += String.fromCodePoint(cp);
      pos += m[0].length;
    } else if (ESCAPES[e] !== undefined) {
      out += ESCAPES[e];
      pos += 2;
    } else {
      fail(`illegal escape sequence \\${e}`, pos);
    }
  }
}

function readNumber(src: string, start: number, fail: (m: string, at: number) => never): Token {
  const m = /^(\d+)(\.\d*)?([eE][+-]?\d+)?/.exec(src.slice(start, start + 400));
  if (!m) return fail('expected a number', start);
  const text = m[0];
  const end = start + text.length;
  const next = src.charAt(end);
  if (next !== '' && isIdentStart(next) && !/^[eE]/.test(next)) {
    // `5m` in `maxspan=5m`: the number ends here, the unit is a separate name token.
    return { kind: 'number', value: Number(text), isFloat: false, start, end };
  }
  const isFloat = m[2] !== undefined || m[3] !== undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) fail(`number out of range: ${text}`, start);
  return { kind: 'number', value, start, end, isFloat };
}
