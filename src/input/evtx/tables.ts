import { compile, type Step } from './binxml.js';
import { EvtxFormatError, utf16 } from './values.js';

/**
 * A chunk's string and template tables. Element and attribute names are referenced by
 * their offset in the chunk (a 6-byte link and hash, a 16-bit length, UTF-16 text);
 * templates by the offset of their definition (next-template link, GUID, data size, then
 * the BinXML fragment). Both are read when first referenced and kept for the chunk's other
 * records (the chunk header's hash buckets only speed up Windows' writer).
 */
export class ChunkTables {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, Step[] | null>();

  constructor(readonly buf: Buffer) {}

  name(offset: number): string {
    let s = this.names.get(offset);
    if (s === undefined) {
      if (offset + 8 > this.buf.length) throw new EvtxFormatError(`name at offset 0x${offset.toString(16)} lies outside the chunk`);
      const count = this.buf.readUInt16LE(offset + 6);
      if (offset + 8 + 2 * count > this.buf.length) throw new EvtxFormatError(`name at offset 0x${offset.toString(16)} runs past the chunk`);
      s = utf16(this.buf, offset + 8, count, false);
      this.names.set(offset, s);
    }
    return s;
  }

  /** The steps of the template defined at `offset`, read once per chunk. */
  template(offset: number, depth: number): Step[] {
    const cached = this.templates.get(offset);
    if (cached) return cached;
    if (cached === null) throw new EvtxFormatError(`template at offset 0x${offset.toString(16)} refers to itself`);
    if (offset + 24 > this.buf.length) throw new EvtxFormatError(`template at offset 0x${offset.toString(16)} lies outside the chunk`);
    const size = this.buf.readUInt32LE(offset + 20);
    const end = offset + 24 + size;
    if (end > this.buf.length) throw new EvtxFormatError(`template at offset 0x${offset.toString(16)} runs past the chunk`);
    this.templates.set(offset, null);
    try {
      const steps = compile(this, offset + 24, end, true, depth);
      this.templates.set(offset, steps);
      return steps;
    } catch (err) {
      this.templates.delete(offset);
      throw err;
    }
  }
}
