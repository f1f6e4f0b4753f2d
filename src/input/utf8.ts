import { isUtf8 } from 'node:buffer';

/**
 * Did decoding put U+FFFD in place of bytes that are not UTF-8? Decoding never fails, so the
 * text alone cannot tell a replaced byte from a U+FFFD that was written; the bytes are checked
 * only when the text holds one, so a valid line costs one search of its text.
 */
export function replacedInvalidUtf8(text: string, bytes: Uint8Array): boolean {
  return text.includes('\ufffd') && !isUtf8(bytes);
}
