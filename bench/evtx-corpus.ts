import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from '../src/input/crc32.js';

const HEADER = 4096;
const CHUNK = 65536;

/**
 * One large valid .evtx file built from real chunks: every used chunk of every .evtx under
 * `dir` (sorted), the whole set repeated until at least `minRecords` records, behind a file
 * header with the right chunk count and checksum. Chunks are self-contained (offsets are
 * chunk-relative), so this is a file Windows could have written. Returns its path and the
 * records it holds; kept in `cacheDir` between runs.
 */
export function makeEvtxCorpus(dir: string, cacheDir: string, minRecords: number): { file: string; records: number; bytes: number; copies: number } {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.evtx')).sort();
  const chunks: Buffer[] = [];
  let records = 0;
  for (const f of files) {
    const buf = fs.readFileSync(path.join(dir, f));
    const count = buf.readUInt16LE(42);
    for (let i = 0; i < count && HEADER + (i + 1) * CHUNK <= buf.length; i++) {
      const c = buf.subarray(HEADER + i * CHUNK, HEADER + (i + 1) * CHUNK);
      if (c.toString('latin1', 0, 8) !== 'ElfChnk\0') continue;
      chunks.push(c);
      records += recordsIn(c);
    }
  }
  if (records === 0) throw new Error(`no EVTX records under ${dir}`);
  const times = Math.ceil(minRecords / records);
  const total = Math.min(65535, chunks.length * times);
  const file = path.join(cacheDir, `evtx-attack-samples-x${times}.evtx`);
  const bytes = HEADER + total * CHUNK;
  if (!fs.existsSync(file) || fs.statSync(file).size !== bytes) {
    fs.mkdirSync(cacheDir, { recursive: true });
    const header = Buffer.alloc(HEADER);
    header.write('ElfFile\0', 0, 'latin1');
    header.writeBigUInt64LE(BigInt(total - 1), 16);
    header.writeUInt32LE(128, 32);
    header.writeUInt16LE(2, 36);
    header.writeUInt16LE(3, 38);
    header.writeUInt16LE(HEADER, 40);
    header.writeUInt16LE(total, 42);
    header.writeUInt32LE(crc32(header.subarray(0, 120)), 124);
    const fd = fs.openSync(file + '.tmp', 'w');
    fs.writeSync(fd, header);
    for (let i = 0; i < total; i++) fs.writeSync(fd, chunks[i % chunks.length]!);
    fs.closeSync(fd);
    fs.renameSync(file + '.tmp', file);
  }
  return { file, records: records * times, bytes, copies: times };
}

/** Records in a chunk: walk the record sizes up to its free-space offset. */
function recordsIn(c: Buffer): number {
  const free = Math.min(CHUNK, c.readUInt32LE(48));
  let n = 0;
  for (let at = 512; at + 24 <= free && c.readUInt32LE(at) === 0x2a2a; at += c.readUInt32LE(at + 4)) {
    if (c.readUInt32LE(at + 4) < 28) break;
    n++;
  }
  return n;
}
