/**
 * Wildcard patterns (`*` any run, `?` one character) compiled to a matcher that runs in
 * time linear in the value for a fixed pattern: the pattern is split on `*`, the first piece
 * is anchored at the start, the last at the end, and each middle piece is found leftmost —
 * greedy leftmost placement is always safe for `*`-separated pieces, so nothing backtracks.
 */
export type StringMatcher = (value: string) => boolean;

/**
 * A piece of a pattern between two `*`: its text, and where `?` stands in it (null when
 * nowhere). The positions are kept apart from the text, so any character of the pattern,
 * U+0000 included, stands for itself.
 */
interface Piece {
  text: string;
  anyOne: boolean[] | null;
}

/**
 * Splits on `*`; `?` matches any one character. There is no escape character: Elastic's rules
 * write Windows paths such as `"C:\\Windows\\*"`, where the backslash is literal.
 */
function pieces(pattern: string): Piece[] {
  const parts: Piece[] = [];
  let cur = '';
  let anyOne: boolean[] | null = null;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') {
      parts.push({ text: cur, anyOne });
      cur = '';
      anyOne = null;
    } else if (c === '?') {
      (anyOne ??= [])[cur.length] = true;
      cur += '?';
    } else {
      cur += c;
    }
  }
  parts.push({ text: cur, anyOne });
  return parts;
}

/** Does `piece` match `s` at `at`? */
function pieceAt(s: string, at: number, piece: Piece): boolean {
  const { text, anyOne } = piece;
  if (at + text.length > s.length) return false;
  if (anyOne === null) return s.startsWith(text, at);
  for (let j = 0; j < text.length; j++) {
    if (anyOne[j] !== true && text.charCodeAt(j) !== s.charCodeAt(at + j)) return false;
  }
  return true;
}

function findPiece(s: string, from: number, piece: Piece): number {
  if (piece.anyOne === null) return s.indexOf(piece.text, from);
  for (let i = from; i + piece.text.length <= s.length; i++) if (pieceAt(s, i, piece)) return i;
  return -1;
}

export function compileWildcard(pattern: string, caseInsensitive: boolean): StringMatcher {
  if (!caseInsensitive) return matcherOf(pattern);
  const m = foldedWildcard(pattern);
  return (v) => m(v.toLowerCase());
}

/**
 * A case-insensitive pattern's matcher over values already folded (toLowerCase): a field
 * tested against many patterns folds its value once for all of them.
 */
export function foldedWildcard(pattern: string): StringMatcher {
  return matcherOf(pattern.toLowerCase());
}

function matcherOf(pattern: string): StringMatcher {
  const parts = pieces(pattern);
  // pieces() always returns at least one part.
  const first = parts[0]!;
  if (parts.length === 1) {
    if (first.anyOne === null) return (s) => s === first.text;
    return (s) => s.length === first.text.length && pieceAt(s, 0, first);
  }
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p.text.length > 0);
  const minLength = parts.reduce((n, p) => n + p.text.length, 0);
  return (s) => {
    if (s.length < minLength) return false;
    if (!pieceAt(s, 0, first)) return false;
    const tailStart = s.length - last.text.length;
    if (!pieceAt(s, tailStart, last)) return false;
    let pos = first.text.length;
    for (const piece of middle) {
      const at = findPiece(s, pos, piece);
      if (at === -1 || at + piece.text.length > tailStart) return false;
      pos = at + piece.text.length;
    }
    return true;
  };
}
