import fs from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import streamArray from 'stream-json/streamers/stream-array.js';
import { CONTAINER_WINDOW, DocumentSplitter, detectContainer } from './documents.js';
import { isEvtx, readEvtx, readEvtxFile } from './evtx/index.js';
import { gunzip, isGzip } from './gzip.js';
import { LineSplitter } from './lines.js';
import { sniff } from './sniff.js';
import { entryBytes } from './zip.js';
import type { ByteRange, ByteSpan, InputItem, InputSource, ReadOptions } from './types.js';

const BATCH = 512;
/**
 * Bytes per read: 64 KiB reads cost ~4× the CPU of 1 MiB ones; 256 KiB run as fast as 1 MiB and
 * leave a quarter of the memory in spent read buffers awaiting GC (2 GB input: ~14 MB against
 * ~46 MB, peak RSS 195–224 MB against 243–250 MB). docs/decisions.md, "Scale, second pass".
 */
export const READ_CHUNK = 1 << 18;

/**
 * Reads one source as batches of items: NDJSON lines, elements of a file whose first
 * character is `[` (a JSON array, streamed with stream-json), or multi-line documents and
 * search hits (./documents.ts), or the records of a Windows event log (.evtx, by its magic
 * bytes: ./evtx/, one `value` item per record numbered by its EventRecordID). gzip is
 * recognised by its magic bytes, whatever the name; UTF-16 text with a byte-order mark is
 * decoded; a file that is binary as a whole (an archive) is one error naming its type. Nothing here
 * throws: a failure mid-file becomes a final `error` item after everything read so far.
 */
export async function* readItems(source: InputSource, opts: ReadOptions): AsyncGenerator<InputItem[]> {
  if (opts.range) {
    const splitter = new LineSplitter(opts.maxLineBytes, opts.filter, opts.onSkipped, true);
    const chunks = lineAligned(rawBytes(source, undefined, Math.max(0, opts.range.start - 1)), opts.range, opts.onBytes, (offset) => splitter.startAt(offset));
    yield* readSplit(chunks, splitter, opts);
    return;
  }
  // An archive entry, like gzip, cannot be read again where a line lies: no spans.
  // A plain .evtx file is read chunk by chunk where each lies (gzip, stdin and archive entries stream).
  if (source.path !== '-' && !source.archive && await startsWithEvtx(source.path)) {
    yield* readEvtxItems(readEvtxFile(source.path, opts.onBytes));
    return;
  }
  let gzipped = source.archive !== undefined;
  let chunks: AsyncIterator<Buffer> = decompressed(rawBytes(source, opts.onBytes), () => { gzipped = true; });
  let first: IteratorResult<Buffer>;
  try {
    first = await nextNonEmpty(chunks);
  } catch (err) {
    yield [{ kind: 'error', reason: describeError(err) }];
    return;
  }
  if (first.done) return;
  if (first.value.length < 8) {
    // Too short to tell an .evtx file by its magic: gather a few more bytes.
    const more = await nextNonEmpty(chunks);
    if (!more.done) first = { done: false, value: Buffer.concat([first.value, more.value]) };
  }
  if (isEvtx(first.value)) {
    yield* readEvtxItems(readEvtx(prepend(first.value, chunks)));
    return;
  }
  const kind = sniff(first.value);
  if (kind.binary !== undefined) {
    yield [{ kind: 'error', reason: kind.binary }];
    return;
  }
  chunks = prepend(first.value, chunks);
  if (kind.utf16 !== undefined) {
    chunks = utf16ToUtf8(chunks, kind.utf16);
    first = await nextNonEmpty(chunks);
    if (first.done) return;
    chunks = prepend(first.value, chunks);
  }
  const gathered = await gatherHead(chunks);
  chunks = gathered.chunks;
  const container = detectContainer(gathered.head);
  if (container === 'array') yield* readArray(chunks);
  // Lines of a plain file can be read again where they lie: they carry their byte span.
  else if (container === 'lines') yield* readLines(chunks, opts, isRegularFile(source) && !gzipped && kind.utf16 === undefined);
  else yield* readSplit(chunks, new DocumentSplitter(opts.maxLineBytes, container === 'search', container === 'archive'), opts);
}

