import { compile, MAX_STEPS, run, templateInstance } from './binxml.js';
import { crc32 } from '../crc32.js';
import { DocumentBuilder } from './document.js';
import { ChunkTables } from './tables.js';
import { EvtxFormatError } from './values.js';

/** A chunk: 64 KiB, a 512-byte header (string and template hash tables inside), then event records. */
export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
export const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');
const RECORD_MAGIC = 0x00002a2a;
/** Record header: magic, size, record id, FILETIME; the size is repeated after the BinXML. */
const RECORD_HEADER_SIZE = 24;

/**
 * One record of a chunk: its document, or why it could not be read. `id` is the record's
 * System/EventRecordID when it has one, else the number in its record header.
 */
export type ChunkRecord = { id: number; doc: Record<string, unknown> } | { id: number; error: string };

export interface ChunkReport {
  records: ChunkRecord[];
  /** Damage found in the chunk; its records that still parse are in `records`. */
  problems: string[];
}

/** Whether the buffer is a chunk of zeros (space Windows allocated and never used). */
export function isEmptyChunk(buf: Buffer): boolean {
  for (let i = 0; i < CHUNK_HEADER_SIZE; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Reads every record of a chunk (a full 64 KiB buffer; a truncated chunk is padded with zeros
 * by the caller). The header checksum (bytes 0–120 and 128–512) and the event-records
 * checksum (512 up to the free-space offset) are checked; a mismatch is reported and the
 * records are still read, each one that parses kept. Reading stops at the free-space
 * offset or at the first record whose header is not one.
 */
export function readChunk(buf: Buffer): ChunkReport {
  const problems: string[] = [];
  if (!buf.subarray(0, 8).equals(CHUNK_MAGIC)) return { records: [], problems: ['no ElfChnk signature: not a chunk (overwritten or carved?)'] };
  const headerCrc = crc32(buf.subarray(0, 120), buf.subarray(128, CHUNK_HEADER_SIZE));
  if (headerCrc !== buf.readUInt32LE(124)) problems.push('header checksum mismatch');
  let free = buf.readUInt32LE(48);
  if (free < CHUNK_HEADER_SIZE || free > CHUNK_SIZE) {
    problems.push(`free-space offset 0x${free.toString(16)} outside the chunk`);
    free = CHUNK_SIZE;
  } else if (crc32(buf.subarray(CHUNK_HEADER_SIZE, free)) !== buf.readUInt32LE(52)) {
    problems.push('event records checksum mismatch');
  }
  const tables = new ChunkTables(buf);
  const records: ChunkRecord[] = [];
  let at = CHUNK_HEADER_SIZE;
  while (at + RECORD_HEADER_SIZE <= free) {
    if (buf.readUInt32LE(at) !== RECORD_MAGIC) {
      problems.push(`no record signature at offset 0x${at.toString(16)}: the rest of the chunk is skipped`);
      break;
    }
    const size = buf.readUInt32LE(at + 4);
    const id = buf.readUInt32LE(at + 12) * 4294967296 + buf.readUInt32LE(at + 8);
    if (size < RECORD_HEADER_SIZE + 4 || at + size > CHUNK_SIZE) {
      problems.push(`record ${id} at offset 0x${at.toString(16)}: size ${size} does not fit the chunk; the rest of the chunk is skipped`);
      break;
    }
    records.push(readRecord(tables, id, at + RECORD_HEADER_SIZE, at + size - 4));
    at += size;
  }
  return { records, problems };
}

function readRecord(tables: ChunkTables, id: number, start: number, end: number): ChunkRecord {
  try {
    let out = new DocumentBuilder();
    const buf = tables.buf;
    // Nearly every record is a fragment header, one template instance and the end token: run
    // that without reading the record into steps first; anything else takes the general way.
    let done = false;
    if (end - start > 14 && buf[start] === 0x0f && buf[start + 4] === 0x0c) {
      const { step, next } = templateInstance(tables, start + 5, end, 0);
      if (next >= end || buf[next] === 0x00) {
        run(tables, step.steps, step.values, out, 1, { steps: MAX_STEPS });
        done = true;
      }
    }
    if (!done) {
      out = new DocumentBuilder();
      run(tables, compile(tables, start, end, false, 0), [], out, 0, { steps: MAX_STEPS });
    }
    const event = out.root.Event as { System?: { EventRecordID?: unknown } } | null | undefined;
    if (event === undefined) return { id, error: 'record holds no Event element' };
    // The id Event Viewer shows; an exported log (wevtutil epl) renumbers the record headers.
    const shown = event?.System?.EventRecordID;
    return { id: typeof shown === 'number' && Number.isSafeInteger(shown) && shown > 0 ? shown : id, doc: out.root };
  } catch (err) {
    if (err instanceof EvtxFormatError || err instanceof RangeError) return { id, error: `unreadable record: ${err.message}` };
    throw err;
  }
}
