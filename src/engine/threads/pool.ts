import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { compileTree, type CompiledQuery, type CompileOptions, type FieldType, type Query } from '../../eql/index.js';
import { splitFile, textBytes, type InputSource } from '../../input/index.js';
import { dateFormatParser, parseDate } from '../../normalize/index.js';
import { collectUnit, type CollectSettings, type CollectSink, type UnitResult, type WorkUnit } from '../collect/collect.js';
import type { FieldReport } from '../reports/fields.js';
import type { EventTally } from '../reports/tally.js';
import type { InputProblem } from '../types.js';

/** A field type that crosses threads: a date names its formats (null: ISO-8601 or epoch) instead of holding a parser. */
export type PortableFieldType = Exclude<FieldType, { type: 'date' }> | { type: 'date'; format: string | null };

/**
 * How the queries are compiled, in a form that crosses threads (functions do not): each
 * worker compiles the queries' syntax trees again with it.
 */
export interface PortableCompile {
  categoryField: string;
  fieldTypes: [string, PortableFieldType][];
}

export function compileOptionsOf(p: PortableCompile): CompileOptions {
  const fieldTypes = new Map<string, FieldType>(p.fieldTypes.map(([field, t]) => [
    field,
    t.type === 'date' ? { type: 'date', parse: t.format === null ? parseDate : dateFormatParser(t.format) } : t,
  ]));
  return { categoryField: p.categoryField, fieldTypes, shared: new Map() };
}

/**
 * `--threads auto`: one thread below this much work (bytes of text × the rule set's weight),
 * since a worker needs about a second to start, compile the rules and warm up (bench/RESULTS.md:
 * with the five built-in rules two threads gain nothing on 347 MB, 1.3× on 693 MB, 1.5× on
 * 2 GB), and each holds its own heap (60–100 MB more peak memory).
 */
const AUTO_THREADS_WORK = 512 * 1024 * 1024;
/** `--threads auto` uses at most this many threads, bounding the memory they add. */
const AUTO_THREADS_MAX = 4;
/**
 * Queries that double the per-byte cost of a scan: Elastic's 1,011 rules cost ~10× the five
 * built-in ones per byte by CPU (bench/RESULTS.md, 2026-11-29), ~1 + 1,011/110.
 */
const QUERIES_PER_WEIGHT = 110;
/**
 * The most a rule set's weight counts: each worker compiles every rule, so its start-up grows
 * with the rule set as fast as the per-byte cost does. Measured (bench/RESULTS.md, 2026-12-08):
 * over 174 MB two threads gain 16% with Elastic's 1,011 rules and nothing with SigmaHQ's 2,405,
 * for 230–370 MB more peak memory; over 519 MB they gain 1.46× with Elastic's.
 */
const MAX_WEIGHT = 2;

/** How much a byte counts towards starting threads with this many queries, relative to a handful of rules. */
export const ruleSetWeight = (queries: number): number => Math.min(MAX_WEIGHT, 1 + queries / QUERIES_PER_WEIGHT);

/**
 * The thread count `--threads auto` picks for these sources and this many queries: by work,
 * the text's bytes (stdin counts as small, gzip by its text) times the rule set's weight.
 */
export function autoThreads(sources: InputSource[], queries: number): number {
  const bytes = sources.reduce((sum, s) => sum + textBytes(s), 0);
  return bytes * ruleSetWeight(queries) < AUTO_THREADS_WORK ? 1 : Math.max(1, Math.min(os.availableParallelism(), AUTO_THREADS_MAX));
}

/** A large plain file is read in byte ranges of about this size, so one big export keeps every thread busy. */
const DEFAULT_RANGE_BYTES = 32 * 1024 * 1024;

/** The work, in input order: whole sources, and (with more than one thread) large plain files cut into byte ranges. */
export async function planUnits(sources: InputSource[], threads: number, rangeBytes = DEFAULT_RANGE_BYTES): Promise<WorkUnit[]> {
  const units: WorkUnit[] = [];
  for (const source of sources) {
    const ranges = threads > 1 ? await splitFile(source, rangeBytes) : null;
    if (ranges) ranges.forEach((range, part) => units.push({ source, part, range }));
    else units.push({ source, part: 0 });
  }
  return units;
}

