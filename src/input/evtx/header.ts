import { crc32 } from '../crc32.js';

/** The file header: the first 4 KiB of an .evtx file (only its first 128 bytes are used). */
export const FILE_HEADER_SIZE = 4096;
export const FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1');

export interface FileHeader {
  /** Chunks the header says the file holds. */
  chunkCount: number;
  majorVersion: number;
  minorVersion: number;
  /** Flag 0x1: the file was not closed cleanly (always so for a log copied while Windows wrote it). */
  dirty: boolean;
  /** Flag 0x2: the log reached its maximum size. */
  full: boolean;
  /** What is wrong with the header itself, if anything (its checksum, its magic). */
  problems: string[];
}

/** Reads the file header (at least 128 bytes). */
export function readFileHeader(buf: Buffer): FileHeader {
  const problems: string[] = [];
  if (!buf.subarray(0, 8).equals(FILE_MAGIC)) problems.push('file header: no ElfFile signature');
  const flags = buf.readUInt32LE(120);
  const stored = buf.readUInt32LE(124);
  const computed = crc32(buf.subarray(0, 120));
  if (stored !== computed) problems.push(`file header: checksum mismatch (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}); its chunk count may be wrong`);
  return {
    chunkCount: buf.readUInt16LE(42),
    minorVersion: buf.readUInt16LE(36),
    majorVersion: buf.readUInt16LE(38),
    dirty: (flags & 1) !== 0,
    full: (flags & 2) !== 0,
    problems,
  };
}
