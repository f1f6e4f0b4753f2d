import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { autoThreads, scan, type Alert, type EventView, type PortableCompile, type PrefilterMode, type ScanQuery, type ScanSummary, type TimeBound } from '../engine/index.js';
import { DEFAULT_MAX_LINE_BYTES, discoverInputs, type InputSource } from '../input/index.js';
import { Normalizer } from '../normalize/index.js';
import {
  createProgress, createWriter, EXTENSIONS, formatInputTrouble, formatProblem, formatSummary, safe, useColor, validTimeZone,
  type FormatName, FORMATS, type ReportedAlert, type RunInfo,
} from '../output/index.js';
import { builtinRulesDir, SEVERITIES } from '../rules/index.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { fieldWarnings, type FieldCheck } from './field-warnings.js';
import { commonFolder } from './paths.js';
import type { RuleSet } from './rules-loading.js';
import { printErr, printPrepared } from './print.js';
import { noteRead, noteStdin } from './reads.js';
import { checkOutputTarget, fileSink, isDevice, stdoutSink } from './sinks.js';
import { fileSpool } from './spool.js';
import { TreeStage } from './trees.js';
import { version } from './version.js';

/** Options shared by every command that reads telemetry. */
export interface HuntOptions {
  format?: string;
  output?: string;
  failOn: string;
  maxLineBytes: number;
  /** Bytes of candidates ordered in memory before spilling. */
  maxMemory: number;
  /** Join keys with open partial sequences kept per rule (`--max-pending`). */
  maxPending: number;
  /** Worker threads, or `auto` (engine/threads/pool.ts autoThreads, by work). */
  threads: number | 'auto';
  timestampField: string;
  categoryField: string;
  tiebreakerField?: string;
  /** Elasticsearch mapping file giving field types. */
  mapping?: string;
  from?: TimeBound;
  to?: TimeBound;
  /** Host globs (any may match). */
  hosts: string[];
  tz: string;
  wide: boolean;
  /** --columns: the table's width, whatever the terminal's. */
  columns?: number;
  strict: boolean;
  /** The literal prefilter's mode. */
  prefilter: PrefilterMode;
  quiet: boolean;
  color?: boolean;
  /** Name every input's counts and every skipped file in the summary. */
  verbose: boolean;
  /** Map Windows event-log shapes to ECS (`--no-normalize` turns it off). */
  normalize: boolean;
  /** Each alert's process tree (a second pass): `--process-trees` / `--no-process-trees`; absent, html only. */
  processTrees?: boolean;
  /** Process starts a tree pass indexes at most. */
  maxProcesses: number;
}

export const FAIL_ON_CHOICES = [...SEVERITIES, 'none'] as const;

/** Does this alert make the run fail under --fail-on? Ad-hoc query matches have no severity and count at any level. */
function fails(alert: Alert, failOn: string): boolean {
  if (failOn === 'none') return false;
  if (!alert.rule) return true;
  return SEVERITIES.indexOf(alert.rule.severity) >= SEVERITIES.findIndex((s) => s === failOn);
}

function pickFormat(opts: HuntOptions): FormatName {
  if (opts.format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(opts.format)) {
      throw new CliError(`unknown format '${opts.format}' (choose from ${FORMATS.join(', ')})`);
    }
    return opts.format as FormatName;
  }
  if (opts.output !== undefined && !isDevice(opts.output)) return formatOfFile(opts.output);
  return process.stdout.isTTY && opts.output === undefined ? 'table' : 'ndjson';
}

/** `-o report.html` writes html: the extension decides, and one lolhunt does not know is an error, not silent NDJSON. */
function formatOfFile(file: string): FormatName {
  const ext = path.extname(file).toLowerCase();
  const format = EXTENSIONS[ext];
  if (format) return format;
  const known = Object.keys(EXTENSIONS).join(' ');
  throw new CliError(`cannot tell the format of ${file} from ${ext ? `its extension '${ext}'` : 'its name (no extension)'}: use one of ${known}, or give --format`);
}

/** Formats that show process trees; html builds them unless --no-process-trees, json and ndjson with --process-trees. */
const TREE_FORMATS: readonly FormatName[] = ['html', 'json', 'ndjson'];

/** Trees need a second read of the inputs: stdin has none, so html goes without them (said) and --process-trees is refused. */
function wantsTrees(format: FormatName, opts: HuntOptions, sources: InputSource[]): boolean {
  if (opts.processTrees && !TREE_FORMATS.includes(format)) throw new CliError(`--process-trees shows in ${TREE_FORMATS.join(', ')} output, not ${format}`);
  const wanted = opts.processTrees ?? format === 'html';
  if (!wanted || !sources.some((s) => s.path === '-')) return wanted;
  if (opts.processTrees) throw new CliError('--process-trees reads the inputs twice: give files, not stdin');
  if (!opts.quiet) printErr('lolhunt: no process trees in the report: stdin cannot be read a second time (give files)\n');
  return false;
}