/** Messages from a worker to the main thread. */
export type WorkerMessage =
  | { kind: 'candidates'; n: number }
  | { kind: 'runs'; files: string[] }
  | { kind: 'problem'; unit: number; problem: InputProblem }
  | { kind: 'events'; tally: EventTally }
  | { kind: 'unparsed'; n: number }
  | { kind: 'bytes'; n: number }
  | { kind: 'fields'; report: FieldReport }
  | { kind: 'done'; unit: number; result: UnitResult }
  | { kind: 'failed'; unit: number; message: string };

export interface WorkerInit {
  /** Each query's syntax tree (plain data: it crosses threads as it is, no text is parsed again) and its text. */
  queries: { ast: Query; source: string }[];
  compile: PortableCompile;
  settings: CollectSettings;
  /** Where the worker writes its ordered runs, and the memory it orders in before writing one. */
  runs: { dir: string; budget: number };
}

/** A pool of worker threads, how they compile the queries, and where they write their ordered runs. */
interface PoolOptions {
  threads: number;
  compile: PortableCompile;
  runs: { folder(): string; budget: number };
}

/**
 * A CollectSink told which unit (by index) each problem comes from, since problems carry
 * unit-local lines. With a pool, candidates stay in the workers: the sink is told how many
 * there were and given the ordered runs they were written to (order.ts).
 */
type UnitSink = Omit<CollectSink, 'problem'> & {
  problem(p: InputProblem, unit: number): void;
  unitDone?(unit: number): void;
  counted(candidates: number): void;
  runs(files: string[]): void;
};

/**
 * Runs every unit, on this thread (threads = 1) or on this thread beside a pool of
 * threads − 1 workers (this thread would otherwise wait: it merges only at the end), feeding
 * the sink; resolves to each unit's line count, in unit order. What reaches the sink from
 * different units interleaves in any order: the caller makes the result independent of it.
 */
export async function runUnits(
  units: WorkUnit[],
  queries: CompiledQuery[],
  settings: CollectSettings,
  pool: PoolOptions | null,
  sink: UnitSink,
): Promise<UnitResult[]> {
  const done: UnitResult[] = [];
  const threads = threadCount(units, pool);
  let next = 0;
  let failed = false;
  /** This thread's share: units taken in turn with the workers, candidates straight into the sink. */
  const here = async () => {
    for (let id = next++; id < units.length && !failed; id = next++) {
      const unit = units[id];
      if (unit === undefined) break; // id < units.length
      done[id] = await collectUnit(unit, queries, settings, { ...sink, problem: (p) => sink.problem(p, id) });
      sink.unitDone?.(id);
    }
  };
  if (threads === 1 || pool === null) {
    await here();
    return done;
  }
  const runs = { dir: pool.runs.folder(), budget: Math.max(1, Math.floor(pool.runs.budget / threads)) };
  const workerData: WorkerInit = { settings, compile: pool.compile, queries: queries.map((q) => ({ ast: q.ast, source: q.source })), runs };
  const workers = Array.from({ length: threads - 1 }, () => new Worker(new URL('./worker.js', import.meta.url), { workerData }));
  try {
    await Promise.all([here(), ...workers.map((worker) => new Promise<void>((resolve, reject) => {
      const give = () => {
        if (next >= units.length) return resolve();
        const id = next++;
        worker.postMessage({ id, unit: units[id] });
      };
      worker.on('message', (m: WorkerMessage) => {
        switch (m.kind) {
          case 'candidates': sink.counted(m.n); break;
          case 'runs': sink.runs(m.files); break;
          case 'problem': sink.problem(m.problem, m.unit); break;
          case 'events': sink.events(m.tally); break;
          case 'unparsed': sink.unparsed?.(m.n); break;
          case 'bytes': sink.bytes(m.n); break;
          case 'fields': sink.fields?.(m.report); break;
          case 'done': done[m.unit] = m.result; sink.unitDone?.(m.unit); give(); break;
          case 'failed':
            failed = true;
            reject(new Error(`worker failed on ${units[m.unit]?.source.path}: ${m.message}`));
            break;
        }
      });
      worker.on('error', (err) => {
        failed = true;
        reject(err);
      });
      give();
    }))]);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return done;
}

/** Threads runUnits reads these units on: 1 is this thread alone, more are this thread and workers (one thread per unit at most). */
export function threadCount(units: WorkUnit[], pool: PoolOptions | null): number {
  return pool === null || units.length <= 1 ? 1 : Math.max(1, Math.min(pool.threads, units.length));
}

/** Compiles the queries a worker was given. */
export function compileAll(init: WorkerInit): CompiledQuery[] {
  const options = compileOptionsOf(init.compile);
  return init.queries.map((q) => compileTree(q.ast, q.source, options));
}
