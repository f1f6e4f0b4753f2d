import type { EventView, FieldValue } from '../eql/index.js';

/** An event placed on the timeline, with its provenance. */
export interface TimelineEvent {
  /** Epoch milliseconds (fractional for sub-millisecond precision). */
  ts: number;
  /** Value of the tiebreaker field, when one is configured. */
  tiebreak: FieldValue | undefined;
  fileIndex: number;
  line: number;
  view: EventView;
  /** The original document. */
  source: object;
  /** The original line's text, when the event was a line of NDJSON. */
  raw?: string;
  /** A placeholder standing for a missing event `![...]` in a result. */
  missing?: true;
}

function compareTiebreak(a: FieldValue | undefined, b: FieldValue | undefined): number {
  if (a === b) return 0;
  // Missing tiebreakers sort first, numbers before strings.
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Timeline order: timestamp, tiebreaker, then file order as given, then line. */
export function compareEvents(a: TimelineEvent, b: TimelineEvent): number {
  return a.ts - b.ts || compareTiebreak(a.tiebreak, b.tiebreak) || a.fileIndex - b.fileIndex || a.line - b.line;
}
