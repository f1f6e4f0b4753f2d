import type { InputItem } from './types.js';

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of
 * one line: a longer line is dropped as it streams past and reported once as bad.
 * Blank lines are skipped but still numbered, so line numbers match an editor's.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private overflow = false;
  private lineNo = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** Number of the last line completed. */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer, out: InputItem[]): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) {
        this.keep(chunk.subarray(start));
        return;
      }
      this.keep(chunk.subarray(start, nl));
      this.emit(out);
      start = nl + 1;
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
    let buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === CR) end--;
    let begin = 0;
    if (line === 1 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) begin = 3;
    if (begin !== 0 || end !== buf.length) buf = buf.subarray(begin, end);
    if (isBlank(buf)) return;
    if (buf.includes(0)) {
      out.push({ kind: 'bad', line, reason: 'binary data (NUL byte)' });
      return;
    }
    out.push({ kind: 'line', line, text: buf.toString('utf8') });
  }
}

function isBlank(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  }
  return true;
}