/** Terminal width for the table: the terminal's, else $COLUMNS, else the table's default. */
function tableColumns(): { columns?: number } {
  if (process.stdout.isTTY && process.stdout.columns) return { columns: process.stdout.columns };
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? { columns: env } : {};
}

/** What reports say about the run besides the alerts. */
function runInfo(paths: string[], ruleSet: RuleSet | undefined): RunInfo {
  return {
    version: version(), inputs: paths,
    ...(ruleSet ? { ruleSet: { paths: ruleSet.paths.map((p) => (p === builtinRulesDir() ? '(built-in)' : p)), loaded: ruleSet.loaded, deprecated: ruleSet.deprecated, buildingBlocks: ruleSet.buildingBlocks, filtered: ruleSet.filtered, rules: ruleSet.rules.map((r) => r.meta) } } : {}),
  };
}

/** Scan options from --host, --from/--to and the progress line (stderr on a terminal, not with -q). */
function scanFilters(opts: HuntOptions, sources: InputSource[]) {
  const progress = !opts.quiet && process.stderr.isTTY ? createProgress(process.stderr, { bytes: totalBytes(sources), files: sources.length }) : undefined;
  return {
    progress,
    options: {
      categoryField: opts.categoryField,
      ...(opts.hosts.length ? { hosts: opts.hosts } : {}),
      ...(opts.from || opts.to ? { window: { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) } } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
    },
  };
}

function reportUnfiltered(names: string[]): void {
  if (!names.length) return void printErr('lolhunt: prefilter: every rule step has literals to search for\n');
  printErr(`lolhunt: prefilter: ${names.length} rule${names.length === 1 ? ' has a step' : 's have steps'} with no literal to search for (evaluated on every line; --prefilter skip skips nothing):\n`);
  for (const n of names) printErr(safe`  ${n}\n`);
}

function totalBytes(sources: InputSource[]): number {
  let n = 0;
  for (const s of sources) {
    if (s.path === '-') continue;
    try {
      n += fs.statSync(s.path).size;
    } catch {
      // Unreadable files are reported by the scan.
    }
  }
  return n;
}

/** The stderr report: the full summary, or with -q only file-level errors. */
function reportSummary(summary: ScanSummary, opts: HuntOptions, run: RunInfo): void {
  const color = useColor({ flag: opts.color, stream: process.stderr, env: process.env });
  if (!opts.quiet) {
    printPrepared('err', formatSummary(summary, { color, verbose: opts.verbose, run, timeZone: opts.tz }) + '\n');
  } else {
    for (const p of summary.problems) if (p.kind === 'file') printErr(`lolhunt: ${formatProblem(p)}\n`);
  }
}

/**
 * Reads the given paths, runs the queries and writes the results. Output to a file is
 * written to a temporary file first and renamed at the end, so a failed run never
 * leaves a half-written report over a good one.
 */
