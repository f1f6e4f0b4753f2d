/** What the first bytes of a (decompressed) input say about it. */
export interface Sniffed {
  /** Why the file as a whole is not text lolhunt can read; absent for text. */
  binary?: string;
  /** Text in UTF-16 (with a byte-order mark, or ASCII with every other byte NUL). */
  utf16?: 'utf-16le' | 'utf-16be';
}

const SNIFF_BYTES = 8192;

const MAGIC: { bytes: number[]; what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'zip archive: name the .zip file itself (it is read like a folder), not on stdin or inside another archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: '7z archive: extract it first' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: 'RAR archive: extract it first' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2 data: decompress it first (gzip is read directly)' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz data: decompress it first (gzip is read directly)' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd data: decompress it first (gzip is read directly)' },
  { bytes: [0xff, 0xfe, 0x00, 0x00], what: 'UTF-32 text: convert it to UTF-8 first (e.g. `iconv -f UTF-32 -t UTF-8`)' },
];

/**
 * Classifies the start of an input (an .evtx file is told apart before this: evtx/reader.ts). Only a file that is binary as a whole is rejected:
 * known magic numbers, or a start where over a tenth of the bytes are control characters
 * that never occur in JSON text. A stray NUL in one line is that line's problem (lines.ts).
 */
export function sniff(head: Buffer): Sniffed {
  for (const { bytes, what } of MAGIC) {
    if (bytes.every((b, i) => head[i] === b)) return { binary: what };
  }
  if (head[0] === 0xff && head[1] === 0xfe) return { utf16: 'utf-16le' };
  if (head[0] === 0xfe && head[1] === 0xff) return { utf16: 'utf-16be' };
  const window = head.subarray(0, SNIFF_BYTES);
  const guessed = utf16WithoutBom(window);
  if (guessed) return { utf16: guessed };
  let control = 0;
  for (const b of window) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  if (control * 10 > window.length) return { binary: 'binary file (mostly control bytes), not JSON text' };
  return {};
}

/** `{\0"\0` or `\0{\0"`: ASCII written as UTF-16 without a byte-order mark. */
function utf16WithoutBom(w: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.min(64, w.length >> 1);
  if (pairs < 2) return undefined;
  let le = 0;
  let be = 0;
  for (let i = 0; i < pairs; i++) {
    const a = w[2 * i];
    const b = w[2 * i + 1];
    if (a !== 0 && b === 0) le++;
    else if (a === 0 && b !== 0) be++;
  }
  if (le === pairs) return 'utf-16le';
  if (be === pairs) return 'utf-16be';
  return undefined;
}
