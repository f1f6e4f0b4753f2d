import fs from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import streamArray from 'stream-json/streamers/stream-array.js';
import { DocumentSplitter, detectContainer } from './documents.js';
import { LineSplitter } from './lines.js';
import type { InputItem, InputSource, ReadOptions } from './types.js';

const BATCH = 512;
const SNIFF_BYTES = 8192;

/**
 * Reads one source as batches of items: NDJSON lines, elements of a file whose first
 * character is `[` (a JSON array, streamed with stream-json), or multi-line documents and
 * search hits (./documents.ts). gzip is recognised by its
 * magic bytes, whatever the name. Nothing here throws: a failure mid-file becomes a
 * final `error` item after everything read so far.
 */
export async function* readItems(source: InputSource, opts: ReadOptions): AsyncGenerator<InputItem[]> {
  const chunks = decompressed(rawBytes(source, opts.onBytes));
  let first: IteratorResult<Buffer>;
  try {
    first = await nextNonEmpty(chunks);
  } catch (err) {
    yield [{ kind: 'error', reason: describeError(err) }];
    return;
  }
  if (first.done) return;
  const head = first.value;
  if (head.subarray(0, SNIFF_BYTES).includes(0)) {
    yield [{ kind: 'error', reason: 'binary file (NUL byte near the start), not NDJSON' }];
    return;
  }
  const rest = prepend(head, chunks);
  const container = detectContainer(head);
  if (container === 'array') yield* readArray(rest);
  else if (container === 'lines') yield* readSplit(rest, new LineSplitter(opts.maxLineBytes));
  else yield* readSplit(rest, new DocumentSplitter(opts.maxLineBytes, container === 'search'));
}

/** Runs a splitter (lines or documents) over the chunks; a read error ends with an `error` item. */
async function* readSplit(chunks: AsyncIterable<Buffer>, splitter: LineSplitter | DocumentSplitter): AsyncGenerator<InputItem[]> {
  try {
    for await (const chunk of chunks) {
      const out: InputItem[] = [];
      splitter.push(chunk, out);
      if (out.length) yield out;
    }
  } catch (err) {
    const out: InputItem[] = [];
    splitter.end(out);
    out.push({ kind: 'error', line: splitter.lines + 1, reason: describeError(err) });
    yield out;
    return;
  }
  const out: InputItem[] = [];
  splitter.end(out);
  if (out.length) yield out;
}

async function* readArray(chunks: AsyncIterable<Buffer>): AsyncGenerator<InputItem[]> {
  const parsed = pipeline(Readable.from(chunks), streamArray.withParserAsStream(), () => {});
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

async function* rawBytes(source: InputSource, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  const stream: Readable = source.path === '-' ? process.stdin : fs.createReadStream(source.path, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) {
    onBytes?.((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

/** Passes bytes through, gunzipping (all members) when the stream starts with the gzip magic. */
async function* decompressed(chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const first = await nextNonEmpty(chunks);
  if (first.done) return;
  let head = first.value;
  if (head.length === 1) {
    const more = await nextNonEmpty(chunks);
    if (!more.done) head = Buffer.concat([head, more.value]);
  }
  const all = prepend(head, chunks);
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* all;
    return;
  }
  const gunzip = pipeline(Readable.from(all), zlib.createGunzip(), () => {});
  for await (const chunk of gunzip) yield chunk as Buffer;
}

async function nextNonEmpty(it: AsyncIterator<Buffer>): Promise<IteratorResult<Buffer>> {
  for (;;) {
    const r = await it.next();
    if (r.done || r.value.length > 0) return r;
  }
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (;;) {
    const r = await rest.next();
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
  if (e?.code && MESSAGES[e.code]) return MESSAGES[e.code]!;
  const message = e instanceof Error ? e.message : String(err);
  return message.replace(/,\s*\w+ '.*'$/s, '');
}
