import type { CompiledQuery, EventView, FieldValue } from '../eql/index.js';
import { readItems, type ByteRange, type InputSource } from '../input/index.js';
import { documentView, getField, parseTimestamp } from '../normalize/index.js';
import { FieldPresence, type FieldReport } from './fields.js';
import { stepHit, type Hit } from './runner.js';
import type { TimelineEvent } from './timeline.js';
import type { InputProblem } from './types.js';

/** An event that satisfies some step of some query: the event, and per such query (by index) its Hit. */
export interface Candidate {
  event: TimelineEvent;
  hits: [number, Hit][];
}

/** What reading sources needs to know about the fields (the queries come apart: workers compile their own). */
export interface CollectSettings {
  timestampField: string;
  tiebreakerField?: string;
  maxLineBytes: number;
  /** Fields to watch for: the unit reports which it never met (field warnings). */
  watchFields?: string[];
}

/** A piece of work: a whole source, or one byte range (`part`) of a large plain file. */
export interface WorkUnit {
  source: InputSource;
  part: number;
  range?: ByteRange;
}

/** Where collected things go, as they are found. */
export interface CollectSink {
  candidate(c: Candidate): void;
  problem(p: InputProblem): void;
  /** One more event read (a line that is an object with a usable timestamp). */
  event(): void;
  bytes(n: number): void;
  /** What the unit saw of the watched fields, once at its end. */
  fields?(report: FieldReport): void;
  /** Every event read, candidate or not, with its view (explain; on this thread only). */
  inspect?(event: TimelineEvent, view: EventView): void;
}

/** Field paths are sampled in the first units only, so many small files do not each pay for it. */
const SAMPLED_SOURCES = 16;

/**
 * The per-line stage: reads one unit, parses each line, places it in time and tests it
 * against every step of every query. Only events some step (or `until`) can use become
 * candidates; everything else is counted and dropped here. Resolves to the number of lines
 * read (to number the lines of the next range of the same file).
 */
export async function collectUnit(unit: WorkUnit, queries: CompiledQuery[], opts: CollectSettings, sink: CollectSink): Promise<number> {
  // Sample queries ignore time: when only they run, an event needs no timestamp.
  const timeless = queries.every((q) => q.type === 'sample');
  const { source, part } = unit;
  const file = source.path;
  let lines = 0;
  const presence = opts.watchFields ? new FieldPresence(opts.watchFields, part === 0 && source.index < SAMPLED_SOURCES) : null;
  const read = {
    maxLineBytes: opts.maxLineBytes,
    onBytes: (n: number) => sink.bytes(n),
    onLineCount: (n: number) => { lines = n; },
    ...(unit.range ? { range: unit.range } : {}),
  };
  for await (const batch of readItems(source, read)) {
    for (const item of batch) {
      if (item.kind === 'error') {
        sink.problem({ kind: 'file', file, ...(item.line === undefined ? {} : { line: item.line }), reason: item.reason });
        continue;
      }
      const line = item.line;
      if (item.kind === 'bad') {
        sink.problem({ kind: 'line', file, line, reason: item.reason });
        continue;
      }
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
        const reason = err instanceof RangeError ? 'value nested too deeply to serialise' : `invalid JSON: ${(err as Error).message}`;
        sink.problem({ kind: 'line', file, line, reason });
        continue;
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
        sink.problem({ kind: 'line', file, line, reason: `not a JSON object (${Array.isArray(doc) ? 'array' : doc === null ? 'null' : typeof doc})` });
        continue;
      }
      const view = documentView(doc);
      const hits: [number, Hit][] = [];
      let ts: number | null;
      try {
        ts = parseTimestamp(view.get(opts.timestampField)) ?? (timeless ? 0 : null);
        if (ts !== null) {
          for (let q = 0; q < queries.length; q++) {
            const hit = stepHit(queries[q]!, view);
            if (hit) hits.push([q, hit]);
          }
        }
      } catch (err) {
        // Only a value nested deeper than the call stack gets here; it is that line's problem.
        if (!(err instanceof RangeError)) throw err;
        sink.problem({ kind: 'line', file, line, reason: 'value nested too deeply to evaluate' });
        continue;
      }
      if (ts === null) {
        sink.problem({ kind: 'line', file, line, reason: `missing or unparsable ${opts.timestampField}` });
        continue;
      }
      sink.event();
      presence?.observe(view, doc);
      if (hits.length === 0 && !sink.inspect) continue;
      const tiebreak = opts.tiebreakerField === undefined ? undefined : scalar(getField(doc, opts.tiebreakerField));
      const event: TimelineEvent = { ts, tiebreak, fileIndex: source.index, part, line, raw };
      sink.inspect?.(event, view);
      if (hits.length) sink.candidate({ event, hits });
    }
  }
  if (presence) sink.fields?.(presence.report());
  return lines;
}

function scalar(v: FieldValue | undefined): FieldValue | undefined {
  return v === null || typeof v !== 'object' ? v : undefined;
}