/** Whether a regular file starts with an .evtx signature (anything else, or an error, is for the general path). */
async function startsWithEvtx(file: string): Promise<boolean> {
  const head = await fileHead(file, 8);
  return head !== null && isEvtx(head);
}

/**
 * The first `n` bytes (or fewer) of a regular file; null for anything else or an error. Only a
 * regular file is opened: opening a FIFO would wait for a writer, and reading it would take
 * bytes the real read needs.
 */
export async function fileHead(file: string, n: number): Promise<Buffer | null> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    if (!(await fs.promises.stat(file)).isFile()) return null;
    handle = await fs.promises.open(file, 'r');
    const head = Buffer.alloc(n);
    const { bytesRead } = await handle.read(head, 0, n, 0);
    return head.subarray(0, bytesRead);
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/** The records of an .evtx file; an I/O error ends with an `error` item. */
async function* readEvtxItems(items: AsyncGenerator<InputItem[]>): AsyncGenerator<InputItem[]> {
  try {
    yield* items;
  } catch (err) {
    yield [{ kind: 'error', reason: describeError(err) }];
  }
}

async function* readLines(chunks: AsyncIterator<Buffer>, opts: ReadOptions, spans = false): AsyncGenerator<InputItem[]> {
  yield* readSplit(chunks, new LineSplitter(opts.maxLineBytes, opts.filter, opts.onSkipped, spans), opts);
}

/**
 * The text of a line given its span (see ByteSpan), read again from the file; null when the
 * file no longer holds those bytes.
 */
export function readText(file: string, [offset, bytes]: ByteSpan): string | null {
  return withFile(file, null, (fd) => {
    const buf = Buffer.alloc(bytes);
    return fs.readSync(fd, buf, 0, bytes, offset) === bytes ? buf.toString('utf8') : null;
  });
}

/**
 * readText for many lines: the last few files read stay open, so reading the evidence of
 * millions of alerts costs a read each, not an open, a read and a close. `close` when done.
 */
export class TextReader {
  private readonly fds = new Map<string, number | null>();
  read(file: string, [offset, bytes]: ByteSpan): string | null {
    let fd = this.fds.get(file);
    if (fd === undefined) {
      if (this.fds.size >= 16) this.closeOldest();
      try {
        fd = fs.openSync(file, 'r');
      } catch {
        fd = null;
      }
      this.fds.set(file, fd);
    }
    if (fd === null) return null;
    const buf = Buffer.allocUnsafe(bytes);
    try {
      return fs.readSync(fd, buf, 0, bytes, offset) === bytes ? buf.toString('utf8') : null;
    } catch {
      return null;
    }
  }
  close(): void {
    while (this.fds.size) this.closeOldest();
  }
  private closeOldest(): void {
    const [file, fd] = this.fds.entries().next().value as [string, number | null];
    this.fds.delete(file);
    if (fd !== null) fs.closeSync(fd);
  }
}

/**
 * A cheap 53-bit hash of a line's text (two 32-bit multiply-xor lanes over its UTF-16 code
 * units, cyrb53's mix): what a candidate line keeps so that its text, read again at output
 * time, can be told apart from a line rewritten in place. It catches changes, not forgeries:
 * it is not a cryptographic hash.
 */
