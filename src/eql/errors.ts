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

/** The source line holding `offset` and a caret under it, for compiler-style messages. */
export function caretExcerpt(source: string, offset: number): string {
  const start = source.lastIndexOf('\n', offset - 1) + 1;
  const nl = source.indexOf('\n', offset);
  const line = source.slice(start, nl === -1 ? source.length : nl).replace(/\t/g, ' ');
  return `  ${line}\n  ${' '.repeat(Math.max(0, offset - start))}^`;
}