export async function hunt(
  paths: string[], queries: ScanQuery[], opts: HuntOptions, compile: PortableCompile,
  extra: { fields?: FieldCheck; ruleSet?: RuleSet } = {},
): Promise<ExitCode> {
  const { fields, ruleSet } = extra;
  if (!validTimeZone(opts.tz)) throw new CliError(`unknown time zone '${opts.tz}' (use an IANA name such as Europe/Berlin, or UTC)`);
  const run = runInfo(paths, ruleSet);
  const inputs = paths.length ? paths : ['-'];
  if (inputs.length === 1 && inputs[0] === '-' && process.stdin.isTTY) {
    throw new CliError('no input: give files or directories to scan, or pipe NDJSON to stdin (see --help)');
  }
  const discovery = await discoverInputs(inputs);
  for (const s of discovery.sources) {
    if (s.path === '-') noteStdin();
    else noteRead(s.archive ? 'an input archive' : 'an input file', s.archive ? s.archive.file : s.path);
  }
  for (const folder of discovery.folders) noteRead('a folder being scanned', folder);
  if (opts.output !== undefined) checkOutputTarget('-o', opts.output);
  const format = pickFormat(opts);
  const sink = opts.output === undefined ? stdoutSink() : fileSink('-o', opts.output);
  const outColor = opts.output === undefined && useColor({ flag: opts.color, stream: process.stdout, env: process.env });
  const writer = createWriter(format, sink.stream, {
    color: outColor,
    ...(opts.columns !== undefined ? { columns: opts.columns } : opts.output === undefined ? tableColumns() : {}),
    lookup: ecsLookup(opts.normalize), timeZone: opts.tz, wide: opts.wide, run, spool: fileSpool, pathBase: commonFolder(inputs),
  });
  const filters = scanFilters(opts, discovery.sources);
  const trees = wantsTrees(format, opts, discovery.sources) ? new TreeStage(fileSpool(), {
    maxLineBytes: opts.maxLineBytes, normalize: opts.normalize, timestampField: opts.timestampField, categoryField: opts.categoryField, maxProcesses: opts.maxProcesses,
  }) : undefined;
  const toWriter = (a: ReportedAlert) => {
    writer.write(a);
    return sink.stream.writableNeedDrain ? once(sink.stream, 'drain').then(() => {}) : undefined;
  };

  let result: Awaited<ReturnType<typeof scan>>;
  let failing = false;
  let written = 0;
  try {
    result = await scan({
      sources: discovery.sources, queries,
      maxLineBytes: opts.maxLineBytes,
      maxMemory: opts.maxMemory,
      maxPending: opts.maxPending,
      threads: opts.threads === 'auto' ? autoThreads(discovery.sources, queries.length) : opts.threads,
      compile,
      timestampField: opts.timestampField,
      ...(opts.tiebreakerField === undefined ? {} : { tiebreakerField: opts.tiebreakerField }),
      discoveryProblems: discovery.problems.map((p) => ({ kind: 'file', file: p.file, reason: p.reason })),
      normalize: opts.normalize,
      prefilter: opts.prefilter,
      ...(opts.verbose && !opts.quiet ? { onPrefilter: reportUnfiltered } : {}),
      skippedFiles: discovery.skipped,
      ...(fields && !opts.quiet ? { watchFields: fields.fields } : {}),
      ...filters.options,
      // Each alert goes to the writer as soon as it is final, waiting for the sink to drain; or waits for its tree.
      onAlert: (a) => {
        if (!written++) filters.progress?.done();
        if (!failing && fails(a, opts.failOn)) failing = true;
        return trees ? trees.hold(a) : toWriter(a);
      },
    });
    filters.progress?.done();
    if (trees) {
      const pass = await trees.release(discovery.sources, toWriter);
      if (pass.dropped) printErr(`lolhunt: process trees: the index was full: ${pass.dropped} process starts past the first ${pass.processes} left out (--max-processes); trees may miss processes\n`);
      if (opts.verbose && !opts.quiet) printErr(`process trees: ${pass.documents} documents read again in ${(pass.ms / 1000).toFixed(2)}s, ${pass.processes} process starts indexed\n`);
    }
    await writer.end(result.summary);
    await sink.commit();
  } catch (err) {
    filters.progress?.done();
    // A write error (disk full) is an output error, exit 4, whatever surfaced it first.
    sink.abort();
    throw sink.failure() ?? err;
  }
  const { summary } = result;
  if (!opts.quiet) for (const w of fields ? fieldWarnings(fields, result.absentFields ?? [], summary.events, opts.verbose) : []) printErr(`${w}\n`);
  reportSummary(summary, opts, run);
  if (summary.events === 0) {
    // A CI job must not pass on nothing: an empty export is an input problem, whatever --strict says.
    const why = summary.badLines + summary.fileErrors > 0 ? ` (${summary.badLines} bad lines, ${summary.fileErrors} file errors)` : '';
    printErr(`lolhunt: nothing scanned: 0 events in ${summary.files} input${summary.files === 1 ? '' : 's'}${why}\n`);
    return EXIT.INPUT;
  }
  if (summary.fileErrors > 0 || (opts.strict && summary.badLines > 0)) {
    // Exit 3 names the alerts found all the same, -q or not: input trouble never hides them.
    printErr(`lolhunt: ${formatInputTrouble(summary)}\n`);
    return EXIT.INPUT;
  }
  return failing ? EXIT.MATCHES : EXIT.OK;
}

/** Reads an alert event's field through the same ECS view the rules saw (flat Sysmon's `Image` as `process.name`). */
function ecsLookup(normalize: boolean): (doc: unknown, path: string) => unknown {
  const normalizer = new Normalizer(normalize);
  // Writers ask for several fields of each event: map each document once.
  const views = new WeakMap<object, EventView>();
  return (doc, path) => {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
    let view = views.get(doc);
    if (!view) views.set(doc, (view = normalizer.normalize(doc as Record<string, unknown>).view));
    return view.get(path);
  };
}

export { DEFAULT_MAX_LINE_BYTES };
