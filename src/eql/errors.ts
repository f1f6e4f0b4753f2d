/** 1-based line and column of `offset` in `source`. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** A query the engine cannot accept: syntax, unknown names, types, unsupported features. */
export class EqlSyntaxError extends Error {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** The message without the `(line:column)` suffix. */
  readonly reason: string;

  constructor(reason: string, source: string, offset: number) {
    const { line, column } = lineColumn(source, offset);
    super(`${reason} (${line}:${column})`);
    this.name = 'EqlSyntaxError';
    this.reason = reason;
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

/** Caps that keep hostile or runaway queries from exhausting the parser. */
export const LIMITS = { maxQueryLength: 1_000_000, maxDepth: 200 } as const;

/** Characters of the source line shown on each side of the error in an excerpt. */
export const EXCERPT_RADIUS = 80;

/**
 * The source line holding `offset` and a caret under it, for compiler-style messages. A long
 * line (a minified query can be one line of a megabyte) is clipped to EXCERPT_RADIUS characters
 * either side of the error, with `…` where it was cut. `show` renders the text (a terminal
 * escapes control characters); the caret is placed under the rendered text.
 */
export function caretExcerpt(source: string, offset: number, show: (text: string) => string = (t) => t): string {
  const start = source.lastIndexOf('\n', offset - 1) + 1;
  const nl = source.indexOf('\n', offset);
  // A CRLF line ends before its CR.
  const end = nl === -1 ? source.length : nl > offset && source[nl - 1] === '\r' ? nl - 1 : nl;
  let from = Math.max(start, offset - EXCERPT_RADIUS);
  let to = Math.min(end, offset + EXCERPT_RADIUS);
  // Never cut a surrogate pair in half.
  if (from > start && isLowSurrogate(source.charCodeAt(from))) from--;
  if (to < end && isLowSurrogate(source.charCodeAt(to))) to++;
  const render = (a: number, b: number) => show(source.slice(a, b).replace(/\t/g, ' '));
  const before = (from > start ? '…' : '') + render(from, Math.min(offset, to));
  const after = render(Math.min(offset, to), to) + (to < end ? '…' : '');
  return `  ${before}${after}\n  ${' '.repeat(before.length)}^`;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
