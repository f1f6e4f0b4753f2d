import type { CompiledQuery } from '../eql/index.js';
import { textHash, TextReader, type InputSource } from '../input/index.js';
import { formatTimestamp } from '../normalize/index.js';
import type { RuleMeta } from '../rules/index.js';
import type { EventView } from '../eql/index.js';
import { FUTURE_TOLERANCE, matchersFor, type CollectSettings, type PrefilterMode } from './collect/collect.js';
import { Coverage } from './reports/coverage.js';
import { FieldPresence, type AbsentField, type FieldReport } from './reports/fields.js';
import { ResultQueues } from './run/alerts.js';
import { CandidateOrder, DEFAULT_ORDER_BUDGET } from './order/order.js';
import { planUnits, runUnits, threadCount, type PortableCompile } from './threads/pool.js';
import { createRunner, type QueryResult } from './run/runner.js';
import { DEFAULT_MAX_PENDING } from './run/sequence.js';
import { reasonKind, Tally, type EventTally } from './reports/tally.js';
import type { TimelineEvent, TimelinePlace } from './order/timeline.js';
import { nearMissReport } from './reports/near-misses.js';
import type { Alert, InputProblem, MatchedEvent, ScanProgress, ScanSummary, TimeBound } from './types.js';

export interface ScanQuery {
  compiled: CompiledQuery;
  /** Absent for ad-hoc queries. */
  rule?: RuleMeta;
  /** Name shown in the summary. */
  name: string;
}

export interface ScanOptions {
  sources: InputSource[];
  queries: ScanQuery[];
  maxLineBytes: number;
  timestampField: string;
  tiebreakerField?: string;
  /** Host globs (case-insensitive; host.name, else host.hostname): only their events are read on. */
  hosts?: string[];
  /** Only events inside [from, to] can be part of an alert. */
  window?: { from?: TimeBound; to?: TimeBound };
  /** Called as bytes are read and units finish; the caller throttles. */
  onProgress?: (p: ScanProgress) => void;
  /** Problems found before the scan (discovery), counted as file errors. */
  discoveryProblems?: InputProblem[];
  onBytes?: (n: number) => void;
  /** Samples returned per join key (Elasticsearch's max_samples_per_key), default 1. */
  maxSamplesPerKey?: number;
  /** Join keys with open partial sequences kept per query (default DEFAULT_MAX_PENDING). */
  maxPending?: number;
  /** Problems kept for the summary; all are counted. */
  maxProblemsShown?: number;
  /** Bytes of candidates held in memory before they spill to temporary files. */
  maxMemory?: number;
  /**
   * Worker threads for the per-line stage (default 1: all on this thread). More than one
   * needs `compile`, how the queries were compiled, since each worker compiles its own.
   */
  threads?: number;
  compile?: PortableCompile;
  /** With threads, plain files of twice this size or more are read in ranges of about this size. */
  rangeBytes?: number;
  /** Map Windows event-log shapes to ECS (default true; `--no-normalize`). */
  normalize?: boolean;
  /** The category field, for coverage warnings and events per category (default event.category). */
  categoryField?: string;
  /** Files left out of scanned folders, reported in the summary. */
  skippedFiles?: string[];
  /** Fields some query needs: the result names those no event held (field warnings). */
  watchFields?: string[];
  /** Called with every event read, candidate or not (explain); the scan then runs on this thread. */
  inspect?: (event: TimelineEvent, view: EventView) => void;
  /** The clock (epoch ms), read once when the scan begins: events dated a day past it are not the export's end. Default Date.now. */
  now?: () => number;
  /** The literal prefilter's mode (collect.ts), default `off`. */
  prefilter?: PrefilterMode;
  /** Told the names of the queries with a step that has no literal (they keep every line parsed). */
  onPrefilter?: (unfiltered: string[]) => void;
  /**
   * Given each alert, in output order, as soon as it is final (awaited when it returns a
   * promise: a slow writer slows the scan); the result's `alerts` is then empty. Alerts not
   * yet final are held in bounded memory (alerts.ts).
   */
  onAlert?: (alert: Alert) => void | Promise<void>;
}

export interface ScanResult {
  /** Every alert, in output order; empty when they went to `onAlert`. */
  alerts: Alert[];
  summary: ScanSummary;
  /** With watchFields: the watched fields no event held. */
  absentFields?: AbsentField[];
}

/**
 * The scan in three stages: collect (the per-line stage over every unit of work, on this
 * thread or a pool: collect.ts, pool.ts), order (one timeline in bounded memory, order.ts)
 * and run (each query's runner over the timeline, the results interleaved by completion).
 * The output does not depend on the number of threads: events are ordered by a total
 * order, and problems are reported in input order.
 */
