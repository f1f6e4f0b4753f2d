import fs from 'node:fs';
import zlib from 'node:zlib';
import { crc32Update } from './crc32.js';
import type { ArchiveEntry } from './types.js';

/**
 * .zip archives read like folders: the central directory lists the entries (ZIP64 too),
 * each entry is streamed from its local header with positional reads, stored or deflated
 * (node:zlib inflateRaw), its CRC-32 checked at the end. Nothing is extracted to disk.
 * Refused, each with its reason: encrypted entries, other compression methods, names that
 * climb out of the archive or are absolute or hold NUL, and zip bombs (an entry that
 * inflates past its declared size, or declares more than MAX_RATIO times its compressed
 * size beyond MAX_PLAIN_BYTES).
 */

/** An entry may declare at most this ratio of uncompressed to compressed size once it is past MAX_PLAIN_BYTES. */
export const MAX_RATIO = 1000;
/** Below this many uncompressed bytes any ratio is allowed (zeroed .evtx chunks compress ~10,000×). */
export const MAX_PLAIN_BYTES = 256 * 1024 * 1024;
/** Entries an archive may list. */
export const MAX_ENTRIES = 100_000;

const READ = 1 << 18;
/** Compressed bytes read at a time: 64 KiB inflate to at most ~66 MB, and a bomb is stopped inside that. */
const READ_DEFLATED = 1 << 16;

