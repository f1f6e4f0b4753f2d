import fs from 'node:fs';
import type { InputItem } from '../types.js';
import { CHUNK_MAGIC, CHUNK_SIZE, isEmptyChunk, readChunk } from './chunk.js';
import { FILE_HEADER_SIZE, FILE_MAGIC, readFileHeader } from './header.js';

/** Whether bytes start an .evtx file (or a lone chunk carved out of one). */
export function isEvtx(head: Buffer): boolean {
  return head.length >= 8 && (head.subarray(0, 8).equals(FILE_MAGIC) || head.subarray(0, 8).equals(CHUNK_MAGIC));
}

/** Where the reader takes its header and chunks from: exact-size blocks, fewer bytes only at the end. */
interface BlockSource {
  take(n: number): Promise<Buffer>;
}

/** Takes exact-size blocks off a stream of buffers; only what one block needs is held. */
class Blocks implements BlockSource {
  private pending: Buffer[] = [];
  private held = 0;
  private done = false;
  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  /** The next `n` bytes, fewer only at the end of the stream. */
  async take(n: number): Promise<Buffer> {
    while (this.held < n && !this.done) {
      const r = await this.chunks.next();
      if (r.done) this.done = true;
      else if (r.value.length) {
        this.pending.push(r.value);
        this.held += r.value.length;
      }
    }
    const first = this.pending[0];
    let out: Buffer;
    if (first && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.pending);
      out = all.subarray(0, n);
      this.pending = all.length > n ? [all.subarray(n)] : [];
    }
    this.held -= out.length;
    return out;
  }
}

/**
 * Reads an .evtx file from its bytes, one 64 KiB chunk at a time, as `value` items (one per
 * record, `line` = the record's EventRecordID, `value` = evtx_dump's JSON document for it).
 * Damage never stops the read: a bad header checksum, a chunk that is not one, a chunk
 * checksum mismatch or a file cut short become `error` items naming the chunk, a record
 * that does not parse a `bad` item, and every record that does parse is kept. Chunks of
 * zeros past the header's chunk count are unused space, not damage. A file starting with a
 * chunk signature (a carved chunk) is read as chunks with no header.
 */
export function readEvtx(chunks: AsyncIterator<Buffer>): AsyncGenerator<InputItem[]> {
  return readBlocks(new Blocks(chunks));
}

/**
 * Blocks of a regular file by positional reads, each chunk read where it lies (no copying
 * across read boundaries) with the next one already on its way.
 */
class FileBlocks implements BlockSource {
  private pos = 0;
  private ahead: { at: number; length: number; read: Promise<Buffer> } | null = null;
  /** Bytes read so far. */
  total = 0;
  constructor(private readonly handle: fs.promises.FileHandle) {}

  private read(at: number, length: number): Promise<Buffer> {
    const p = this.handle.read(Buffer.allocUnsafe(length), 0, length, at).then((r) => r.buffer.subarray(0, r.bytesRead));
    // Awaited in its turn; this keeps a read that fails before then from counting as unhandled.
    p.catch(() => {});
    return p;
  }

  async take(n: number): Promise<Buffer> {
    const ahead = this.ahead;
    this.ahead = null;
    const buf = await (ahead && ahead.at === this.pos && ahead.length === n ? ahead.read : this.read(this.pos, n));
    this.pos += buf.length;
    this.total += buf.length;
    if (buf.length === n) this.ahead = { at: this.pos, length: CHUNK_SIZE, read: this.read(this.pos, CHUNK_SIZE) };
    return buf;
  }

  /** Lets a read still in flight settle before the file is closed. */
  async settle(): Promise<void> {
    if (this.ahead) await this.ahead.read.catch(() => {});
  }
}

/**
 * readEvtx for a regular file, read chunk by chunk where each lies. A file that yields fewer
 * bytes than its size when opened was cut short while being read: an error item says so.
 */
export async function* readEvtxFile(file: string, onBytes?: (n: number) => void): AsyncGenerator<InputItem[]> {
  const handle = await fs.promises.open(file, 'r');
  const blocks = new FileBlocks(handle);
  try {
    const size = (await handle.stat()).size;
    let counted = 0;
    for await (const items of readBlocks(blocks)) {
      onBytes?.(blocks.total - counted);
      counted = blocks.total;
      yield items;
    }
    onBytes?.(blocks.total - counted);
    if (blocks.total < size) yield [{ kind: 'error', reason: `file shrank while being read (${blocks.total} of ${size} bytes read): truncated by another process?` }];
  } finally {
    await blocks.settle();
    await handle.close();
  }
}

async function* readBlocks(blocks: BlockSource): AsyncGenerator<InputItem[]> {
  const head = await blocks.take(8);
  let chunkCount = Infinity;
  let base = 0;
  const items: InputItem[] = [];
  let first: Buffer | null = null;
  if (head.equals(FILE_MAGIC)) {
    const rest = await blocks.take(FILE_HEADER_SIZE - 8);
    const header = Buffer.concat([head, rest]);
    if (header.length < 128) {
      yield [{ kind: 'error', reason: `file ends inside the EVTX file header (${header.length} of ${FILE_HEADER_SIZE} bytes)` }];
      return;
    }
    const h = readFileHeader(header);
    chunkCount = h.chunkCount;
    base = FILE_HEADER_SIZE;
    for (const p of h.problems) items.push({ kind: 'error', reason: p });
  } else {
    first = Buffer.concat([head, await blocks.take(CHUNK_SIZE - 8)]);
  }
  for (let index = 0; ; index++) {
    const raw = first ?? await blocks.take(CHUNK_SIZE);
    first = null;
    if (raw.length === 0) {
      if (index < chunkCount && chunkCount !== Infinity) items.push({ kind: 'error', reason: `the header counts ${chunkCount} chunks, the file holds ${index}: cut short?` });
      break;
    }
    const where = `chunk ${index} (offset 0x${(base + index * CHUNK_SIZE).toString(16)})`;
    let buf = raw;
    if (raw.length < CHUNK_SIZE) {
      items.push({ kind: 'error', reason: `${where}: the file ends after ${raw.length} of its ${CHUNK_SIZE} bytes (cut short); its complete records are read` });
      buf = Buffer.alloc(CHUNK_SIZE);
      raw.copy(buf);
    }
    if (isEmptyChunk(buf)) {
      if (index < chunkCount && chunkCount !== Infinity) items.push({ kind: 'error', reason: `${where}: all zeros, though the header counts it as used` });
    } else {
      const { records, problems } = readChunk(buf);
      // Chunks past the header's count that are not chunks: space Windows never used.
      if (!(index >= chunkCount && records.length === 0)) for (const p of problems) items.push({ kind: 'error', reason: `${where}: ${p}` });
      for (const r of records) items.push('doc' in r ? { kind: 'value', line: r.id, value: r.doc } : { kind: 'bad', line: r.id, reason: r.error });
    }
    if (items.length) yield items.splice(0);
    if (raw.length < CHUNK_SIZE) break;
  }
  if (items.length) yield items;
}
