import type { CompiledQuery } from '../../eql/index.js';
import { Coverage } from '../reports/coverage.js';
import type { FieldReport } from '../reports/fields.js';
import type { SummaryBuilder } from '../reports/summary-builder.js';
import type { CandidateOrder } from '../order/order.js';
import type { TimelinePlace } from '../order/timeline.js';
import { isRelative } from '../run/window.js';
import { DEFAULT_ORDER_BUDGET } from '../order/order.js';
import { planUnits, runUnits, threadCount } from '../threads/pool.js';
import type { ScanOptions } from '../scan.js';
import type { InputProblem } from '../types.js';
import { FUTURE_TOLERANCE, matchersFor, type CollectSettings } from './collect.js';

/** What the collect stage leaves for the next: every candidate is in the order. */
export interface Collected {
  /** An event's line number in its file (ranges of one file are numbered on from each other). */
  lineOf: (e: TimelinePlace) => number;
  fieldReports: FieldReport[];
  threads: number;
}

/**
 * The collect stage: every unit of work (sources, or byte ranges of large files with threads)
 * read on this thread or a pool (threads/pool.ts), each event some step can use added to the
 * order as a candidate; problems counted, kept in input order once each unit's lines are
 * numbered.
 */
export async function collectCandidates(opts: ScanOptions, compiled: CompiledQuery[], summary: SummaryBuilder, coverage: Coverage, order: CandidateOrder): Promise<Collected> {
  for (const p of opts.discoveryProblems ?? []) summary.count(p, true);
  const settings = collectSettings(opts);
  const { prefilter } = matchersFor(compiled, settings);
  if (prefilter) opts.onPrefilter?.(prefilter.unfiltered.map((qi) => opts.queries[qi]?.name ?? ''));
  const threads = opts.compile && !opts.inspect ? Math.max(1, opts.threads ?? 1) : 1;
  const units = await planUnits(opts.sources, threads, opts.rangeBytes);
  const pool = opts.compile && !opts.inspect
    ? { threads, compile: opts.compile, runs: { folder: () => order.runFolder(), budget: opts.maxMemory ?? DEFAULT_ORDER_BUDGET } }
    : null;
  /** Per unit, its first problems (lines counted within the unit until the end). */
  const problems: InputProblem[][] = units.map(() => []);
  const progress = new UnitProgress(units.map((u) => u.source.index), opts, summary);
  const fieldReports: FieldReport[] = [];
  const done = await runUnits(units, compiled, settings, pool, {
    candidate: (c) => {
      progress.candidates++;
      order.add(c);
    },
    counted: (n) => { progress.candidates += n; },
    runs: (files) => order.adopt(files),
    problem: (p, unit) => {
      summary.count(p);
      const kept = problems[unit];
      const from = units[unit];
      if (kept === undefined || from === undefined) return; // runUnits numbers the units it was given
      if (p.kind === 'line') coverage.badLine(from.source.index);
      if (kept.length < summary.shown) kept.push(p);
    },
    events: (t) => summary.tallied(t),
    unparsed: (n) => {
      summary.summary.events += n;
      summary.summary.unparsed += n;
    },
    bytes: (n) => {
      summary.summary.bytes += n;
      opts.onBytes?.(n);
      progress.report();
    },
    unitDone: (unit) => progress.unitDone(unit),
    fields: (r) => fieldReports.push(r),
    ...(opts.inspect ? { inspect: opts.inspect } : {}),
  });

  // Lines of a range count from the lines of the ranges before it in the same file.
  const lineBase = new Map<string, number>();
  let base = 0;
  units.forEach((u, i) => {
    if (u.part === 0) base = 0;
    lineBase.set(`${u.source.index}:${u.part}`, base);
    for (const p of problems[i] ?? []) if (!summary.keep(p.line === undefined ? p : { ...p, line: p.line + base })) break;
    const result = done[i];
    if (result === undefined) return;
    base += result.lines;
    coverage.unit(u.source.index, result.coverage);
  });
  const lineOf = (e: TimelinePlace) => e.line + (lineBase.get(`${e.fileIndex}:${e.part}`) ?? 0);
  return { lineOf, fieldReports, threads: threadCount(units, pool) };
}

/** What the per-line stage needs of the options (it crosses to workers: plain data only). */
function collectSettings(opts: ScanOptions): CollectSettings {
  const stampType = opts.compile?.fieldTypes.find(([field]) => field === opts.timestampField)?.[1];
  return {
    timestampField: opts.timestampField,
    ...(stampType?.type === 'date' && stampType.format !== null ? { timestampFormat: stampType.format } : {}),
    maxLineBytes: opts.maxLineBytes,
    ...(opts.tiebreakerField === undefined ? {} : { tiebreakerField: opts.tiebreakerField }),
    normalize: opts.normalize ?? true,
    categoryField: opts.categoryField ?? 'event.category',
    ...(opts.watchFields ? { watchFields: opts.watchFields } : {}),
    ...(opts.hosts?.length ? { hosts: opts.hosts } : {}),
    futureAfter: (opts.now ?? Date.now)() + FUTURE_TOLERANCE,
    // Lines skipped unparsed are never seen: not by explain, not by --host, not by the newest
    // time a relative --from/--to counts back from. Then `skip` searches but parses all (`tag`).
    ...(opts.prefilter ? { prefilter: opts.prefilter === 'skip' && needsEveryEvent(opts) ? 'tag' : opts.prefilter } : {}),
  };
}

function needsEveryEvent(opts: ScanOptions): boolean {
  return opts.inspect !== undefined || (opts.hosts?.length ?? 0) > 0 || isRelative(opts.window);
}

/** Progress as units finish: a file is done when its last range is. */
class UnitProgress {
  candidates = 0;
  private filesDone = 0;
  /** Units left per source. */
  private readonly left = new Map<number, number>();

  constructor(private readonly sourceOf: number[], private readonly opts: ScanOptions, private readonly summary: SummaryBuilder) {
    for (const s of sourceOf) this.left.set(s, (this.left.get(s) ?? 0) + 1);
  }

  unitDone(unit: number): void {
    const source = this.sourceOf[unit];
    const left = source === undefined ? undefined : this.left.get(source);
    if (source !== undefined && left !== undefined) {
      this.left.set(source, left - 1);
      if (left === 1) this.filesDone++;
    }
    this.report();
  }

  report(): void {
    const { bytes, events } = this.summary.summary;
    this.opts.onProgress?.({ bytes, events, candidates: this.candidates, filesDone: this.filesDone });
  }
}