export async function scan(opts: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const shown = opts.maxProblemsShown ?? 20;
  const summary: ScanSummary = {
    files: opts.sources.length, bytes: 0, events: 0, unparsed: 0, badLines: 0, fileErrors: 0, problems: [],
    badLinesByReason: [], eventsByCategory: [], eventsByHost: [], hostFiltered: 0,
    alertsByRule: [], alerts: 0, elapsedMs: 0, peakRssBytes: 0, threads: 1,
    inputs: [], shapes: {}, normalized: opts.normalize ?? true, warnings: [], ruleWarnings: [],
    skippedFiles: opts.skippedFiles ?? [],
  };
  const categoryField = opts.categoryField ?? 'event.category';
  // Rule warnings are for rules: an ad-hoc query's missing fields are named by field warnings.
  const coverage = new Coverage(opts.sources.map((s) => s.path), opts.queries.map((q) => ({ name: q.name, ast: q.compiled.ast, fields: q.compiled.fields, rule: q.rule !== undefined })), categoryField);
  const badReasons = new Tally();
  const hosts = new Tally();
  const categories = new Tally();
  const unmapped = new Tally();
  let newest = -Infinity;
  let future = 0;
  let furthest = -Infinity;
  const futureAfter = (opts.now ?? Date.now)() + FUTURE_TOLERANCE;
  const count = (p: InputProblem) => {
    summary[p.kind === 'file' ? 'fileErrors' : 'badLines']++;
    if (p.kind === 'line') badReasons.add(reasonKind(p.reason));
  };
  const tallied = (t: EventTally) => {
    summary.events += t.events;
    summary.hostFiltered += t.hostFiltered;
    if (t.newest > newest) newest = t.newest;
    future += t.future;
    if (t.furthest > furthest) furthest = t.furthest;
    for (const [k, n] of t.hosts) hosts.add(k, n);
    for (const [k, n] of t.categories) categories.add(k, n);
    for (const [k, n] of t.unmapped) unmapped.add(k, n);
  };
  const threads = opts.compile && !opts.inspect ? Math.max(1, opts.threads ?? 1) : 1;
  const fieldReports: FieldReport[] = [];
  const units = await planUnits(opts.sources, threads, opts.rangeBytes);
  /** Per unit, its first problems (lines counted within the unit until the end). */
  const problems: InputProblem[][] = units.map(() => []);
  const order = new CandidateOrder(opts.maxMemory);
  /** Units left per source, for "files done". */
  const unitsLeft = new Map<number, number>();
  for (const u of units) unitsLeft.set(u.source.index, (unitsLeft.get(u.source.index) ?? 0) + 1);
  let candidates = 0;
  let filesDone = 0;
  let disposeQueues = () => {};
  let closeReader = () => {};
  const progress = () => opts.onProgress?.({ bytes: summary.bytes, events: summary.events, candidates, filesDone });
  try {
    for (const p of opts.discoveryProblems ?? []) {
      count(p);
      if (summary.problems.length < shown) summary.problems.push(p);
    }
    const stampType = opts.compile?.fieldTypes.find(([field]) => field === opts.timestampField)?.[1];
    const settings: CollectSettings = {
      timestampField: opts.timestampField,
      ...(stampType?.type === 'date' && stampType.format !== null ? { timestampFormat: stampType.format } : {}),
      maxLineBytes: opts.maxLineBytes,
      ...(opts.tiebreakerField === undefined ? {} : { tiebreakerField: opts.tiebreakerField }),
      normalize: opts.normalize ?? true,
      categoryField,
      ...(opts.watchFields ? { watchFields: opts.watchFields } : {}),
      ...(opts.hosts?.length ? { hosts: opts.hosts } : {}),
      futureAfter,
      // Lines skipped unparsed are never seen: not by explain, not by --host, not by the newest
      // time a relative --from/--to counts back from. Then `skip` searches but parses all (`tag`).
      ...(opts.prefilter ? { prefilter: opts.prefilter === 'skip' && needsEveryEvent(opts) ? 'tag' : opts.prefilter } : {}),
    };
    const compiled = opts.queries.map((q) => q.compiled);
    const { prefilter } = matchersFor(compiled, settings);
    if (prefilter) opts.onPrefilter?.(prefilter.unfiltered.map((qi) => opts.queries[qi]!.name));
    const pool = opts.compile && !opts.inspect
      ? { threads, compile: opts.compile, runs: { folder: () => order.runFolder(), budget: opts.maxMemory ?? DEFAULT_ORDER_BUDGET } }
      : null;
    const done = await runUnits(units, compiled, settings, pool, {
      candidate: (c) => {
        candidates++;
        order.add(c);
      },
      counted: (n) => { candidates += n; },
      runs: (files) => order.adopt(files),
      problem: (p, unit) => {
        count(p);
        if (p.kind === 'line') coverage.badLine(units[unit]!.source.index);
        if (problems[unit]!.length < shown) problems[unit]!.push(p);
      },
      events: tallied,
      unparsed: (n) => {
        summary.events += n;
        summary.unparsed += n;
      },
      bytes: (n) => {
        summary.bytes += n;
        opts.onBytes?.(n);
        progress();
      },
      unitDone: (unit) => {
        const index = units[unit]!.source.index;
        const left = unitsLeft.get(index)! - 1;
        unitsLeft.set(index, left);
        if (left === 0) filesDone++;
        progress();
      },
      fields: (r) => fieldReports.push(r),
      ...(opts.inspect ? { inspect: opts.inspect } : {}),
    });

    // Lines of a range count from the lines of the ranges before it in the same file.
    const lineBase = new Map<string, number>();
    let base = 0;
    units.forEach((u, i) => {
      if (u.part === 0) base = 0;
      lineBase.set(`${u.source.index}:${u.part}`, base);
      for (const p of problems[i]!) {
        if (summary.problems.length >= shown) break;
        summary.problems.push(p.line === undefined ? p : { ...p, line: p.line + base });
      }
      base += done[i]!.lines;
      coverage.unit(u.source.index, done[i]!.coverage);
    });
    const lineOf = (e: TimelinePlace) => e.line + (lineBase.get(`${e.fileIndex}:${e.part}`) ?? 0);

    // Evidence that no longer reads as it was scanned is a file error: the alert stands, its text does not.
    const changed = (file: string, line: number) => {
      const p: InputProblem = { kind: 'file', file, line, reason: 'changed after it was scanned (this line no longer holds the text that matched): its evidence is not reported' };
      count(p);
      if (summary.problems.length < shown) summary.problems.push(p);
    };
    const reader = new TextReader();
    closeReader = () => reader.close();
    const alerts: Alert[] = [];
    const deliver = opts.onAlert ?? ((a: Alert) => void alerts.push(a));
    const counts = opts.queries.map(() => 0);
    const write = async ([qi, r]: [number, QueryResult]) => {
      counts[qi]!++;
      summary.alerts++;
      const pending = deliver(toAlert(r, opts.queries[qi]!, opts.sources, lineOf, reader, changed));
      if (pending) await pending;
    };
    const queues = new ResultQueues(opts.queries.length, opts.maxMemory ?? DEFAULT_ORDER_BUDGET, () => order.runFolder());
    disposeQueues = () => queues.dispose();
    const runners = opts.queries.map((q, qi) => createRunner(q.compiled, {
      ...(opts.maxSamplesPerKey ? { maxSamplesPerKey: opts.maxSamplesPerKey } : {}),
      ...(opts.maxPending ? { maxPending: opts.maxPending } : {}),
      emit: (r) => queues.add(qi, r),
      // Explain takes rules, not ad-hoc queries: only rules are watched for near misses.
      nearMisses: q.rule !== undefined,
    }));
    // When every runner emits a result as its last event is pushed, what they emitted for
    // this event is final: written now, query by query. Otherwise (samples, `tail`, trailing
    // missing events) results wait in the queues until the end.
    const streaming = runners.every((r) => r.streams);
    // The export's end is its newest plausible time; only when every event lies in the future is it the furthest.
    const anchor = newest === -Infinity ? furthest : newest;
    const inside = windowTest(opts.window, anchor, summary);
    for await (const c of order.ordered()) {
      if (!inside(c.event.ts)) continue;
      for (const [q, hit] of c.hits) runners[q]!.push(c.event, hit);
      if (streaming && queues.waiting && !queues.spilled) for (const item of queues.takeHeld()) await write(item);
    }
    for (const r of runners) r.finish();
    for await (const item of queues.merge()) await write(item);
    const nearMisses = nearMissReport(runners, opts.queries, opts.sources, lineOf);
    if (nearMisses) summary.nearMisses = nearMisses;
    opts.queries.forEach((q, qi) => {
      summary.alertsByRule.push({ name: q.name, severity: q.rule?.severity ?? '', count: counts[qi]!, ...(q.rule ? { rule: q.rule } : {}) });
    });
    Object.assign(summary, coverage.finish(opts.timestampField));
    if (future) summary.warnings.push(futureWarning(future, furthest, newest, opts.window));
    opts.queries.forEach((q, qi) => {
      const dropped = runners[qi]!.dropped();
      // Only keys with open partial sequences count (sequence.ts): each drop lost a sequence in progress.
      if (dropped) summary.warnings.push(`${q.name}: dropped the partial sequences of ${dropped} join keys, oldest first, to keep at most ${opts.maxPending ?? DEFAULT_MAX_PENDING} keys with open partial sequences (--max-pending); a sequence one of them would have completed is not reported`);
    });
    summary.badLinesByReason = badReasons.sorted();
    summary.eventsByHost = hosts.sorted();
    summary.eventsByCategory = categories.sorted();
    if (unmapped.counts.size) summary.eventsUnmapped = unmapped.sorted();
    summary.elapsedMs = performance.now() - started;
    summary.peakRssBytes = process.resourceUsage().maxRSS * 1024;
    summary.threads = threadCount(units, pool);
    return { alerts, summary, ...(opts.watchFields ? { absentFields: FieldPresence.absent(opts.watchFields, fieldReports) } : {}) };
  } finally {
    closeReader();
    disposeQueues();
    order.dispose();
  }
}

