import type { InputItem } from './types.js';
import { replacedInvalidUtf8 } from './utf8.js';

/**
 * How a file holds its documents, judged from its first bytes:
 * - `lines`: NDJSON, one document per line (the default, and the fast path);
 * - `array`: one JSON array of documents;
 * - `documents`: JSON documents one after another, each over as many lines as it likes
 *   (pretty-printed exports, `jq .` output, evtx_dump's `Record N` headers between them);
 * - `search`: Elasticsearch `_search` responses (one or many, pretty or not): their
 *   `hits.hits[]._source` are the documents.
 * - `archive`: Kibana `es_archiver` data (`data.json`, often gzipped): records
 *   `{"type":"doc","value":{"index":…,"id":…,"source":{…}}}`, one a line or pretty-printed one
 *   after another; each `value.source` is a document (issue #26).
 */
export type Container = 'lines' | 'array' | 'documents' | 'search' | 'archive';

const SEARCH_RESPONSE = /^\{\s*"(took|timed_out|_shards|hits|_scroll_id|pit_id|terminated_early|num_reduce_phases)"\s*:/;
const RECORD_HEADER = /^Record \d+$/;
/** The start of an es_archiver record (its writer puts `type` first, then `value`). */
const ARCHIVE_RECORD = /^\{\s*"type"\s*:\s*"[a-z_]+"\s*,\s*"value"\s*:/;
/**
 * The bytes of a file's start its container is judged from: readItems gathers this many
 * before it decides, and splitFile reads as many to decide whether a file can be cut into
 * byte ranges, so one file gets one answer whatever the thread count (issue #22: the
 * splitter looked at 8 KiB, a whole read at 64 KiB). Large enough for a first line or a
 * run of blank lines far longer than any export writes.
 */
export const CONTAINER_WINDOW = 1 << 20;

/** The container of a file whose first bytes are `head` (only its first CONTAINER_WINDOW count). */
export function detectContainer(head: Buffer): Container {
  let text = head.subarray(0, CONTAINER_WINDOW).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.trimStart();
  if (text.startsWith('[')) return 'array';
  if (SEARCH_RESPONSE.test(text)) return 'search';
  if (ARCHIVE_RECORD.test(text)) return 'archive';
  const [firstLine = '', second] = text.split('\n', 2);
  const first = firstLine.trim();
  if (RECORD_HEADER.test(first)) return 'documents';
  // A pretty-printer opens a document alone on the first line (`{`), or ends the first line
  // inside it (`{"a": 1,`). Anything else, a broken first line included, is NDJSON; so is
  // a first line cut off by the end of the window (a long line).
  if (second !== undefined && (first === '{' || (first.startsWith('{') && /[,{[]$/.test(first) && !parses(first)))) return 'documents';
  return 'lines';
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const NL = 0x0a, QUOTE = 0x22, BACKSLASH = 0x5c, COLON = 0x3a, COMMA = 0x2c;
const OPEN_OBJ = 0x7b, CLOSE_OBJ = 0x7d, OPEN_ARR = 0x5b, CLOSE_ARR = 0x5d;
const KEY_CAP = 64;

/**
 * Cuts a byte stream into JSON documents by tracking brackets and strings (no parsing),
 * so memory holds one document at most (`maxBytes`, past which it is skipped and
 * reported). Each document is numbered by the line it starts on. In `search` mode the
 * documents are the elements of `hits.hits` in each top-level response.
 */
export class DocumentSplitter {
  private line = 1;
  private readonly stack: number[] = [];
  /** Per open object: its current key (only the first levels are kept), and whether a key comes next. */
  private readonly keys: string[] = [];
  private expectKey = false;
  private inString = false;
  private escaped = false;
  private keyBytes: number[] | null = null;
  // The document being cut out.
  private capturing = false;
  private captureDepth = 0;
  private startLine = 0;
  private parts: Buffer[] = [];
  private bytes = 0;
  private overflow = false;
  // Text outside any document (a `Record N` header, or garbage).
  private stray: number[] | null = null;
  private strayLine = 0;
  private firstChunk = true;

  constructor(private readonly maxBytes: number, private readonly search: boolean, private readonly archive = false) {}

  /** Number of the last line completed. */
  get lines(): number {
    return this.line - 1;
  }

  push(chunk: Buffer, out: InputItem[]): void {
    let i = 0;
    if (this.firstChunk) {
      this.firstChunk = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    const n = chunk.length;
    let from = i;
    let line = this.line;
    // Hot: every byte of the input passes here, and i < n = chunk.length at each read.
    for (; i < n; i++) {
      let c = chunk[i]!;
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          if (this.keyBytes && this.keyBytes.length < KEY_CAP) this.keyBytes.push(c);
          continue;
        }
        if (!this.keyBytes) {
          // Most bytes of a document are inside strings: a tight loop to the next quote or backslash.
          while (c !== QUOTE && c !== BACKSLASH && ++i < n) c = chunk[i]!;
          if (i >= n) break;
        }
        if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyBytes) {
            this.keys[this.stack.length - 1] = Buffer.from(this.keyBytes).toString('utf8');
            this.keyBytes = null;
          }
        } else if (this.keyBytes && this.keyBytes.length < KEY_CAP) this.keyBytes.push(c);
        continue;
      }
      if (c === NL) {
        line++;
        if (this.stray) this.endStray(this.stray, out);
        continue;
      }
      if (this.stray) {
        if (this.stray.length < 200) this.stray.push(c);
        continue;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
      const depth = this.stack.length;
      if (depth === 0 && c !== OPEN_OBJ && (this.search || c !== OPEN_ARR)) {
        this.stray = [c];
        this.strayLine = line;
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.expectKey && this.search && depth <= 2) this.keyBytes = [];
        this.expectKey = false;
        continue;
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (!this.capturing && (this.search ? this.atHit() : depth === 0)) {
          this.capturing = true;
          this.captureDepth = depth;
          this.startLine = line;
          from = i;
        }
        this.stack.push(c);
        this.expectKey = c === OPEN_OBJ;
        continue;
      }
      if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        this.stack.pop();
        if (this.search) this.keys.length = this.stack.length;
        this.expectKey = false;
        if (this.capturing && this.stack.length === this.captureDepth) {
          this.keep(chunk.subarray(from, i + 1));
          this.emit(out);
        }
        continue;
      }
      if (c === COMMA) this.expectKey = this.stack[depth - 1] === OPEN_OBJ;
      else if (c === COLON) this.expectKey = false;
    }
    this.line = line;
    if (this.capturing) this.keep(chunk.subarray(from));
  }

  end(out: InputItem[]): void {
    if (this.stray) this.endStray(this.stray, out);
    if (this.capturing || this.stack.length > 0) {
      out.push({ kind: 'bad', line: this.capturing ? this.startLine : this.line, reason: 'unterminated JSON document (the input ends inside it)' });
    }
  }

  /** At the start of an element of `hits.hits` in a top-level search response? */
  private atHit(): boolean {
    const s = this.stack;
    return s.length === 3 && s[0] === OPEN_OBJ && this.keys[0] === 'hits' && s[1] === OPEN_OBJ && this.keys[1] === 'hits' && s[2] === OPEN_ARR;
  }

  private keep(piece: Buffer): void {
    if (this.overflow || piece.length === 0) return;
    if (this.bytes + piece.length > this.maxBytes) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(piece);
    this.bytes += piece.length;
  }

  private emit(out: InputItem[]): void {
    const line = this.startLine;
    if (this.overflow) out.push({ kind: 'bad', line, reason: `document exceeds ${this.maxBytes} bytes (--max-line-bytes)` });
    else {
      const bytes = this.parts.length === 1 && this.parts[0] !== undefined ? this.parts[0] : Buffer.concat(this.parts, this.bytes);
      const text = bytes.toString('utf8');
      if (this.archive) {
        const item = archiveSource(text, line);
        if (item) out.push(item);
      }
      else if (!this.search) out.push({ kind: 'line', line, text, ...(replacedInvalidUtf8(text, bytes) ? { invalidUtf8: true as const } : {}) });
      else out.push(hitSource(text, line));
    }
    this.capturing = false;
    this.overflow = false;
    this.parts = [];
    this.bytes = 0;
  }

  private endStray(stray: number[], out: InputItem[]): void {
    const text = Buffer.from(stray).toString('utf8').trim();
    this.stray = null;
    if (RECORD_HEADER.test(text)) return;
    out.push({ kind: 'bad', line: this.strayLine, reason: `not a JSON document: ${JSON.stringify(text.slice(0, 40))}` });
  }
}

/** A search hit's `_source`, or why there is none. */
function hitSource(text: string, line: number): InputItem {
  let hit: unknown;
  try {
    hit = JSON.parse(text);
  } catch (err) {
    return { kind: 'bad', line, reason: `invalid JSON: ${(err as Error).message}` };
  }
  const source = typeof hit === 'object' && hit !== null ? (hit as Record<string, unknown>)._source : undefined;
  if (source === undefined) return { kind: 'bad', line, reason: 'search hit without _source (export with _source enabled)' };
  return { kind: 'value', line, value: source };
}

/**
 * An es_archiver record's `value.source`, or why there is none; null for the records that
 * describe an index or data stream (mappings.json beside data.json): they hold no event.
 */
function archiveSource(text: string, line: number): InputItem | null {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (err) {
    return { kind: 'bad', line, reason: `invalid JSON: ${(err as Error).message}` };
  }
  const r = typeof record === 'object' && record !== null ? (record as Record<string, unknown>) : {};
  if (r.type === 'index' || r.type === 'data_stream') return null;
  if (r.type !== 'doc') return { kind: 'bad', line, reason: `es_archiver record of type ${JSON.stringify(String(r.type)).slice(0, 40)}, not "doc"` };
  const value = r.value;
  const source = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).source : undefined;
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return { kind: 'bad', line, reason: 'es_archiver doc without value.source' };
  return { kind: 'value', line, value: source };
}
