import { Command, InvalidArgumentError, Option } from 'commander';
import type { CompileOptions } from '../eql/index.js';
import { parseDate } from '../normalize/index.js';
import { FORMATS } from '../output/index.js';
import { DEFAULT_MAX_LINE_BYTES, FAIL_ON_CHOICES, type HuntOptions } from './hunt.js';

function positiveInt(value: string): number {
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
    .option('--max-line-bytes <n>', 'skip (and report) lines longer than this', positiveInt, DEFAULT_MAX_LINE_BYTES)
    .option('--strict', 'exit 3 when any line had to be skipped', false)
    .option('-q, --quiet', 'no summary on stderr (errors are still shown)', false)
    .option('--color', 'force colours')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)');
}

/** How queries are compiled for these options: the category field, and the timestamp field compared as a date. */
export function compileOptions(opts: Pick<HuntOptions, 'categoryField' | 'timestampField'>): CompileOptions {
  return { categoryField: opts.categoryField, dates: { fields: [opts.timestampField], parse: parseDate } };
}

/** Commander's parsed options as HuntOptions. */
export function huntOptions(o: Record<string, unknown>): HuntOptions {
  return {
    ...(o.format === undefined ? {} : { format: String(o.format) }),
    ...(o.output === undefined ? {} : { output: String(o.output) }),
    failOn: String(o.failOn),
    maxLineBytes: o.maxLineBytes as number,
    timestampField: String(o.timestampField),
    categoryField: String(o.eventCategoryField),
    ...(o.tiebreakerField === undefined ? {} : { tiebreakerField: String(o.tiebreakerField) }),
    strict: o.strict === true,
    quiet: o.quiet === true,
    ...(o.color === undefined ? {} : { color: o.color as boolean }),
  };
}