export function isZip(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/** The entries of an archive that are files, in name order, and those refused with their reasons. */
export interface ZipListing {
  entries: ArchiveEntry[];
  refused: { entry: string; reason: string }[];
}

async function readAt(handle: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** Why an entry name is refused, or null: `..` segments, absolute paths, drive letters, NUL. */
export function unsafeName(name: string): string | null {
  if (name.includes('\0')) return 'its name holds a NUL byte';
  const parts = name.split(/[\\/]/);
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) return 'its name is an absolute path';
  if (parts.includes('..')) return 'its name climbs out of the archive (..)';
  return null;
}

/** Reads the central directory. Throws (with a short reason) when the file is not a readable archive. */
export async function listZip(file: string): Promise<ZipListing> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const tailLength = Math.min(size, 22 + 65535 + 20);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error('zip archive without its central directory (cut short?)');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && tail.readUInt32LE(eocd - 20) === 0x07064b50) {
      const at = Number(tail.readBigUInt64LE(eocd - 20 + 8));
      const z64 = await readAt(handle, at, 56);
      if (z64.length < 56 || z64.readUInt32LE(0) !== 0x06064b50) throw new Error('zip archive: bad ZIP64 end record');
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    if (count > MAX_ENTRIES) throw new Error(`zip archive lists ${count} entries (at most ${MAX_ENTRIES} are read)`);
    if (cdOffset + cdSize > size) throw new Error('zip archive: central directory past the end of the file (cut short?)');
    const cd = await readAt(handle, cdOffset, cdSize);
    const listing: ZipListing = { entries: [], refused: [] };
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip archive: central directory entry ${i + 1} is damaged`);
      const flags = cd.readUInt16LE(at + 8);
      const method = cd.readUInt16LE(at + 10);
      const crc = cd.readUInt32LE(at + 16);
      let compressed = cd.readUInt32LE(at + 20);
      let uncompressed = cd.readUInt32LE(at + 24);
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      let offset = cd.readUInt32LE(at + 42);
      const nameBytes = cd.subarray(at + 46, at + 46 + nameLength);
      const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
      const extra = cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
      for (let e = 0; e + 4 <= extra.length; e += 4 + extra.readUInt16LE(e + 2)) {
        if (extra.readUInt16LE(e) !== 0x0001) continue;
        let p = e + 4;
        const next = () => { const v = p + 8 <= extra.length ? Number(extra.readBigUInt64LE(p)) : 0; p += 8; return v; };
        if (uncompressed === 0xffffffff) uncompressed = next();
        if (compressed === 0xffffffff) compressed = next();
        if (offset === 0xffffffff) offset = next();
      }
      at += 46 + nameLength + extraLength + commentLength;
      if (name.endsWith('/') || name.endsWith('\\')) continue;
      const unsafe = unsafeName(nameBytes.includes(0) ? name + '\0' : name);
      let reason: string | null = unsafe;
      if (!reason && flags & 1) reason = 'encrypted';
      if (!reason && method !== 0 && method !== 8) reason = `compressed with method ${method} (only stored and deflate are read)`;
      if (!reason && method === 0 && compressed !== uncompressed) reason = 'stored, but its sizes differ';
      if (!reason && uncompressed > MAX_PLAIN_BYTES && uncompressed > compressed * MAX_RATIO) reason = `a zip bomb? ${uncompressed} bytes from ${compressed} (over ${MAX_RATIO}:1)`;
      if (reason) listing.refused.push({ entry: name.replace(/\0/g, '\\0'), reason });
      else listing.entries.push({ name, offset, method, compressed, uncompressed, crc });
    }
    listing.entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return listing;
  } finally {
    await handle.close();
  }
}

/**
 * The uncompressed bytes of one entry, streamed. Throws when the entry is damaged, inflates
 * past its declared size (a bomb lying about itself), or its CRC-32 does not match.
 */
export async function* entryBytes(file: string, entry: ArchiveEntry, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  const inflate = entry.method === 8 ? zlib.createInflateRaw() : null;
  try {
    const local = await readAt(handle, entry.offset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw new Error('zip entry: no local header where the directory says (damaged archive)');
    let at = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const end = at + entry.compressed;
    let produced = 0;
    let crc = 0;
    const tooBig = () => new Error(`zip entry inflates past its declared ${entry.uncompressed} bytes: refused (a zip bomb?)`);
    const pending: Buffer[] = [];
    let failed: Error | null = null;
    // Counted as it comes out of zlib, so a bomb is stopped within one output chunk, not after a whole read.
    inflate?.on('data', (d: Buffer) => {
      if (failed) return;
      produced += d.length;
      if (produced > entry.uncompressed) {
        failed = tooBig();
        inflate.destroy();
        return;
      }
      crc = crc32Update(crc, d);
      pending.push(d);
    });
    inflate?.on('error', (e) => { failed ??= e; });
    /** Waits for a write or the end to be processed, or for the stream to close (destroyed on a bomb, or failed). */
    const settled = (stream: zlib.InflateRaw, register: (done: () => void) => void) => new Promise<void>((resolve) => {
      const done = () => {
        stream.off('close', done);
        resolve();
      };
      stream.once('close', done);
      register(done);
    });
    /** What zlib has given so far, and what it gives while the caller takes that. */
    function* drain(): Generator<Buffer> {
      for (let d = pending.shift(); d !== undefined; d = pending.shift()) yield d;
    }
    while (at < end) {
      const raw = await readAt(handle, at, Math.min(inflate ? READ_DEFLATED : READ, end - at));
      if (raw.length === 0) throw new Error('zip entry cut short (the archive ends inside it)');
      at += raw.length;
      onBytes?.(raw.length);
      if (!inflate) {
        produced += raw.length;
        if (produced > entry.uncompressed) throw tooBig();
        crc = crc32Update(crc, raw);
        yield raw;
        continue;
      }
      await settled(inflate, (done) => inflate.write(raw, () => done()));
      if (failed) throw failed;
      yield* drain();
    }
    if (inflate) {
      await settled(inflate, (done) => { inflate.once('end', done); inflate.end(); });
      if (failed) throw failed;
      yield* drain();
    }
    if (produced !== entry.uncompressed) throw new Error(`zip entry gave ${produced} bytes, its directory says ${entry.uncompressed} (damaged archive)`);
    if ((crc >>> 0) !== entry.crc) throw new Error('zip entry: CRC-32 mismatch (damaged archive)');
  } finally {
    inflate?.destroy();
    await handle.close();
  }
}
