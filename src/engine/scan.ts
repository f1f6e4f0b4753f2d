import type { CompiledQuery } from '../eql/index.js';
import { readItems, type InputSource } from '../input/index.js';
import { documentView, formatTimestamp, getField, parseTimestamp } from '../normalize/index.js';
import type { RuleMeta } from '../rules/index.js';
import { createRunner, stepMask, type QueryResult } from './runner.js';
import { compareEvents, type TimelineEvent } from './timeline.js';
import { reasonKind, Tally } from './tally.js';
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
  /** Field counted for "events per category" (default event.category). */
  categoryField?: string;
  tiebreakerField?: string;
  /** Only events whose host (host.name, else host.hostname) passes take part. */
  hostFilter?: (host: string) => boolean;
  /** Only events inside [from, to] can be part of an alert. */
  window?: { from?: TimeBound; to?: TimeBound };
  /** Called after every batch of lines. */
  onProgress?: (p: ScanProgress) => void;
  /** Problems found before the scan (discovery), counted as file errors. */
  discoveryProblems?: InputProblem[];
  /** Called once per problem as it is found. */
  onProblem?: (p: InputProblem) => void;
  onBytes?: (n: number) => void;
  /** Samples returned per join key (Elasticsearch's max_samples_per_key), default 1. */
  maxSamplesPerKey?: number;
  /** Problems kept for the summary; all are counted. */
  maxProblemsShown?: number;
}

export interface ScanResult {
  alerts: Alert[];
  summary: ScanSummary;
}

/** An event that satisfies some step of some query, with one mask per query. */
interface Candidate {
  event: TimelineEvent;
  masks: number[];
}

/**
 * Reads every source, keeps the events some query step can use, orders them on one
 * timeline and runs each query over it.
 */
export async function scan(opts: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const shown = opts.maxProblemsShown ?? 20;
  const summary: ScanSummary = {
    files: opts.sources.length, bytes: 0, events: 0, badLines: 0, fileErrors: 0, problems: [],
    badLinesByReason: [], eventsByCategory: [], eventsByHost: [], hostFiltered: 0,
    alertsByRule: [], alerts: 0, elapsedMs: 0, peakRssBytes: 0,
  };
  const badReasons = new Tally();
  const categories = new Tally();
  const hosts = new Tally();
  const categoryField = opts.categoryField ?? 'event.category';
  let newest = -Infinity;
  const report = (p: InputProblem) => {
    summary[p.kind === 'file' ? 'fileErrors' : 'badLines']++;
    if (p.kind !== 'file') badReasons.add(reasonKind(p.reason));
    if (summary.problems.length < shown) summary.problems.push(p);
    opts.onProblem?.(p);
  };
  for (const p of opts.discoveryProblems ?? []) report(p);

  // Sample queries ignore time: when only they run, an event needs no timestamp.
  const timeless = opts.queries.every((q) => q.compiled.type === 'sample');
  const candidates: Candidate[] = [];
  const onBytes = (n: number) => { summary.bytes += n; opts.onBytes?.(n); };
  let filesDone = 0;
  const progress = () => opts.onProgress?.({ bytes: summary.bytes, events: summary.events, candidates: candidates.length, filesDone });
  for (const source of opts.sources) {
    for await (const batch of readItems(source, { maxLineBytes: opts.maxLineBytes, onBytes })) {
      progress();
      for (const item of batch) {
        if (item.kind === 'error') {
          report({ kind: 'file', file: source.path, ...(item.line === undefined ? {} : { line: item.line }), reason: item.reason });
          continue;
        }
        if (item.kind === 'bad') {
          report({ kind: 'line', file: source.path, line: item.line, reason: item.reason });
          continue;
        }
        let doc: unknown;
        if (item.kind === 'line') {
          try {
            doc = JSON.parse(item.text);
          } catch (err) {
            report({ kind: 'line', file: source.path, line: item.line, reason: `invalid JSON: ${(err as Error).message}` });
            continue;
          }
        } else {
          doc = item.value;
        }
        if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
          report({ kind: 'line', file: source.path, line: item.line, reason: `not a JSON object (${Array.isArray(doc) ? 'array' : doc === null ? 'null' : typeof doc})` });
          continue;
        }
        const view = documentView(doc);
        const line = item.line;
        let masks: number[];
        let ts: number | null;
        try {
          ts = parseTimestamp(view.get(opts.timestampField)) ?? (timeless ? 0 : null);
          masks = ts === null ? [] : opts.queries.map((q) => stepMask(q.compiled, view));
        } catch (err) {
          // Only a value nested deeper than the call stack gets here; it is that line's problem.
          if (!(err instanceof RangeError)) throw err;
          report({ kind: 'line', file: source.path, line, reason: 'value nested too deeply to evaluate' });
          continue;
        }
        if (ts === null) {
          report({ kind: 'line', file: source.path, line, reason: `missing or unparsable ${opts.timestampField}` });
          continue;
        }
        const host = hostOf(view);
        if (opts.hostFilter && !opts.hostFilter(host)) {
          summary.hostFiltered++;
          continue;
        }
        summary.events++;
        hosts.add(host);
        for (const c of categoriesOf(view.get(categoryField))) categories.add(c);
        if (ts > newest) newest = ts;
        if (masks.every((m) => m === 0)) continue;
        const tiebreak = opts.tiebreakerField === undefined ? undefined : getField(doc, opts.tiebreakerField);
        const event: TimelineEvent = { ts, tiebreak, fileIndex: source.index, line, view, source: doc };
        if (item.kind === 'line') event.raw = item.text;
        candidates.push({ event, masks });
      }
    }
    filesDone++;
    progress();
  }

  const inWindow = opts.window ? applyWindow(candidates, opts.window, newest, summary) : candidates;
  inWindow.sort((a, b) => compareEvents(a.event, b.event));
  const perQuery = opts.queries.map((q, qi) => {
    const runner = createRunner(q.compiled, { ...(opts.maxSamplesPerKey ? { maxSamplesPerKey: opts.maxSamplesPerKey } : {}) });
    for (const c of inWindow) if (c.masks[qi]) runner.push(c.event, c.masks[qi]!);
    const results = runner.finish();
    summary.alertsByRule.push({ name: q.name, severity: q.rule?.severity ?? '', count: results.length, ...(q.rule ? { rule: q.rule } : {}) });
    return results.map((r) => ({ alert: toAlert(r, q, opts.sources), last: r.events[r.events.length - 1]! }));
  });
  const alerts = mergeByCompletion(perQuery);
  summary.alerts = alerts.length;
  summary.badLinesByReason = badReasons.sorted();
  summary.eventsByCategory = categories.sorted();
  summary.eventsByHost = hosts.sorted();
  summary.elapsedMs = performance.now() - started;
  summary.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  return { alerts, summary };
}

