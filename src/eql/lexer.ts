import { EqlSyntaxError, LIMITS } from './errors.js';
import { KEYWORDS, T, type TokenType } from './tokens.js';

export interface Token {
  type: TokenType;
  /** Identifier text, decoded string, or number. */
  value: string | number;
  start: number;
  end: number;
  /** For numbers: the source text had a fraction or exponent. */
  isFloat?: boolean;
}

const PUNCT: Record<string, TokenType> = {
  '(': T.lparen, ')': T.rparen, '[': T.lbracket, ']': T.rbracket, ',': T.comma, '.': T.dot,
  '|': T.pipe, '?': T.question, ':': T.colon, '+': T.plus, '-': T.minus, '*': T.star,
  '/': T.slash, '%': T.percent, '<': T.lt, '>': T.gt, '=': T.assign, '!': T.bang,
};
const PUNCT2: Record<string, TokenType> = { '==': T.eq, '!=': T.neq, '<=': T.lte, '>=': T.gte };
const TILDE_KEYWORDS: ReadonlyMap<string, TokenType> = new Map([
  ['in', T.inInsensitive], ['like', T.likeInsensitive], ['regex', T.regexInsensitive],
]);

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
    const c = source[pos]!;
    if (c === '"') {
      const { value, end } = readString(source, pos, fail);
      tokens.push({ type: T.string, value, start, end });
      pos = end;
    } else if (c === "'") {
      fail('single-quoted strings are not supported; use double quotes', pos);
    } else if (isDigit(c)) {
      const tok = readNumber(source, pos, fail);
      tokens.push(tok);
      pos = tok.end;
    } else if (isIdentStart(c)) {
      let end = pos + 1;
      while (end < source.length && isIdentPart(source[end]!)) end++;
      const word = source.slice(pos, end);
      const lower = word.toLowerCase();
      if (source[end] === '~') {
        const kw = TILDE_KEYWORDS.get(lower);
        tokens.push({ type: kw ?? T.tildeName, value: kw ? lower + '~' : word, start, end: end + 1 });
        pos = end + 1;
      } else {
        const kw = KEYWORDS.get(lower);
        tokens.push({ type: kw ?? T.name, value: kw ? lower : word, start, end });
        pos = end;
      }
    } else if (c === '`') {
      const end = source.indexOf('`', pos + 1);
      if (end === -1) fail('unterminated quoted field name', pos);
      if (end === pos + 1) fail('empty quoted field name', pos);
      tokens.push({ type: T.name, value: source.slice(pos + 1, end), start, end: end + 1 });
      pos = end + 1;
    } else {
      const two = PUNCT2[source.slice(pos, pos + 2)];
      const one = PUNCT[c];
      if (two) {
        tokens.push({ type: two, value: source.slice(pos, pos + 2), start, end: pos + 2 });
        pos += 2;
      } else if (one) {
        tokens.push({ type: one, value: c, start, end: pos + 1 });
        pos += 1;
      } else {
        fail(`unexpected character ${JSON.stringify(c)}`, pos);
      }
    }
  }
  tokens.push({ type: T.eof, value: '', start: source.length, end: source.length });
  return tokens;
}

function skipSpaceAndComments(src: string, pos: number, fail: (m: string, at: number) => never): number {
  while (pos < src.length) {
    const c = src[pos]!;
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
    const c = src[pos]!;
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
      if (!m) fail('invalid unicode escape; use \\u{XXXX} with 2 to 8 hex digits', pos);
      const cp = parseInt(m![1]!, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail('invalid unicode code point', pos);
      out += String.fromCodePoint(cp);
      pos += m![0].length;
    } else if (e in ESCAPES) {
      out += ESCAPES[e];
      pos += 2;
    } else {
      fail(`illegal escape sequence \\${e}`, pos);
    }
  }
}

function readNumber(src: string, start: number, fail: (m: string, at: number) => never): Token {
  const m = /^(\d+)(\.\d*)?([eE][+-]?\d+)?/.exec(src.slice(start, start + 400))!;
  const text = m[0];
  const end = start + text.length;
  if (end < src.length && isIdentStart(src[end]!) && !/^[eE]/.test(src[end]!)) {
    // `5m` in `maxspan=5m`: the number ends here, the unit is a separate name token.
    return { type: T.number, value: Number(text), start, end };
  }
  const isFloat = m[2] !== undefined || m[3] !== undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) fail(`number out of range: ${text}`, start);
  return { type: T.number, value, start, end, isFloat };
}
