import { compileWildcard, type CompiledQuery, type EventView, type FieldValue } from '../eql/index.js';
import { readItems, type ByteRange, type InputSource } from '../input/index.js';
import { documentView, getField, parseTimestamp } from '../normalize/index.js';
import { stepHit, type Hit } from './runner.js';
import { emptyTally, type EventTally } from './tally.js';
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
  /** Counted per event for the summary (default event.category). */
  categoryField?: string;
  /** Host globs (case-insensitive): only events of a matching host are read on. */
  hosts?: string[];
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
  /** Events read (lines that are objects with a usable timestamp), counted per host and category, in batches. */
  events(t: EventTally): void;
  bytes(n: number): void;
}

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
  const read = {
    maxLineBytes: opts.maxLineBytes,
    onBytes: (n: number) => sink.bytes(n),
    onLineCount: (n: number) => { lines = n; },
    ...(unit.range ? { range: unit.range } : {}),
  };
  const hostMatchers = (opts.hosts ?? []).map((h) => compileWildcard(h, true));
  const categoryField = opts.categoryField ?? 'event.category';
  let tally = emptyTally();
  const flush = () => {
    if (tally.events || tally.hostFiltered) sink.events(tally);
    tally = emptyTally();
  };
  for await (const batch of readItems(source, read)) {
    flush();
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
      const host = hostOf(view);
      if (hostMatchers.length && !hostMatchers.some((m) => m(host))) {
        tally.hostFiltered++;
        continue;
      }
      tally.events++;
      if (ts > tally.newest) tally.newest = ts;
      bump(tally.hosts, host);
      const category = view.get(categoryField);
      if (typeof category === 'string') bump(tally.categories, category);
      else if (Array.isArray(category)) for (const c of category) bump(tally.categories, typeof c === 'string' ? c : String(c));
      else bump(tally.categories, '(none)');
      if (hits.length === 0) continue;
      const tiebreak = opts.tiebreakerField === undefined ? undefined : scalar(getField(doc, opts.tiebreakerField));
      sink.candidate({ event: { ts, tiebreak, fileIndex: source.index, part, line, raw }, hits });
    }
  }
  flush();
  return lines;
}

/** The host an event belongs to, for --host and the per-host counts. */
function hostOf(view: EventView): string {
  for (const field of ['host.name', 'host.hostname']) {
    const v = view.get(field);
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' && s !== '') return s;
  }
  return '(none)';
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function scalar(v: FieldValue | undefined): FieldValue | undefined {
  return v === null || typeof v !== 'object' ? v : undefined;
}