/** The host an event belongs to, for --host and the per-host counts. */
function hostOf(view: { get(path: string): unknown }): string {
  for (const field of ['host.name', 'host.hostname']) {
    const v = view.get(field);
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' && s !== '') return s;
  }
  return '(none)';
}

function categoriesOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return ['(none)'];
}

/**
 * Keeps the candidates inside the window. Relative bounds count back from the newest event
 * read, so "the last 24h" of an export means the last 24 hours it covers, not of today.
 */
function applyWindow(candidates: Candidate[], window: NonNullable<ScanOptions['window']>, newest: number, summary: ScanSummary): Candidate[] {
  const resolve = (b: TimeBound | undefined) => (b === undefined ? undefined : 'at' in b ? b.at : newest - b.beforeNewest);
  const from = resolve(window.from);
  const to = resolve(window.to);
  const kept = candidates.filter((c) => (from === undefined || c.event.ts >= from) && (to === undefined || c.event.ts <= to));
  const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? undefined : formatTimestamp(ms));
  const f = iso(from);
  const t = iso(to);
  summary.window = { ...(f === undefined ? {} : { from: f }), ...(t === undefined ? {} : { to: t }), outside: candidates.length - kept.length };
  return kept;
}

/**
 * One list from the per-query lists, each kept in its runner's order (sequences as they
 * complete, samples by key), interleaved by the event that completed each result, as
 * Elasticsearch returns sequences; ties go to the earlier query.
 */
function mergeByCompletion(lists: { alert: Alert; last: TimelineEvent }[][]): Alert[] {
  const heads = lists.map(() => 0);
  const out: Alert[] = [];
  for (;;) {
    let best = -1;
    for (let q = 0; q < lists.length; q++) {
      const item = lists[q]![heads[q]!];
      if (item && (best === -1 || compareEvents(item.last, lists[best]![heads[best]!]!.last) < 0)) best = q;
    }
    if (best === -1) return out;
    out.push(lists[best]![heads[best]!++]!.alert);
  }
}

function toAlert(r: QueryResult, q: ScanQuery, sources: InputSource[]): Alert {
  const events = r.events.map((e): MatchedEvent => e.missing ? { file: '', line: 0, timestamp: '', source: null, missing: true } : ({
    file: sources[e.fileIndex]!.path,
    line: e.line,
    timestamp: formatTimestamp(e.ts),
    source: e.source,
    ...(e.raw === undefined ? {} : { raw: e.raw }),
  }));
  const first = events.find((e) => !e.missing)!;
  return { ...(q.rule ? { rule: q.rule } : {}), joinKeys: r.joinKeys, timestamp: first.timestamp, events, fields: q.compiled.fields };
}
