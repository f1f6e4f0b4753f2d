import { textHash, type InputSource, type TextReader } from '../../input/index.js';
import { formatTimestamp } from '../../normalize/index.js';
import type { ScanQuery } from '../scan.js';
import type { TimelineEvent, TimelinePlace } from '../order/timeline.js';
import type { QueryResult } from './runner.js';
import type { Alert, MatchedEvent } from '../types.js';

/** Where an alert's events come from: the inputs, each event's line number, and the reader of plain files' spans. */
export interface EvidenceSource {
  sources: InputSource[];
  lineOf: (e: TimelinePlace) => number;
  reader: TextReader;
  /** Told of an event whose line no longer reads as it was scanned. */
  changed: (file: string, line: number) => void;
}

/**
 * An event's JSON text: kept, or read again from its file and checked against the hash taken
 * when it was scanned. A file changed since it was read cannot lose the alert, nor put new
 * text in its evidence: the event then says so in place of its text, and `changed` is told.
 */
function eventText(e: TimelineEvent, file: string, line: number, from: EvidenceSource): { text: string; source: unknown } {
  const text = e.at ? from.reader.read(file, e.at) : e.raw;
  if (text !== null && (e.at?.[2] === undefined || textHash(text) === e.at[2])) {
    try {
      return { text, source: JSON.parse(text) };
    } catch {
      // Changed under us: said below.
    }
  }
  from.changed(file, line);
  const source = { 'lolhunt.error': `${file}:${line}: the file changed after it was scanned; this event's text is no longer there` };
  return { text: JSON.stringify(source), source };
}

/** A runner's result as the alert the writers get: each event with its file, line, time and text. */
export function toAlert(r: QueryResult, q: ScanQuery, from: EvidenceSource): Alert {
  let timestamp: string | undefined;
  const events = r.events.map((e): MatchedEvent => {
    if (e.missing) return { file: '', line: 0, timestamp: '', source: null, missing: true };
    // fileIndex is the index of the source the event was read from (collect.ts).
    const file = from.sources[e.fileIndex]!.path;
    const line = from.lineOf(e);
    const { text, source } = eventText(e, file, line, from);
    const at = formatTimestamp(e.ts);
    timestamp ??= at;
    return { file, line, timestamp: at, source, raw: text, ...(e.invalidUtf8 ? { invalidUtf8: true as const } : {}) };
  });
  // Every result holds an event that was read: a missing event is never a sequence's only step.
  return { ...(q.rule ? { rule: q.rule } : {}), joinKeys: r.joinKeys, timestamp: timestamp ?? '', events, fields: q.compiled.fields };
}
