/**
 * Wildcard patterns (`*` any run, `?` one character) compiled to a matcher that runs in
 * time linear in the value for a fixed pattern: the pattern is split on `*`, the first piece
 * is anchored at the start, the last at the end, and each middle piece is found leftmost —
 * greedy leftmost placement is always safe for `*`-separated pieces, so nothing backtracks.
 */
export type StringMatcher = (value: string) => boolean;

const ANY_ONE = '\u0000';

/**
 * Splits on `*`; `?` becomes a NUL placeholder. There is no escape character: Elastic's rules
 * write Windows paths such as `"C:\\Windows\\*"`, where the backslash is literal.
 */
function pieces(pattern: string): { parts: string[]; hasAnyOne: boolean } {
  const parts: string[] = [];
  let cur = '';
  let hasAnyOne = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') {
      parts.push(cur);
      cur = '';
    } else if (c === '?') {
      cur += ANY_ONE;
      hasAnyOne = true;
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return { parts, hasAnyOne };
}

/** Does `piece` (with ANY_ONE placeholders) match `s` at `at`? */
function pieceAt(s: string, at: number, piece: string): boolean {
  if (at + piece.length > s.length) return false;
  for (let j = 0; j < piece.length; j++) {
    const p = piece.charCodeAt(j);
    if (p !== 0 && p !== s.charCodeAt(at + j)) return false;
  }
  return true;
}

function findPiece(s: string, from: number, piece: string, hasAnyOne: boolean): number {
  if (!hasAnyOne) return s.indexOf(piece, from);
  for (let i = from; i + piece.length <= s.length; i++) if (pieceAt(s, i, piece)) return i;
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
  const { parts, hasAnyOne } = pieces(pattern);
  // pieces() always returns at least one part.
  const first = parts[0] ?? '';
  if (parts.length === 1) {
    if (!hasAnyOne) return (s) => s === first;
    return (s) => s.length === first.length && pieceAt(s, 0, first);
  }
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  const minLength = parts.reduce((n, p) => n + p.length, 0);
  return (s) => {
    if (s.length < minLength) return false;
    if (!pieceAt(s, 0, first)) return false;
    const tailStart = s.length - last.length;
    if (!pieceAt(s, tailStart, last)) return false;
    let pos = first.length;
    for (const piece of middle) {
      const at = findPiece(s, pos, piece, hasAnyOne);
      if (at === -1 || at + piece.length > tailStart) return false;
      pos = at + piece.length;
    }
    return true;
  };
}