function needsEveryEvent(opts: ScanOptions): boolean {
  return opts.inspect !== undefined || (opts.hosts?.length ?? 0) > 0 || isRelative(opts.window);
}

const isRelative = (window: ScanOptions['window']) => [window?.from, window?.to].some((b) => b !== undefined && !('at' in b));

/**
 * Events dated past the clock (plus a day) are matched as dated, but one forged time must not
 * move the export's end: a relative window counts back from the newest time before that.
 */
function futureWarning(future: number, furthest: number, newest: number, window: ScanOptions['window']): string {
  const said = `${future} event${future === 1 ? ' is' : 's are'} dated more than a day after this computer's clock (the latest ${formatTimestamp(furthest)}); check the clocks of the hosts that wrote them`;
  if (!isRelative(window)) return said;
  return newest === -Infinity
    ? `${said}; no event is dated before that, so relative --from/--to count back from ${formatTimestamp(furthest)}`
    : `${said}; relative --from/--to count back from the newest event before that, ${formatTimestamp(newest)}`;
}

/**
 * Whether a candidate's time is inside the window, counting those outside into the summary.
 * Relative bounds count back from the newest event read (`newest`: the newest plausible one,
 * see futureWarning), so "the last 24h" of an export means the last 24 hours it covers, not of today.
 */
