import { compileWildcard, type CompiledQuery, type DateValue, type EventView, type FieldValue } from '../../eql/index.js';
import { readItems, textHash, type ByteRange, type InputSource } from '../../input/index.js';
import { dateFormatParser, Normalizer, parseDate, type EpochUnit } from '../../normalize/index.js';
import { coverageFields, UnitTally, type UnitCoverage } from '../reports/coverage.js';
import { oneLine, parseItem } from './documents.js';
import { FieldPresence, type FieldReport } from '../reports/fields.js';
import { buildPrefilter, type Prefilter } from '../filter/prefilter.js';
import { RuleIndex } from '../filter/rule-index.js';
import { hitOf, type Hit } from '../run/runner.js';
import { emptyTally, type EventTally } from '../reports/tally.js';
import type { TimelineEvent } from '../order/timeline.js';
import type { InputProblem } from '../types.js';

/** An event that satisfies some step of some query: the event, and per such query (by index) its Hit. */
export interface Candidate {
  event: TimelineEvent;
  hits: [number, Hit][];
}

/** What reading sources needs to know about the fields (the queries come apart: workers compile their own). */
export interface CollectSettings {
  timestampField: string;
  /** The timestamp field's date format when a mapping gives one (`yyyy-MM-dd HH:mm:ss||...`); else ISO-8601 or epoch. */
  timestampFormat?: string;
  tiebreakerField?: string;
  maxLineBytes: number;
  /** Map Windows event-log shapes to ECS (false: `--no-normalize`). */
  normalize: boolean;
  /**
   * The literal prefilter (prefilter.ts): `tag` searches each buffer for the rules' literals
   * and evaluates only the steps whose literals a line holds; `skip` also leaves unparsed the
   * lines no step can match; `off` (default, measured fastest: bench/RESULTS.md) searches
   * nothing and leaves the choice of steps to the rule index alone.
   */
  prefilter?: PrefilterMode;
  /** The category field, for the coverage counts and events per category. */
  categoryField: string;
  /** Host globs (case-insensitive): only events of a matching host are read on. */
  hosts?: string[];
  /** Fields to watch for: the unit reports which it never met (field warnings). */
  watchFields?: string[];
  /**
   * Events dated after this (epoch ms: the clock when the scan began, plus FUTURE_TOLERANCE)
   * are matched as dated but counted apart, and never taken as the newest time a relative
   * --from/--to counts back from. Absent: every time is plausible.
   */
  futureAfter?: number;
}

/** How far past this computer's clock an event's time may lie and still be the export's end: a day (clock skew, zones written as UTC). */
export const FUTURE_TOLERANCE = 86_400_000;
/** The times a timeline holds: what a Date can show (±8.64e15 ms, ±273,790 years), so every alert time prints as ISO-8601. */
export const MAX_TIME = 8.64e15;

