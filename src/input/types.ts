/**
 * One input to read: a file path, or '-' for stdin. `index` is its position on the command line
 * after expansion. An entry of a .zip archive has `archive` (the archive file and where the
 * entry lies in it), and `path` names it as `archive.zip!entry/path`.
 */
export interface InputSource {
  index: number;
  path: string;
  archive?: { file: string; entry: ArchiveEntry };
}

/** A file inside a .zip archive, as its central directory describes it (zip.ts). */
export interface ArchiveEntry {
  name: string;
  /** Offset of its local header in the archive. */
  offset: number;
  /** 0 stored, 8 deflate. */
  method: number;
  compressed: number;
  uncompressed: number;
  crc: number;
}

/** A path that could not become a source, reported and skipped. */
export interface DiscoveryProblem {
  file: string;
  reason: string;
}

/**
 * What reading a source yields. `line` is 1-based: the physical line for NDJSON, the
 * element number for a JSON-array file.
 * - `line`: the text of one non-blank line, not yet parsed; `invalidUtf8` when its bytes were
 *   not valid UTF-8 and the text holds U+FFFD in their place (decoding replaces, never fails);
 * - `value`: an already parsed element of a JSON-array file;
 * - `bad`: a line that was skipped (too long, not UTF-8 text);
 * - `error`: the rest of the file could not be read (truncated gzip, I/O error).
 */
export type InputItem =
  | { kind: 'line'; line: number; text: string; tags?: LineTags; at?: ByteSpan; invalidUtf8?: true }
  | { kind: 'value'; line: number; value: unknown }
  | { kind: 'bad'; line: number; reason: string }
  | { kind: 'error'; line?: number; reason: string };

/**
 * Where a line's text lies in a plain file: `offset`, `bytes` long. Given only when the file
 * can be read there again (not stdin, gzip, UTF-16 or a multi-line container), so the text
 * need not be kept (see readText). `hash`, the text's textHash when it was read, tells text
 * read again apart from text rewritten in place since (same size, other bytes).
 */
export type ByteSpan = [offset: number, bytes: number, hash?: number];

/** Bytes [start, end) of a file: the lines that start there (see readItems). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ReadOptions {
  maxLineBytes: number;
  /**
   * Read only the lines that start inside this range of a plain NDJSON file (see
   * splitFile); lines are numbered from 1 within the range.
   */
  range?: ByteRange;
  /** Called with the number of bytes read from disk (compressed size for .gz). */
  onBytes?: (n: number) => void;
  /** Called at the end of NDJSON text with the number of lines read, blank ones included. */
  onLineCount?: (lines: number) => void;
  /** Decides from raw bytes which NDJSON lines are worth decoding and parsing. */
  filter?: LineFilter;
  /** Told how many lines the filter ruled out (not decoded; each looked like `{...}`). */
  onSkipped?: (lines: number) => void;
}

/** Ids of a LineFilter's literals found on a line (`tags` of a `line` item). */
export type LineTags = readonly number[];

/**
 * Looks at whole lines of raw bytes at once (one search per buffer). Lines i < n are
 * buf[starts[i], ends[i]), without the newline. Sets `out[i]` to null when line i can be
 * skipped, to undefined when it must be parsed with nothing known about it, or to the tags
 * found on it.
 */
export interface LineFilter {
  select(buf: Buffer, starts: Int32Array, ends: Int32Array, n: number, out: (LineTags | null | undefined)[]): void;
}

/** Lines longer than this are skipped and reported; the rest of the file is still read. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
