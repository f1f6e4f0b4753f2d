import type { ByteSpan, InputItem, LineFilter, LineTags } from './types.js';
import { replacedInvalidUtf8 } from './utf8.js';

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of
 * one line: a longer line is dropped as it streams past and reported once as bad.
 * Blank lines are skipped but still numbered, so line numbers match an editor's.
 * With a filter, the whole lines of each chunk go to it at once, and the lines it rules out
 * are counted (`onSkipped`), not decoded — unless they do not even look like `{...}`, which are passed on
 * so that parsing reports them.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private overflow = false;
  private lineNo = 0;
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private readonly decisions: (LineTags | null | undefined)[] = [];
  /** Bytes pushed before the current chunk, and where the current line began (file offsets). */
  private pushed = 0;
  private lineStart = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly filter?: LineFilter,
    private readonly onSkipped?: (lines: number) => void,
    /** Give each line its place in the input (plain files: read whole, or a byte range after `startAt`). */
    private readonly spans = false,
  ) {}

  /** The file offset of the first byte pushed (a byte range starts inside its file); before any push. */
  startAt(offset: number): void {
    this.pushed = offset;
    this.lineStart = offset;
  }

  /** Number of the last line completed. */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer, out: InputItem[]): void {
    let start = 0;
    const filter = this.filter;
    if (filter) {
      // A line begun in an earlier chunk (and the first line, for its BOM) is finished alone.
      if (this.partBytes > 0 || this.overflow || this.lineNo === 0) {
        const nl = chunk.indexOf(NEWLINE);
        if (nl === -1) {
          this.keep(chunk);
          this.pushed += chunk.length;
          return;
        }
        this.keep(chunk.subarray(0, nl));
        this.emit(out);
        start = nl + 1;
      }
      const last = chunk.lastIndexOf(NEWLINE);
      if (last >= start) {
        this.region(filter, chunk.subarray(start, last + 1), this.pushed + start, out);
        start = last + 1;
      }
      this.lineStart = this.pushed + start;
      this.keep(chunk.subarray(start));
      this.pushed += chunk.length;
      return;
    }
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) {
        this.keep(chunk.subarray(start));
        this.pushed += chunk.length;
        return;
      }
      this.keep(chunk.subarray(start, nl));
      this.emit(out);
      start = nl + 1;
      this.lineStart = this.pushed + start;
    }
  }

  /** Emits the last line if the input did not end with a newline. */
  end(out: InputItem[]): void {
    if (this.partBytes > 0 || this.overflow) this.emit(out);
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0 || this.overflow) return;
    if (this.partBytes + piece.length > this.maxLineBytes) {
      this.overflow = true;
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    this.parts.push(piece);
    this.partBytes += piece.length;
  }

  private emit(out: InputItem[]): void {
    const line = ++this.lineNo;
    if (this.overflow) {
      this.overflow = false;
      out.push({ kind: 'bad', line, reason: `line exceeds ${this.maxLineBytes} bytes (--max-line-bytes)` });
      return;
    }
    let buf = this.parts.length === 1 && this.parts[0] !== undefined ? this.parts[0] : Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === CR) end--;
    let begin = 0;
    if (line === 1 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) begin = 3;
    if (begin !== 0 || end !== buf.length) buf = buf.subarray(begin, end);
    const at: ByteSpan | undefined = this.spans ? [this.lineStart + begin, buf.length] : undefined;
    let tags: LineTags | null | undefined;
    if (this.filter && buf.length) {
      this.starts[0] = 0;
      this.ends[0] = buf.length;
      this.filter.select(buf, this.starts, this.ends, 1, this.decisions);
      tags = this.decisions[0];
      if (tags === null && looksLikeObject(buf, 0, buf.length)) {
        this.onSkipped?.(1);
        return;
      }
    }
    this.finish(buf, line, tags ?? undefined, out, at);
  }

  /** Whole lines, each ending in a newline, filtered in one go; `offset`: where `chunk` lies in the input. */
  private region(filter: LineFilter, chunk: Buffer, offset: number, out: InputItem[]): void {
    let n = 0;
    for (let s = 0; s < chunk.length;) {
      const nl = chunk.indexOf(NEWLINE, s);
      if (n === this.starts.length) this.grow();
      this.starts[n] = s;
      this.ends[n++] = nl > s && chunk[nl - 1] === CR ? nl - 1 : nl;
      s = nl + 1;
    }
    const decisions = this.decisions;
    filter.select(chunk, this.starts, this.ends, n, decisions);
    let skipped = 0;
    for (let i = 0; i < n; i++) {
      const line = ++this.lineNo;
      // Hot: starts and ends hold the n lines just split.
      const s = this.starts[i]!;
      const e = this.ends[i]!;
      if (e - s > this.maxLineBytes) {
        out.push({ kind: 'bad', line, reason: `line exceeds ${this.maxLineBytes} bytes (--max-line-bytes)` });
        continue;
      }
      const d = decisions[i];
      if (d === null && looksLikeObject(chunk, s, e)) {
        skipped++;
        continue;
      }
      this.finish(chunk.subarray(s, e), line, d ?? undefined, out, this.spans ? [offset + s, e - s] : undefined);
    }
    if (skipped) this.onSkipped?.(skipped);
  }

  private grow(): void {
    const starts = new Int32Array(this.starts.length * 2);
    const ends = new Int32Array(this.ends.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }

  private finish(buf: Buffer, line: number, tags: LineTags | undefined, out: InputItem[], at?: ByteSpan): void {
    if (isBlank(buf)) return;
    if (buf.includes(0)) {
      out.push({ kind: 'bad', line, reason: 'binary data (NUL byte)' });
      return;
    }
    const item: InputItem = { kind: 'line', line, text: buf.toString('utf8') };
    if (replacedInvalidUtf8(item.text, buf)) item.invalidUtf8 = true;
    if (tags !== undefined) item.tags = tags;
    if (at !== undefined) item.at = at;
    out.push(item);
  }
}

/** First and last non-blank bytes are `{` and `}`: the cheap check a skipped line gets. */
function looksLikeObject(buf: Uint8Array, s: number, e: number): boolean {
  while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
  while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09)) e--;
  return e - s >= 2 && buf[s] === 0x7b && buf[e - 1] === 0x7d;
}

function isBlank(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!; // hot (each line): i < buf.length
    if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  }
  return true;
}
