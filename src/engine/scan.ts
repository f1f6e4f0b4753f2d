import type { CompiledQuery, EventView } from '../eql/index.js';
import type { InputSource } from '../input/index.js';
import type { RuleMeta } from '../rules/index.js';
import type { PrefilterMode } from './collect/collect.js';
import { collectCandidates } from './collect/stage.js';
import { CandidateOrder } from './order/order.js';
import type { TimelineEvent } from './order/timeline.js';
import { Coverage } from './reports/coverage.js';
import { FieldPresence, type AbsentField } from './reports/fields.js';
import { SummaryBuilder } from './reports/summary-builder.js';
import { runQueries } from './run/stage.js';
import { windowTest, type ScanWindow } from './run/window.js';
import type { PortableCompile } from './threads/pool.js';
import type { Alert, InputProblem, ScanProgress, ScanSummary } from './types.js';

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
  window?: ScanWindow;
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
 * thread or a pool: collect/), order (one timeline in bounded memory: order/) and run (each
 * query's runner over the timeline, the results interleaved by completion: run/). The output
 * does not depend on the number of threads: events are ordered by a total order, and
 * problems are reported in input order.
 */
export async function scan(opts: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const summary = new SummaryBuilder(opts.sources.length, opts.normalize ?? true, opts.skippedFiles ?? [], opts.maxProblemsShown ?? 20);
  const categoryField = opts.categoryField ?? 'event.category';
  // Rule warnings are for rules: an ad-hoc query's missing fields are named by field warnings.
  const coverage = new Coverage(opts.sources.map((s) => s.path), opts.queries.map((q) => ({ name: q.name, ast: q.compiled.ast, fields: q.compiled.fields, rule: q.rule !== undefined })), categoryField);
  const order = new CandidateOrder(opts.maxMemory);
  try {
    const collected = await collectCandidates(opts, opts.queries.map((q) => q.compiled), summary, coverage, order);
    const inside = windowTest(opts.window, summary.exportEnd, summary.summary);
    const alerts: Alert[] = [];
    const { counts, warnings, nearMisses } = await runQueries(opts, order, collected, inside, summary, opts.onAlert ?? ((a) => void alerts.push(a)));
    opts.queries.forEach((q, qi) => {
      summary.summary.alertsByRule.push({ name: q.name, severity: q.rule?.severity ?? '', count: counts[qi] ?? 0, ...(q.rule ? { rule: q.rule } : {}) });
    });
    if (nearMisses) summary.summary.nearMisses = nearMisses;
    Object.assign(summary.summary, coverage.finish(opts.timestampField));
    const done = summary.finish(opts.window, warnings);
    done.elapsedMs = performance.now() - started;
    done.peakRssBytes = process.resourceUsage().maxRSS * 1024;
    done.threads = collected.threads;
    return { alerts, summary: done, ...(opts.watchFields ? { absentFields: FieldPresence.absent(opts.watchFields, collected.fieldReports) } : {}) };
  } finally {
    order.dispose();
  }
}