export function textHash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** `use` of the file opened for reading (closed after), or `fallback` when it cannot be read. */
function withFile<T>(file: string, fallback: T, use: (fd: number) => T): T {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    return use(fd);
  } catch {
    return fallback;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Runs a splitter (lines, or multi-line documents) over the chunks; a read error ends with an `error` item. */
async function* readSplit(chunks: AsyncIterator<Buffer>, splitter: LineSplitter | DocumentSplitter, opts: ReadOptions): AsyncGenerator<InputItem[]> {
  try {
    for (;;) {
      const r = await chunks.next();
      if (r.done) break;
      const out: InputItem[] = [];
      splitter.push(r.value, out);
      if (out.length) yield out;
    }
  } catch (err) {
    const out: InputItem[] = [];
    splitter.end(out);
    out.push({ kind: 'error', line: splitter.lines + 1, reason: describeError(err) });
    opts.onLineCount?.(splitter.lines);
    yield out;
    return;
  }
  const out: InputItem[] = [];
  splitter.end(out);
  opts.onLineCount?.(splitter.lines);
  if (out.length) yield out;
}

/**
 * About how many bytes of text a source holds, for sizing the work: a file's size, or for
 * gzip the larger of that and the size its trailer records (the last member's, modulo 4 GiB:
 * a hint, not a count); 0 for stdin and what cannot be read.
 */
export function textBytes(source: InputSource): number {
  if (source.archive) return source.archive.entry.uncompressed;
  if (!isRegularFile(source)) return 0;
  return withFile(source.path, 0, (fd) => {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(2);
    if (size < 18 || fs.readSync(fd, head, 0, 2, 0) < 2 || !isGzip(head)) return size;
    const trailer = Buffer.alloc(4);
    fs.readSync(fd, trailer, 0, 4, size - 4);
    return Math.max(size, trailer.readUInt32LE(0));
  });
}

/**
 * Cuts a plain NDJSON file (not gzip, not a JSON array or multi-line documents, not UTF-16) of at least two
 * `rangeBytes` into ranges of about that size that readItems can read on their own; null
 * when the file is smaller or cannot be read in parts.
 */
export async function splitFile(source: InputSource, rangeBytes: number): Promise<ByteRange[] | null> {
  if (source.archive || !isRegularFile(source)) return null;
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(source.path, 'r');
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size < 2 * rangeBytes) return null;
    // The same window readItems decides on (documents.ts CONTAINER_WINDOW): one answer for both.
    const head = Buffer.alloc(CONTAINER_WINDOW);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    const kind = sniff(start);
    // An .evtx file is read chunk by chunk, whole: its records are numbered across it.
    if (isEvtx(start) || kind.binary !== undefined || kind.utf16 !== undefined || isGzip(start) || detectContainer(start) !== 'lines') return null;
    const parts = Math.ceil(stat.size / rangeBytes);
    const size = Math.ceil(stat.size / parts);
    return Array.from({ length: parts }, (_, i) => ({ start: i * size, end: Math.min(stat.size, (i + 1) * size) }));
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

async function* readArray(chunks: AsyncIterator<Buffer>): AsyncGenerator<InputItem[]> {
  const parsed = pipeline(Readable.from(iterable(chunks)), streamArray.withParserAsStream(), () => {});
  let out: InputItem[] = [];
  let count = 0;
  try {
    for await (const item of parsed as AsyncIterable<{ key: number; value: unknown }>) {
      count = item.key + 1;
      out.push({ kind: 'value', line: count, value: item.value });
      if (out.length >= BATCH) {
        yield out;
        out = [];
      }
    }
  } catch (err) {
    out.push({ kind: 'error', line: count + 1, reason: `JSON array: ${describeError(err)}` });
  }
  if (out.length) yield out;
}

/**
 * The bytes of a source. For a regular file the size is taken when it is opened: reading
 * fewer bytes than that means the file was cut short while lolhunt read it, which is an
 * error, not a short line.
 */
async function* rawBytes(source: InputSource, onBytes?: (n: number) => void, from = 0): AsyncGenerator<Buffer> {
  if (source.archive) {
    yield* entryBytes(source.archive.file, source.archive.entry, onBytes);
    return;
  }
  if (source.path === '-') {
    for await (const chunk of process.stdin) {
      onBytes?.((chunk as Buffer).length);
      yield chunk as Buffer;
    }
    return;
  }
  const handle = await fs.promises.open(source.path, 'r');
  try {
    const stat = await handle.stat();
    let read = 0;
    // A FIFO or a process substitution (`<(zcat x.gz)`) cannot be read at positions.
    for await (const chunk of stat.isFile() ? readAhead(handle, from) : readInTurn(handle)) {
      read += chunk.length;
      onBytes?.(chunk.length);
      yield chunk;
    }
    if (stat.isFile() && from + read < stat.size) {
      throw new Error(`file shrank while being read (${read} of ${stat.size} bytes read): truncated by another process?`);
    }
  } finally {
    await handle.close();
  }
}

/** Is this source a regular file (not stdin, a FIFO, a device), which can be read again at positions? Stat only: opening a FIFO would take its data. */
function isRegularFile(source: InputSource): boolean {
  // An archive entry's path names it inside the archive, not a file of that name.
  if (source.path === '-' || source.archive) return false;
  try {
    return fs.statSync(source.path).isFile();
  } catch {
    return false;
  }
}

/** A stream's bytes in the order they come, READ_CHUNK at a time. */
async function* readInTurn(handle: Pick<fs.promises.FileHandle, 'read'>): AsyncGenerator<Buffer> {
  for (;;) {
    const { buffer, bytesRead } = await handle.read(Buffer.allocUnsafe(READ_CHUNK), 0, READ_CHUNK, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/** Reads kept in flight while the caller works on the last one: the next is on its way before it is needed. */
const READS_AHEAD = 2;

/**
 * The file's bytes from `from` on, READ_CHUNK at a time, READS_AHEAD reads ahead of the
 * caller (a stream keeps only one, and the scan then sat waiting for it ~3% of the time).
 * Reads ahead assume full reads before them; after a short one (the end, or a file changed
 * under us) they are dropped and reading goes on from where it really stopped.
 */
export async function* readAhead(handle: Pick<fs.promises.FileHandle, 'read'>, from: number): AsyncGenerator<Buffer> {
  let next = from;
  const pending: { at: number; read: Promise<Buffer> }[] = [];
  const issue = () => {
    const at = next;
    next += READ_CHUNK;
    const read = handle.read(Buffer.allocUnsafe(READ_CHUNK), 0, READ_CHUNK, at).then((r) => r.buffer.subarray(0, r.bytesRead));
    // Awaited in turn below; this keeps a read that fails before its turn from counting as unhandled.
    read.catch(() => {});
    pending.push({ at, read });
  };
  try {
    for (let i = 0; i < READS_AHEAD; i++) issue();
    // Each turn issues the next read before it yields: pending is never empty here.
    for (let turn = pending.shift(); turn !== undefined; turn = pending.shift()) {
      const { at, read } = turn;
      const chunk = await read;
      if (chunk.length === 0) return;
      if (chunk.length < READ_CHUNK) {
        await Promise.allSettled(pending.splice(0).map((p) => p.read));
        next = at + chunk.length;
      }
      issue();
      yield chunk;
    }
  } finally {
    // The caller may stop early (a byte range ends): the file is closed after, so let the reads settle.
    await Promise.allSettled(pending.map((p) => p.read));
  }
}

/**
 * The bytes of the lines that start in [start, end), given the file from start - 1 (`onStart`
 * is told the file offset of the first byte yielded, before it is): a line
 * that began before the range belongs to the range before (it is skipped up to its
 * newline), and the last line that starts inside runs on past `end` to its newline.
 */
async function* lineAligned(chunks: AsyncGenerator<Buffer>, range: ByteRange, onBytes: ((n: number) => void) | undefined, onStart: (offset: number) => void): AsyncGenerator<Buffer> {
  /** File offset of the next byte: reading starts one byte early, to see whether `start` begins a line. */
  let pos = Math.max(0, range.start - 1);
  let skipping = range.start > 0;
  if (!skipping) onStart(0);
  for await (let chunk of chunks) {
    // Bytes are counted where they lie in [start, end), so the ranges of a file add up to its size.
    onBytes?.(Math.max(0, Math.min(range.end, pos + chunk.length) - Math.max(range.start, pos)));
    if (skipping) {
      const nl = chunk.indexOf(0x0a);
      if (nl === -1) {
        pos += chunk.length;
        continue;
      }
      skipping = false;
      pos += nl + 1;
      chunk = chunk.subarray(nl + 1);
      // The line after that newline starts at or past the range's end: another range's.
      if (pos >= range.end) return;
      onStart(pos);
    }
    if (pos + chunk.length <= range.end) {
      pos += chunk.length;
      yield chunk;
      // The range ended with this chunk, on a newline: the next line is the next range's.
      if (pos === range.end && chunk[chunk.length - 1] === 0x0a) return;
      continue;
    }
    // Past the end: finish the line that started inside the range.
    const nl = chunk.indexOf(0x0a, Math.max(0, range.end - pos - 1));
    if (nl !== -1) {
      yield chunk.subarray(0, nl + 1);
      return;
    }
    yield chunk;
    pos += chunk.length;
  }
}

/** Passes bytes through, gunzipping (all members) when the stream starts with the gzip magic. */
async function* decompressed(chunks: AsyncGenerator<Buffer>, onGzip: () => void): AsyncGenerator<Buffer> {
  const first = await nextNonEmpty(chunks);
  if (first.done) return;
  let head = first.value;
  if (head.length === 1) {
    const more = await nextNonEmpty(chunks);
    if (!more.done) head = Buffer.concat([head, more.value]);
  }
  const all = prepend(head, chunks);
  if (!isGzip(head)) yield* iterable(all);
  else {
    onGzip();
    yield* gunzip(all);
  }
}

/** UTF-16 text as UTF-8 bytes (the byte-order mark dropped), decoded as it streams. */
async function* utf16ToUtf8(chunks: AsyncIterator<Buffer>, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(encoding, { ignoreBOM: false });
  for (;;) {
    const r = await chunks.next();
    if (r.done) break;
    yield Buffer.from(decoder.decode(r.value, { stream: true }), 'utf8');
  }
  const tail = decoder.decode();
  if (tail) yield Buffer.from(tail, 'utf8');
}

/**
 * The first CONTAINER_WINDOW bytes (all of them when fewer), for detectContainer, and the
 * chunks again from the start. A read that fails meanwhile fails in its turn, after the
 * bytes before it, as it would have without the look ahead.
 */
async function gatherHead(chunks: AsyncIterator<Buffer>): Promise<{ head: Buffer; chunks: AsyncIterator<Buffer> }> {
  const parts: Buffer[] = [];
  let size = 0;
  let failure: { err: unknown } | null = null;
  try {
    while (size < CONTAINER_WINDOW) {
      const r = await chunks.next();
      if (r.done) break;
      parts.push(r.value);
      size += r.value.length;
    }
  } catch (err) {
    failure = { err };
  }
  const head = parts.length === 1 && parts[0] !== undefined ? parts[0] : Buffer.concat(parts);
  return { head, chunks: replay(head, failure, chunks) };
}

async function* replay(head: Buffer, failure: { err: unknown } | null, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length) yield head;
  if (failure) throw failure.err;
  yield* iterable(rest);
}

async function nextNonEmpty(it: AsyncIterator<Buffer>): Promise<IteratorResult<Buffer>> {
  for (;;) {
    const r = await it.next();
    if (r.done || r.value.length > 0) return r;
  }
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  yield* iterable(rest);
}

async function* iterable(it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

const MESSAGES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  Z_BUF_ERROR: 'truncated gzip stream',
  Z_DATA_ERROR: 'corrupt gzip data',
};

/** A short reason without the path (the caller prints it) or a stack. */
export function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known = e?.code ? MESSAGES[e.code] : undefined;
  if (known) return known;
  const message = e instanceof Error ? e.message : String(err);
  return message.replace(/,\s*\w+ '.*'$/s, '');
}