function windowTest(window: ScanOptions['window'], newest: number, summary: ScanSummary): (ts: number) => boolean {
  if (!window) return () => true;
  const resolve = (b: TimeBound | undefined) => (b === undefined ? undefined : 'at' in b ? b.at : newest - b.beforeNewest);
  const from = resolve(window.from);
  const to = resolve(window.to);
  const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? undefined : formatTimestamp(ms));
  const f = iso(from);
  const t = iso(to);
  const shown = { ...(f === undefined ? {} : { from: f }), ...(t === undefined ? {} : { to: t }), outside: 0 };
  summary.window = shown;
  return (ts) => {
    if ((from === undefined || ts >= from) && (to === undefined || ts <= to)) return true;
    shown.outside++;
    return false;
  };
}

/**
 * An event's JSON text: kept, or read again from its file and checked against the hash taken
 * when it was scanned. A file changed since it was read cannot lose the alert, nor put new
 * text in its evidence: the event then says so in place of its text, and `changed` is told.
 */
function eventText(e: TimelineEvent, file: string, line: number, reader: TextReader, changed: (line: number) => void): { text: string; source: unknown } {
  const text = e.at ? reader.read(file, e.at) : e.raw;
  if (text !== null && (e.at?.[2] === undefined || textHash(text) === e.at[2])) {
    try {
      return { text, source: JSON.parse(text) };
    } catch {
      // Changed under us: said below.
    }
  }
  changed(line);
  const source = { 'lolhunt.error': `${file}:${line}: the file changed after it was scanned; this event's text is no longer there` };
  return { text: JSON.stringify(source), source };
}

function toAlert(r: QueryResult, q: ScanQuery, sources: InputSource[], lineOf: (e: TimelineEvent) => number, reader: TextReader, changed: (file: string, line: number) => void): Alert {
  const events = r.events.map((e): MatchedEvent => {
    if (e.missing) return { file: '', line: 0, timestamp: '', source: null, missing: true };
    const file = sources[e.fileIndex]!.path;
    const line = lineOf(e);
    const { text, source } = eventText(e, file, line, reader, (n) => changed(file, n));
    return { file, line, timestamp: formatTimestamp(e.ts), source, raw: text, ...(e.invalidUtf8 ? { invalidUtf8: true as const } : {}) };
  });
  const first = events.find((e) => !e.missing)!;
  return { ...(q.rule ? { rule: q.rule } : {}), joinKeys: r.joinKeys, timestamp: first.timestamp, events, fields: q.compiled.fields };
}
