import zlib from 'node:zlib';

let table: Uint32Array | undefined;
const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 (IEEE) of `data` continued from the CRC of what came before (0 to start): node:zlib's when this Node has it (20.15+). */
export function crc32Update(crc: number, data: Uint8Array): number {
  if (native) return native(data, crc) >>> 0;
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = (crc ^ 0xffffffff) >>> 0;
  for (const b of data) c = table[(c ^ b) & 0xff]! ^ (c >>> 8); // hot; the table has 256 entries
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 of the given parts in turn. */
export function crc32(...parts: Uint8Array[]): number {
  return parts.reduce((crc, p) => crc32Update(crc, p), 0);
}
