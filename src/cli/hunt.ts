import { once } from 'node:events';
import path from 'node:path';
import { scan, type Alert, type PortableCompile, type PrefilterMode, type ScanQuery } from '../engine/index.js';
import { DEFAULT_MAX_LINE_BYTES, discoverInputs } from '../input/index.js';
import { getField } from '../normalize/index.js';
import { createWriter, formatProblem, formatSummary, useColor, type FormatName, FORMATS } from '../output/index.js';
import { SEVERITIES } from '../rules/index.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { fieldWarnings, type FieldCheck } from './field-warnings.js';
import { checkOutputTarget, fileSink, stdoutSink } from './sinks.js';

/** Options shared by every command that reads telemetry. */
export interface HuntOptions {
  format?: string;
  output?: string;
  failOn: string;
  maxLineBytes: number;
  /** Bytes of candidates ordered in memory before spilling. */
  maxMemory: number;
  threads: number;
  timestampField: string;
  categoryField: string;
  tiebreakerField?: string;
  /** Elasticsearch mapping file giving field types. */
  mapping?: string;
  strict: boolean;
  /** The literal prefilter's mode. */
  prefilter: PrefilterMode;
  quiet: boolean;
  color?: boolean;
  /** Name every input's counts and every skipped file in the summary. */
  verbose: boolean;
  /** Map Windows event-log shapes to ECS (`--no-normalize` turns it off). */
  normalize: boolean;
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
  if (opts.output !== undefined) return path.extname(opts.output).toLowerCase() === '.json' ? 'json' : 'ndjson';
  return process.stdout.isTTY ? 'table' : 'ndjson';
}

/**
 * Reads the given paths, runs the queries and writes the results. Output to a file is
 * written to a temporary file first and renamed at the end, so a failed run never
 * leaves a half-written report over a good one.
 */
export async function hunt(paths: string[], queries: ScanQuery[], opts: HuntOptions, compile: PortableCompile, fields?: FieldCheck): Promise<ExitCode> {
  const format = pickFormat(opts);
  const inputs = paths.length ? paths : ['-'];
  if (inputs.length === 1 && inputs[0] === '-' && process.stdin.isTTY) {
    throw new CliError('no input: give files or directories to scan, or pipe NDJSON to stdin (see --help)');
  }
  const discovery = await discoverInputs(inputs);
  if (opts.output !== undefined) checkOutputTarget(opts.output, discovery);
  const sink = opts.output === undefined ? stdoutSink() : fileSink(opts.output);
  const stderrColor = useColor({ flag: opts.color, stream: process.stderr, env: process.env });
  const outColor = opts.output === undefined && useColor({ flag: opts.color, stream: process.stdout, env: process.env });
  const writer = createWriter(format, sink.stream, {
    color: outColor,
    ...(opts.output === undefined && process.stdout.columns ? { columns: process.stdout.columns } : {}),
    lookup: getField,
  });

  let result: Awaited<ReturnType<typeof scan>>;
  try {
    result = await scan({
      sources: discovery.sources, queries,
      maxLineBytes: opts.maxLineBytes,
      maxMemory: opts.maxMemory,
      threads: opts.threads,
      compile,
      timestampField: opts.timestampField,
      prefilter: opts.prefilter,
      ...(opts.verbose ? { onPrefilter: (names: string[]) => reportUnfiltered(names) } : {}),
      ...(opts.tiebreakerField === undefined ? {} : { tiebreakerField: opts.tiebreakerField }),
      discoveryProblems: discovery.problems.map((p) => ({ kind: 'file', file: p.file, reason: p.reason })),
      normalize: opts.normalize,
      categoryField: opts.categoryField,
      skippedFiles: discovery.skipped,
      ...(fields && !opts.quiet ? { watchFields: fields.fields } : {}),
    });
    for (const a of result.alerts) {
      writer.write(a);
      if (sink.stream.writableNeedDrain) await once(sink.stream, 'drain');
    }
    await writer.end(result.summary);
    await sink.commit();
  } catch (err) {
    sink.abort();
    throw err;
  }
  const { alerts, summary } = result;
  if (!opts.quiet) {
    for (const w of fields ? fieldWarnings(fields, result.absentFields ?? [], summary.events) : []) process.stderr.write(`${w}\n`);
    process.stderr.write(formatSummary(summary, { color: stderrColor, verbose: opts.verbose }) + '\n');
  } else {
    // -q keeps errors: file-level problems still reach stderr.
    for (const p of summary.problems) if (p.kind === 'file') process.stderr.write(`lolhunt: ${formatProblem(p)}\n`);
  }
  if (summary.events === 0) {
    // A CI job must not pass on nothing: an empty export is an input problem, whatever --strict says.
    const why = summary.badLines + summary.fileErrors > 0 ? ` (${summary.badLines} bad lines, ${summary.fileErrors} file errors)` : '';
    process.stderr.write(`lolhunt: nothing scanned: 0 events in ${summary.files} input${summary.files === 1 ? '' : 's'}${why}\n`);
    return EXIT.INPUT;
  }
  if (summary.fileErrors > 0 || (opts.strict && summary.badLines > 0)) return EXIT.INPUT;
  return alerts.some((a) => fails(a, opts.failOn)) ? EXIT.MATCHES : EXIT.OK;
}

function reportUnfiltered(names: string[]): void {
  if (!names.length) return void process.stderr.write('lolhunt: prefilter: every rule step has literals to search for\n');
  process.stderr.write(`lolhunt: prefilter: ${names.length} rule${names.length === 1 ? ' has a step' : 's have steps'} with no literal to search for (evaluated on every line; --prefilter skip skips nothing):\n`);
  for (const n of names) process.stderr.write(`  ${n}\n`);
}

export { DEFAULT_MAX_LINE_BYTES };
