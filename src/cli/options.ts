import { Command, InvalidArgumentError, Option } from 'commander';
import { compileOptionsOf, DEFAULT_MAX_PENDING, DEFAULT_ORDER_BUDGET, type PortableCompile, type PortableFieldType, type PrefilterMode, type TimeBound } from '../engine/index.js';
import type { CompileOptions } from '../eql/index.js';
import { readMappingFile } from './mapping.js';
import { FORMATS } from '../output/index.js';
import { SEVERITIES, type RuleSelection, type Severity } from '../rules/index.js';
import { DEFAULT_MAX_PROCESSES } from '../tree/index.js';
import { DEFAULT_MAX_LINE_BYTES, FAIL_ON_CHOICES, type HuntOptions } from './hunt.js';
import { parseTimeBound } from './window.js';
import { PLACEHOLDERS_HELP, PLACEHOLDERS_OPTION } from './sigma-placeholders.js';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/** `--threads`: a positive whole number or `auto`. */
function threadCount(value: string): number | 'auto' {
  return value === 'auto' ? value : positiveInt(value);
}

/** Commander collector for an option that may be given several times. */
export function repeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Where rules come from: one path per --rules, repeatable (never variadic: `--rules DIR logs/` must scan logs/). */
export function addRulesPathOption(cmd: Command): Command {
  return cmd.option('-r, --rules <path>', 'rule file or folder (Elastic detection-rules TOML, Sigma YAML) instead of the built-in rules; repeatable', repeatable)
    .option(PLACEHOLDERS_OPTION, PLACEHOLDERS_HELP);
}

/** Rule selection, shared by scan and rules list. */
export function addRuleSelectionOptions(cmd: Command): Command {
  return addRulesPathOption(cmd)
    .option('--rule <id|name-glob>', "run only rules with this id, file name or name glob ('*Certutil*'); repeatable", repeatable)
    .option('--exclude-rule <id|name-glob>', 'leave out rules with this id, file name or name glob; repeatable', repeatable)
    .addOption(new Option('--min-severity <level>', 'only rules at or above this severity').choices(SEVERITIES))
    .option('--tag <glob>', "only rules with a matching tag ('OS: Windows', 'Tactic: *'); repeatable", repeatable)
    .option('--tactic <id|name>', 'only rules mapped to this ATT&CK tactic (TA0005); repeatable', repeatable)
    .option('--technique <id>', 'only rules mapped to this ATT&CK technique (T1218 includes T1218.011); repeatable', repeatable)
    .option('--os <name>', "only rules tagged for this OS ('OS: Windows' tags): windows, linux, macos; repeatable", repeatable)
    .option('--include-deprecated', 'also run rules whose [metadata] maturity is "deprecated"', false)
    .option('--building-blocks', 'also run building-block rules (building_block_type; Kibana hides their alerts by default); their alerts are marked', false);
}

/** Commander's parsed selection options. */
export function ruleSelection(o: Record<string, unknown>): RuleSelection {
  const list = (v: unknown) => (v as string[] | undefined) ?? [];
  return {
    include: list(o.rule), exclude: list(o.excludeRule),
    ...(o.minSeverity === undefined ? {} : { minSeverity: o.minSeverity as Severity }),
    tags: list(o.tag), tactics: list(o.tactic), techniques: list(o.technique), os: list(o.os),
    includeDeprecated: o.includeDeprecated === true,
    includeBuildingBlocks: o.buildingBlocks === true,
  };
}

