import type { InputItem } from '../input/index.js';

/** A line or value read from an input, as a JSON object, or why it is not one. */
export function parseItem(item: Extract<InputItem, { kind: 'line' | 'value' }>): { doc: Record<string, unknown> } | { reason: string } {
  let doc: unknown;
  if (item.kind === 'line') {
    try {
      doc = JSON.parse(item.text);
    } catch (err) {
      return { reason: `invalid JSON: ${(err as Error).message}` };
    }
  } else {
    doc = item.value;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { reason: `not a JSON object (${Array.isArray(doc) ? 'array' : doc === null ? 'null' : typeof doc})` };
  }
  return { doc: doc as Record<string, unknown> };
}

/**
 * A document's own text as one line of evidence: a pretty-printed document loses only its
 * line breaks, which can only be layout between tokens (JSON strings cannot hold them).
 */
export function oneLine(text: string): string {
  return text.includes('\n') ? text.replace(/\r?\n/g, '') : text;
}
