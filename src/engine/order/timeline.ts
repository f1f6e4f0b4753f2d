import type { FieldValue } from '../../eql/index.js';
import type { ByteSpan } from '../../input/index.js';

/**
 * An event placed on the timeline: when, where it came from, and its text. Compact on
 * purpose: no parsed document, so holding (or spilling) many of them stays cheap.
 */
export interface TimelineEvent {
  /** Epoch milliseconds (fractional for sub-millisecond precision). */
  ts: number;
  /** Value of the tiebreaker field, when one is configured (a scalar; anything else is absent). */
  tiebreak: FieldValue | undefined;
  fileIndex: number;
  /** Which byte range of the file (0 when it was read whole); `line` counts within it. */
  part: number;
  line: number;
  /**
   * The event's JSON text: the original line, or the serialised element of a JSON-array file;
   * empty when `at` says where to read it again (plain files: the text is not kept).
   */
  raw: string;
  at?: ByteSpan;
  /** The line's bytes were not valid UTF-8: `raw` (or its text read again) holds U+FFFD in their place. */
  invalidUtf8?: true;
  /** A placeholder standing for a missing event `![...]` in a result. */
  missing?: true;
}

/**
 * The one order of field values, for tiebreakers on the timeline and for sample keys:
 * missing and null first, then numbers by value, then the rest by text (strings as they are,
 * other values as JSON).
 */
export function compareValues(a: FieldValue | undefined, b: FieldValue | undefined): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
  if (b === undefined || b === null) return 1;
  if (a === b) return 0;
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  if (typeof b === 'number') return 1;
  const x = typeof a === 'string' ? a : JSON.stringify(a);
  const y = typeof b === 'string' ? b : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** What places an event on the timeline. */
export type TimelinePlace = Pick<TimelineEvent, 'ts' | 'tiebreak' | 'fileIndex' | 'part' | 'line'>;

/** Timeline order: timestamp, tiebreaker, then file order as given, then position in the file. */
export function compareEvents(a: TimelinePlace, b: TimelinePlace): number {
  return a.ts - b.ts || compareValues(a.tiebreak, b.tiebreak) || comparePosition(a, b);
}

/** Input order: file order as given, then position in the file. */
export function comparePosition(a: TimelinePlace, b: TimelinePlace): number {
  return a.fileIndex - b.fileIndex || a.part - b.part || a.line - b.line;
}
