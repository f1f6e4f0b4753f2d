import { Command, InvalidArgumentError, Option } from 'commander';
import { compileOptionsOf, DEFAULT_ORDER_BUDGET, defaultThreads, type PortableCompile, type PortableFieldType, type PrefilterMode } from '../engine/index.js';
import type { CompileOptions } from '../eql/index.js';
import { readMappingFile } from './mapping.js';
import { FORMATS } from '../output/index.js';
import { DEFAULT_MAX_LINE_BYTES, FAIL_ON_CHOICES, type HuntOptions } from './hunt.js';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/** The options every telemetry-reading command shares (scan, query). */
export function addHuntOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, ndjson otherwise)').choices(FORMATS))
    .option('-o, --output <file>', 'write results to FILE (atomically) instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 when an alert at or above this severity is found').choices(FAIL_ON_CHOICES).default('low'))
    .option('--timestamp-field <field>', 'field holding the event time', '@timestamp')
    .option('--event-category-field <field>', 'field holding the event category (process where ...)', 'event.category')
    .option('--tiebreaker-field <field>', 'field that orders events with equal timestamps (before file order and line)')
    .option('--mapping <file>', 'field types from an Elasticsearch mapping (GET <index>/_mapping): version, date formats, ip, keyword/text')
    .option('--max-line-bytes <n>', 'skip (and report) lines longer than this', positiveInt, DEFAULT_MAX_LINE_BYTES)
    .option('--max-memory <MiB>', 'memory for ordering events before they spill to temporary files', positiveInt, DEFAULT_ORDER_BUDGET / 2 ** 20)
    .option('--threads <n>', 'worker threads reading and matching (default: one per core); results are the same for any number', positiveInt, defaultThreads())
    .option('--strict', 'exit 3 when any line had to be skipped', false)
    .addOption(new Option('--prefilter <mode>', 'search rule literals in raw lines first: tag (evaluate only the steps whose literals a line holds), skip (also leave lines no rule can match unparsed; they are neither validated nor seen by coverage warnings), off (measured fastest)').choices(['tag', 'skip', 'off']).default('off'))
    .option('-q, --quiet', 'no summary on stderr (errors are still shown)', false)
    .option('-v, --verbose', 'per-input counts and shapes, skipped files, every coverage warning, and rules the prefilter cannot narrow', false)
    .option('--no-normalize', 'read documents as they are: no mapping of Windows event-log shapes to ECS')
    .option('--color', 'force colours')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)');
}

/**
 * How queries are compiled for these options: the category field, the field types of
 * --mapping, and the timestamp field compared as a date (unless the mapping says how); in
 * the form worker threads take (engine/pool.ts).
 */
export function portableCompile(opts: Pick<HuntOptions, 'categoryField' | 'timestampField' | 'mapping'>): PortableCompile {
  const fieldTypes = opts.mapping === undefined ? new Map<string, PortableFieldType>() : readMappingFile(opts.mapping);
  if (fieldTypes.get(opts.timestampField)?.type !== 'date') fieldTypes.set(opts.timestampField, { type: 'date', format: null });
  return { categoryField: opts.categoryField, fieldTypes: [...fieldTypes] };
}

/** The same, as compile options. */
export function compileOptions(opts: Pick<HuntOptions, 'categoryField' | 'timestampField' | 'mapping'>): CompileOptions {
  return compileOptionsOf(portableCompile(opts));
}

/** Commander's parsed options as HuntOptions. */
export function huntOptions(o: Record<string, unknown>): HuntOptions {
  return {
    ...(o.format === undefined ? {} : { format: String(o.format) }),
    ...(o.output === undefined ? {} : { output: String(o.output) }),
    failOn: String(o.failOn),
    maxLineBytes: Number(o.maxLineBytes),
    maxMemory: Number(o.maxMemory) * 2 ** 20,
    threads: Number(o.threads),
    timestampField: String(o.timestampField),
    categoryField: String(o.eventCategoryField),
    ...(o.tiebreakerField === undefined ? {} : { tiebreakerField: String(o.tiebreakerField) }),
    ...(o.mapping === undefined ? {} : { mapping: String(o.mapping) }),
    strict: o.strict === true,
    prefilter: o.prefilter as PrefilterMode,
    quiet: o.quiet === true,
    verbose: o.verbose === true,
    normalize: o.normalize !== false,
    ...(o.color === undefined ? {} : { color: o.color === true }),
  };
}
