import type { CompiledQuery } from '../eql/index.js';
import { readItems, type InputSource } from '../input/index.js';
import { documentView, formatTimestamp, getField, parseTimestamp } from '../normalize/index.js';
import type { RuleMeta } from '../rules/index.js';
import { createRunner, stepMask, type QueryResult } from './runner.js';
import { compareEvents, type TimelineEvent } from './timeline.js';
import type { Alert, InputProblem, MatchedEvent, ScanSummary } from './types.js';

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
  /** Problems found before the scan (discovery), counted as file errors. */
  discoveryProblems?: InputProblem[];
  /** Called once per problem as it is found. */
  onProblem?: (p: InputProblem) => void;
  onBytes?: (n: number) => void;
  /** Samples returned per join key (Elasticsearch's max_samples_per_key), default 1. */
  maxSamplesPerKey?: number;
  /** Problems kept for the summary; all are counted. */
  maxProblemsShown?: number;
  /** Called with every event placed on the timeline, candidate or not (explain, field checks). */
  onEvent?: (ev: TimelineEvent) => void;
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
    alertsByRule: [], alerts: 0, elapsedMs: 0,
  };
  const report = (p: InputProblem) => {
    summary[p.kind === 'file' ? 'fileErrors' : 'badLines']++;
    if (summary.problems.length < shown) summary.problems.push(p);
    opts.onProblem?.(p);
  };
  for (const p of opts.discoveryProblems ?? []) report(p);

  // Sample queries ignore time: when only they run, an event needs no timestamp.
  const timeless = opts.queries.every((q) => q.compiled.type === 'sample');
  const candidates: Candidate[] = [];
  const onBytes = (n: number) => { summary.bytes += n; opts.onBytes?.(n); };
  for (const source of opts.sources) {
    for await (const batch of readItems(source, { maxLineBytes: opts.maxLineBytes, onBytes })) {
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
        summary.events++;
        const tiebreakOf = () => (opts.tiebreakerField === undefined ? undefined : getField(doc, opts.tiebreakerField));
        if (opts.onEvent) opts.onEvent({ ts, tiebreak: tiebreakOf(), fileIndex: source.index, line, view, source: doc });
        if (masks.every((m) => m === 0)) continue;
        const event: TimelineEvent = { ts, tiebreak: tiebreakOf(), fileIndex: source.index, line, view, source: doc };
        if (item.kind === 'line') event.raw = item.text;
        candidates.push({ event, masks });
      }
    }
  }

  candidates.sort((a, b) => compareEvents(a.event, b.event));
  const perQuery = opts.queries.map((q, qi) => {
    const runner = createRunner(q.compiled, { ...(opts.maxSamplesPerKey ? { maxSamplesPerKey: opts.maxSamplesPerKey } : {}) });
    for (const c of candidates) if (c.masks[qi]) runner.push(c.event, c.masks[qi]!);
    const results = runner.finish();
    summary.alertsByRule.push({ name: q.name, severity: q.rule?.severity ?? '', count: results.length });
    return results.map((r) => ({ alert: toAlert(r, q.rule, opts.sources), last: r.events[r.events.length - 1]! }));
  });
  const alerts = mergeByCompletion(perQuery);
  summary.alerts = alerts.length;
  summary.elapsedMs = performance.now() - started;
  return { alerts, summary };
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

function toAlert(r: QueryResult, rule: RuleMeta | undefined, sources: InputSource[]): Alert {
  const events = r.events.map((e): MatchedEvent => e.missing ? { file: '', line: 0, timestamp: '', source: null, missing: true } : ({
    file: sources[e.fileIndex]!.path,
    line: e.line,
    timestamp: formatTimestamp(e.ts),
    source: e.source,
    ...(e.raw === undefined ? {} : { raw: e.raw }),
  }));
  const first = events.find((e) => !e.missing)!;
  return { ...(rule ? { rule } : {}), joinKeys: r.joinKeys, timestamp: first.timestamp, events };
}