/** The options every telemetry-reading command shares (scan, query). */
export function addHuntOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, ndjson otherwise)').choices(FORMATS))
    .option('-o, --output <file>', 'write results to FILE (atomically) instead of stdout; the format follows its extension (.csv .html .json .ndjson .md) unless --format is given')
    .addOption(new Option('--fail-on <level>', 'exit 1 when an alert at or above this severity is found').choices(FAIL_ON_CHOICES).default('low'))
    .option('--timestamp-field <field>', 'field holding the event time', '@timestamp')
    .option('--event-category-field <field>', 'field holding the event category (process where ...)', 'event.category')
    .option('--tiebreaker-field <field>', 'field that orders events with equal timestamps (before file order and line)')
    .option('--mapping <file>', 'field types from an Elasticsearch mapping (GET <index>/_mapping): version, date formats, ip, keyword/text')
    .option('--max-line-bytes <n>', 'skip (and report) lines longer than this', positiveInt, DEFAULT_MAX_LINE_BYTES)
    .option('--max-memory <MiB>', 'memory for ordering events before they spill to temporary files', positiveInt, DEFAULT_ORDER_BUDGET / 2 ** 20)
    .option('--max-pending <n>', 'join keys with open partial sequences kept per rule; past it the oldest are dropped, with a warning', positiveInt, DEFAULT_MAX_PENDING)
    .option('--threads <n>', 'threads reading and matching: a number, or auto (by work: 1 below 512 MiB of text with a few rules, below 256 MiB with a few hundred or more, gzip counted uncompressed; else up to 4 of the cores); the results are the same for any number', threadCount, 'auto')
    .option('--from <time>', 'only events at or after TIME: ISO-8601, a span before the newest event (24h, 7d), or now-24h', (v: string) => parseTimeBound(v))
    .option('--to <time>', 'only events at or before TIME (same forms as --from)', (v: string) => parseTimeBound(v))
    .option('--host <glob>', "only events of hosts matching GLOB (host.name, else host.hostname; case-insensitive); repeatable", repeatable)
    .option('--tz <zone>', 'time zone for displayed times (table, markdown, html), e.g. Europe/Berlin; ndjson/json/csv stay UTC', 'UTC')
    .option('--wide', 'table: every column in full, even wider than the terminal', false)
    .option('--columns <n>', 'table: fit this many columns (at least 80), whatever the terminal is', positiveInt)
    .option('--strict', 'exit 3 when any line had to be skipped', false)
    .addOption(new Option('--prefilter <mode>', 'search rule literals in raw lines first: tag (evaluate only the steps whose literals a line holds), skip (also leave lines no rule can match unparsed; they are neither validated nor seen by coverage warnings), off (measured fastest)').choices(['tag', 'skip', 'off']).default('off'))
    .option('-q, --quiet', 'no summary or progress on stderr, only errors (exit 3 still names the alert counts)', false)
    .option('-v, --verbose', 'per-input counts and shapes, skipped files and every coverage warning in the summary', false)
    .option('--no-normalize', 'read documents as they are: no mapping of Windows event-log shapes to ECS')
    .option('--process-trees', "add each alert's process tree (ancestry, children, its events) to json and ndjson: one more pass over the inputs; html reports have them unless --no-process-trees")
    .option('--no-process-trees', 'html: leave the process trees out (no second pass)')
    .option('--max-processes <n>', 'process starts a tree pass indexes at most (bounded memory); past it, a warning', positiveInt, DEFAULT_MAX_PROCESSES)
    .option('--color', 'force colours')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)');
}

/**
 * How queries are compiled for these options: the category field, the field types of
 * --mapping, and the timestamp field compared as a date (unless the mapping says how); in
 * the form worker threads take (engine/threads/pool.ts).
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
    maxPending: Number(o.maxPending),
    threads: o.threads === 'auto' ? 'auto' : Number(o.threads),
    timestampField: String(o.timestampField),
    categoryField: String(o.eventCategoryField),
    ...(o.tiebreakerField === undefined ? {} : { tiebreakerField: String(o.tiebreakerField) }),
    ...(o.mapping === undefined ? {} : { mapping: String(o.mapping) }),
    ...(o.from === undefined ? {} : { from: o.from as TimeBound }),
    ...(o.to === undefined ? {} : { to: o.to as TimeBound }),
    hosts: (o.host as string[] | undefined) ?? [],
    tz: String(o.tz),
    wide: o.wide === true,
    ...(o.columns === undefined ? {} : { columns: Number(o.columns) }),
    strict: o.strict === true,
    prefilter: o.prefilter as PrefilterMode,
    quiet: o.quiet === true,
    verbose: o.verbose === true,
    normalize: o.normalize !== false,
    ...(o.processTrees === undefined ? {} : { processTrees: o.processTrees === true }),
    maxProcesses: Number(o.maxProcesses),
    ...(o.color === undefined ? {} : { color: o.color === true }),
  };
}
