import zlib from 'node:zlib';

let table: Uint32Array | undefined;

/** CRC-32 (IEEE) of the given parts in turn: node:zlib's when this Node has it (20.15+). */
export function crc32(...parts: Uint8Array[]): number {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (native) return parts.reduce((crc, p) => native(p, crc), 0) >>> 0;
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const p of parts) for (const b of p) crc = table[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
