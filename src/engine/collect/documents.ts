import type { InputItem } from '../../input/index.js';

/**
 * A line or value read from an input as a JSON object and its JSON text (the line as read,
 * or the serialised element of a JSON-array file), or why it is not one.
 */
export function parseItem(item: Extract<InputItem, { kind: 'line' | 'value' }>): { doc: Record<string, unknown>; raw: string } | { reason: string } {
  let doc: unknown;
  let raw: string;
  try {
    if (item.kind === 'line') {
      raw = item.text;
      doc = JSON.parse(raw);
    } else {
      doc = item.value;
      raw = JSON.stringify(doc);
    }
  } catch (err) {
    return { reason: err instanceof RangeError ? 'value nested too deeply to serialise' : `invalid JSON: ${(err as Error).message}` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { reason: `not a JSON object (${Array.isArray(doc) ? 'array' : doc === null ? 'null' : typeof doc})` };
  }
  return { doc: doc as Record<string, unknown>, raw };
}

/**
 * A document's own text as one line of evidence: a pretty-printed document loses only its
 * line breaks, which can only be layout between tokens (JSON strings cannot hold them).
 */
export function oneLine(text: string): string {
  return text.includes('\n') ? text.replace(/\r?\n/g, '') : text;
}
