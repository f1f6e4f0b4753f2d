/** Operators and punctuation, each its own token kind. */
export const PUNCTUATION = ['(', ')', '[', ']', ',', '.', '|', '?', '!', '=', '==', '!=', '<', '<=', '>', '>=', ':', '+', '-', '*', '/', '%'] as const;
/** Keywords (case-insensitive in queries), each its own token kind; `in~`, `like~`, `regex~` included. */
export const KEYWORDS = [
  'and', 'or', 'not', 'in', 'in~', 'like', 'like~', 'regex', 'regex~', 'where', 'sequence', 'sample',
  'by', 'with', 'until', 'any', 'of', 'join', 'true', 'false', 'null',
] as const;

export type Punctuation = (typeof PUNCTUATION)[number];
export type Keyword = (typeof KEYWORDS)[number];

interface Span {
  start: number;
  end: number;
}

/** A token: its kind says which fields it carries. */
export type Token =
  /** An identifier, or a backquoted field name (without the backquotes). */
  | (Span & { kind: 'name'; text: string })
  /** A function name written with `~` (`startsWith~`), without the tilde. */
  | (Span & { kind: 'tildeName'; text: string })
  /** A string literal, decoded. */
  | (Span & { kind: 'string'; value: string })
  /** `isFloat`: the source text had a fraction or exponent. */
  | (Span & { kind: 'number'; value: number; isFloat: boolean })
  /** Operators, punctuation, keywords and the end: one member per kind. */
  | { [K in Punctuation | Keyword | 'eof']: Span & { kind: K } }[Punctuation | Keyword | 'eof'];

export type TokenKind = Token['kind'];
export type TokenOf<K extends TokenKind> = Extract<Token, { kind: K }>;

/** Narrows a token to a kind. */
export function is<K extends TokenKind>(t: Token, kind: K): t is TokenOf<K> {
  return t.kind === kind;
}

/** Keywords by their lower-case spelling. */
export const KEYWORD_BY_NAME: ReadonlyMap<string, Keyword> = new Map(KEYWORDS.map((k) => [k, k]));

export const isKeyword = (kind: TokenKind): kind is Keyword => KEYWORD_BY_NAME.has(kind);

/** How a kind reads in an error message. */
export function label(kind: TokenKind): string {
  switch (kind) {
    case 'eof': return 'end of query';
    case 'name': return 'identifier';
    case 'tildeName': return 'function name';
    case 'string': return 'string';
    case 'number': return 'number';
    default: return `'${kind}'`;
  }
}
