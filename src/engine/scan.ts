import type { CompiledQuery } from '../eql/index.js';
import type { InputSource } from '../input/index.js';
import { formatTimestamp } from '../normalize/index.js';
import type { RuleMeta } from '../rules/index.js';
import { collectSource, type CollectSink } from './collect.js';
import { CandidateOrder } from './order.js';
import { createRunner, type QueryResult } from './runner.js';
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
  /** Bytes of candidates held in memory before they spill to temporary files. */
  maxMemory?: number;
}

export interface ScanResult {
  alerts: Alert[];
  summary: ScanSummary;
}

/**
 * The scan in three stages: collect (read every source, keep the events some query step
 * can use, collect.ts), order (one timeline in bounded memory, order.ts) and run (each
 * query's runner over the timeline, then the results interleaved by completion).
 */
export async function scan(opts: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const shown = opts.maxProblemsShown ?? 20;
  const summary: ScanSummary = {
    files: opts.sources.length, bytes: 0, events: 0, badLines: 0, fileErrors: 0, problems: [],
    alertsByRule: [], alerts: 0, elapsedMs: 0,
  };
  const order = new CandidateOrder(opts.maxMemory);
  const sink: CollectSink = {
    candidate: (c) => order.add(c),
    problem: (p) => {
      summary[p.kind === 'file' ? 'fileErrors' : 'badLines']++;
      if (summary.problems.length < shown) summary.problems.push(p);
      opts.onProblem?.(p);
    },
    event: () => { summary.events++; },
    bytes: (n) => {
      summary.bytes += n;
      opts.onBytes?.(n);
    },
  };
  try {
    for (const p of opts.discoveryProblems ?? []) sink.problem(p);
    const collect = {
      queries: opts.queries.map((q) => q.compiled),
      timestampField: opts.timestampField,
      maxLineBytes: opts.maxLineBytes,
      ...(opts.tiebreakerField === undefined ? {} : { tiebreakerField: opts.tiebreakerField }),
    };
    for (const source of opts.sources) await collectSource(source, collect, sink);

    const samples = opts.maxSamplesPerKey ? { maxSamplesPerKey: opts.maxSamplesPerKey } : {};
    const runners = opts.queries.map((q) => createRunner(q.compiled, samples));
    for await (const c of order.ordered()) for (const [q, hit] of c.hits) runners[q]!.push(c.event, hit);
    const perQuery = opts.queries.map((q, qi) => {
      const results = runners[qi]!.finish();
      summary.alertsByRule.push({ name: q.name, severity: q.rule?.severity ?? '', count: results.length });
      return results.map((r) => ({ alert: toAlert(r, q.rule, opts.sources), last: r.events[r.events.length - 1]! }));
    });
    const alerts = mergeByCompletion(perQuery);
    summary.alerts = alerts.length;
    summary.elapsedMs = performance.now() - started;
    return { alerts, summary };
  } finally {
    order.dispose();
  }
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
    source: JSON.parse(e.raw),
    raw: e.raw,
  }));
  const first = events.find((e) => !e.missing)!;
  return { ...(rule ? { rule } : {}), joinKeys: r.joinKeys, timestamp: first.timestamp, events };
}