/** What a unit reports when it is done: its line count (to number the next range) and what it saw. */
export interface UnitResult {
  lines: number;
  coverage: UnitCoverage;
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
  /** `n` more lines the prefilter skipped unparsed (no step can match them): events too. */
  unparsed?(n: number): void;
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
 * candidates; everything else is counted and dropped here. Each document is read through
 * its ECS view (../normalize). Resolves to the number of lines read (to number the lines of
 * the next range of the same file) and the unit's coverage counts.
 */
export async function collectUnit(unit: WorkUnit, queries: CompiledQuery[], opts: CollectSettings, sink: CollectSink): Promise<UnitResult> {
  // Sample queries ignore time: when only they run, an event needs no timestamp.
  // The mapping's format when it gives the timestamp field one, as the queries compare it.
  const parseTime: (v: FieldValue | undefined) => (DateValue & { epoch?: EpochUnit }) | null = opts.timestampFormat === undefined
    ? parseDate
    : ((format) => (v: FieldValue | undefined) => (v === undefined ? null : format(v)))(dateFormatParser(opts.timestampFormat));
  const timeless = queries.every((q) => q.type === 'sample');
  const { prefilter, index, manyFields } = matchersFor(queries, opts);
  const filter = prefilter?.filter ?? null;
  const { source, part } = unit;
  const file = source.path;
  const normalizer = new Normalizer(opts.normalize, manyFields ? 0 : undefined);
  const tally = new UnitTally(coverageFields(queries, opts.categoryField));
  let lines = 0;
  const presence = opts.watchFields ? new FieldPresence(opts.watchFields, part === 0 && source.index < SAMPLED_SOURCES) : null;
  const read = {
    maxLineBytes: opts.maxLineBytes,
    onBytes: (n: number) => sink.bytes(n),
    onLineCount: (n: number) => { lines = n; },
    ...(unit.range ? { range: unit.range } : {}),
    ...(filter ? { filter, onSkipped: (n: number) => sink.unparsed?.(n) } : {}),
  };
  const hostMatchers = (opts.hosts ?? []).map((h) => compileWildcard(h, true));
  const futureAfter = opts.futureAfter ?? Infinity;
  let counts = emptyTally();
  const flush = () => {
    if (counts.events || counts.hostFiltered) sink.events(counts);
    counts = emptyTally();
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
      const parsed = parseItem(item);
      if ('reason' in parsed) {
        sink.problem({ kind: 'line', file, line, reason: parsed.reason });
        continue;
      }
      const { doc, raw } = parsed;
      const hits: [number, Hit][] = [];
      let view: EventView;
      let ts: number | null;
      try {
        const normalized = normalizer.normalize(doc);
        view = normalized.view;
        const stamp = view.get(opts.timestampField);
        const date = parseTime(stamp);
        ts = date?.ms ?? (timeless ? 0 : null);
        // An epoch number beyond the dates a Date holds (a 30-digit "nanoseconds") is no time.
        if (ts !== null && !(Math.abs(ts) <= MAX_TIME)) ts = null;
        if (ts !== null) {
          if (date?.epoch) tally.epoch(date.epoch);
          tally.event(normalized.shape, view);
          const masks = index.masks(view, item.kind === 'line' ? item.tags : undefined);
          // masks is (query index, step mask) pairs over these queries (rule-index.ts); per event, hot.
          if (masks) for (let i = 0; i < masks.length; i += 2) hits.push([masks[i]!, hitOf(queries[masks[i]!]!, view, masks[i + 1]!)]);
        }
      } catch (err) {
        // Only a value nested deeper than the call stack gets here; it is that line's problem.
        if (!(err instanceof RangeError)) throw err;
        sink.problem({ kind: 'line', file, line, reason: 'value nested too deeply to evaluate' });
        continue;
      }
      if (ts === null) {
        sink.problem({ kind: 'line', file, line, reason: `missing or unparsable ${opts.timestampField}` });
        tally.missingTimestamp(doc);
        continue;
      }
      const host = hostOf(view);
      if (hostMatchers.length && !hostMatchers.some((m) => m(host))) {
        counts.hostFiltered++;
        continue;
      }
      counts.events++;
      if (ts > futureAfter) {
        counts.future++;
        if (ts > counts.furthest) counts.furthest = ts;
      } else if (ts > counts.newest) counts.newest = ts;
      bump(counts.hosts, host);
      const category = view.get(opts.categoryField);
      if (typeof category === 'string') bump(counts.categories, category);
      else if (Array.isArray(category)) for (const c of category) bump(counts.categories, typeof c === 'string' ? c : String(c));
      else {
        bump(counts.categories, '(none)');
        const source = opts.normalize ? normalizer.describe(doc) : undefined;
        if (source !== undefined) bump(counts.unmapped, source);
      }
      presence?.observe(view, doc);
      if (hits.length === 0 && !sink.inspect) continue;
      const tiebreak = opts.tiebreakerField === undefined ? undefined : scalar(view.get(opts.tiebreakerField));
      // A line of a plain file keeps only its span and its text's hash, and is read again (and
      // checked) if it ends up in an alert (explain, which shows every event, keeps the text).
      const event: TimelineEvent = item.kind === 'line' && item.at && !sink.inspect
        ? { ts, tiebreak, fileIndex: source.index, part, line, raw: '', at: [item.at[0], item.at[1], textHash(item.text)] }
        : { ts, tiebreak, fileIndex: source.index, part, line, raw: oneLine(raw) };
      if (item.kind === 'line' && item.invalidUtf8) event.invalidUtf8 = true;
      sink.inspect?.(event, view);
      if (hits.length) sink.candidate({ event, hits });
    }
  }
  flush();
  if (presence) sink.fields?.(presence.report());
  return { lines, coverage: tally.result() };
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

export type PrefilterMode = 'tag' | 'skip' | 'off';

/**
 * A rule set reading more distinct fields than this has each document flattened on its first
 * read (normalize DocumentView): the five built-in rules read 16, Elastic's rules/ hundreds.
 */
const MANY_FIELDS = 64;

interface Matchers {
  prefilter: Prefilter | null;
  index: RuleIndex;
  /** Do the queries read so many fields that each document is best flattened at once? */
  manyFields: boolean;
}

const matchers = new WeakMap<CompiledQuery[], Matchers>();

/** The prefilter (unless off) and rule index of a set of queries, built once per set. */
export function matchersFor(queries: CompiledQuery[], opts: CollectSettings): Matchers {
  let m = matchers.get(queries);
  if (!m) {
    const timeless = queries.every((q) => q.type === 'sample');
    const mode = opts.prefilter ?? 'off';
    const prefilter = mode === 'off' ? null : buildPrefilter(queries, { timestampField: opts.timestampField, timeless, skip: mode === 'skip' });
    const index = new RuleIndex(queries, prefilter?.clauses ?? null, prefilter?.literals.length ?? 0);
    const manyFields = new Set(queries.flatMap((q) => q.fields)).size > MANY_FIELDS;
    matchers.set(queries, (m = { prefilter, index, manyFields }));
  }
  return m;
}

function scalar(v: FieldValue | undefined): FieldValue | undefined {
  return v === null || typeof v !== 'object' ? v : undefined;
}
