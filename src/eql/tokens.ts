/** Token kinds as data: `binop` is the binary precedence used by the expression parser. */
export interface TokenType {
  readonly label: string;
  readonly binop?: number;
  readonly keyword?: boolean;
}

function tt(label: string, extra: Partial<TokenType> = {}): TokenType {
  return { label, ...extra };
}

// Precedence, loosest first: or < and < not < comparison < additive < multiplicative.
export const PREC = { or: 1, and: 2, compare: 4, additive: 5, multiplicative: 6 } as const;

export const T = {
  eof: tt('end of query'),
  name: tt('identifier'),
  tildeName: tt('function name'), // `startsWith~`
  string: tt('string'),
  number: tt('number'),
  lparen: tt('('),
  rparen: tt(')'),
  lbracket: tt('['),
  rbracket: tt(']'),
  comma: tt(','),
  dot: tt('.'),
  pipe: tt('|'),
  question: tt('?'),
  bang: tt('!'),
  assign: tt('='),
  eq: tt('==', { binop: PREC.compare }),
  neq: tt('!=', { binop: PREC.compare }),
  lt: tt('<', { binop: PREC.compare }),
  lte: tt('<=', { binop: PREC.compare }),
  gt: tt('>', { binop: PREC.compare }),
  gte: tt('>=', { binop: PREC.compare }),
  colon: tt(':'),
  plus: tt('+', { binop: PREC.additive }),
  minus: tt('-', { binop: PREC.additive }),
  star: tt('*', { binop: PREC.multiplicative }),
  slash: tt('/', { binop: PREC.multiplicative }),
  percent: tt('%', { binop: PREC.multiplicative }),
  // keywords
  and: tt('and', { keyword: true, binop: PREC.and }),
  or: tt('or', { keyword: true, binop: PREC.or }),
  not: tt('not', { keyword: true }),
  in: tt('in', { keyword: true }),
  inInsensitive: tt('in~', { keyword: true }),
  like: tt('like', { keyword: true }),
  likeInsensitive: tt('like~', { keyword: true }),
  regex: tt('regex', { keyword: true }),
  regexInsensitive: tt('regex~', { keyword: true }),
  where: tt('where', { keyword: true }),
  sequence: tt('sequence', { keyword: true }),
  sample: tt('sample', { keyword: true }),
  by: tt('by', { keyword: true }),
  with: tt('with', { keyword: true }),
  until: tt('until', { keyword: true }),
  any: tt('any', { keyword: true }),
  of: tt('of', { keyword: true }),
  join: tt('join', { keyword: true }),
  true: tt('true', { keyword: true }),
  false: tt('false', { keyword: true }),
  null: tt('null', { keyword: true }),
} as const;

/** Keywords by their (case-insensitive) spelling. */
export const KEYWORDS: ReadonlyMap<string, TokenType> = new Map(
  Object.values(T)
    .filter((t: TokenType) => t.keyword)
    .map((t: TokenType) => [t.label, t] as const),
);
