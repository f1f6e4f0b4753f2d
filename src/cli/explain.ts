import { Command, InvalidArgumentError } from 'commander';
import { explain, type Explanation, type SequenceStop } from '../engine/index.js';
import { discoverInputs } from '../input/index.js';
import { escapeControl, formatProblem } from '../output/index.js';
import { builtinRulesDir } from '../rules/index.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { DEFAULT_MAX_LINE_BYTES } from './hunt.js';
import { compileOptions } from './options.js';
import { findRule } from './rule-lookup.js';
import { loadRulesOrFail } from './rules-loading.js';

const EXAMPLES = `
For one join key (--key, once per key field) every step's events of that key: the ones that
satisfy it, and the near misses of the step's category with the first condition they failed
and the values they held; then where the sequence stopped (order, maxspan or until).
For an event rule, --event FILE:LINE explains that one event.

Examples:
  $ lolhunt explain 'Network Connection via Certutil' --key e3-neg-private samples/network-connection-via-certutil/
  $ lolhunt explain network-connection-via-signed-binary --key e1-neg-before samples/
  $ lolhunt explain regsvr32-scrobj --rules test/fixtures/rule-repo/rules/ --event test/fixtures/rule-repo/rules/regsvr32-scrobj.negative.ndjson:1 test/fixtures/rule-repo/rules/

Exit codes: 0 explained, 2 usage or rule error, 3 input problems.`;

function fileLine(value: string): { file: string; line: number } {
  const m = /^(.*):(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1) throw new InvalidArgumentError('must be FILE:LINE');
  return { file: m[1]!, line: Number(m[2]) };
}

export function explainCommand(done: (code: ExitCode) => void): Command {
  return new Command('explain')
    .description('explain why a rule did (not) fire for one join key or one event')
    .argument('<rule>', 'rule id, name, or file name without .toml')
    .argument('[paths...]', "files, directories, quoted globs, or '-' for stdin")
    .option('-k, --key <value>', 'join key value; repeat it for a rule that joins on several fields', (v: string, prev: string[] = []) => [...prev, v])
    .option('-e, --event <file:line>', 'one event to explain (event rules, or any step)', fileLine)
    .option('-r, --rules <path>', 'a rule file or folder instead of the built-in rules (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--timestamp-field <field>', 'field holding the event time', '@timestamp')
    .option('--event-category-field <field>', 'field holding the event category', 'event.category')
    .option('--tiebreaker-field <field>', 'field that orders events with equal timestamps')
    .addHelpText('after', EXAMPLES)
    .action(async (wanted: string, paths: string[], o: Record<string, unknown>) => {
      const fields = { timestampField: String(o.timestampField), categoryField: String(o.eventCategoryField) };
      const compile = compileOptions(fields);
      const rule = findRule(await loadRulesOrFail((o.rules as string[] | undefined) ?? [builtinRulesDir()], { quiet: true, compile }), wanted);
      const key = o.key as string[] | undefined;
      const event = o.event as { file: string; line: number } | undefined;
      if ((key === undefined) === (event === undefined)) throw new CliError('give either --key VALUE (sequence and sample rules) or --event FILE:LINE');
      if (key && rule.compiled.type === 'event') throw new CliError(`'${rule.meta.name}' is an event rule and has no join key: use --event FILE:LINE`);
      const keyCount = rule.compiled.steps[0]!.optionalKeys.length;
      if (key && key.length !== keyCount) throw new CliError(`'${rule.meta.name}' joins on ${keyCount} field${keyCount === 1 ? '' : 's'}: give ${keyCount} value${keyCount === 1 ? '' : 's'} to --key`);
      if (paths.length === 0 && process.stdin.isTTY) throw new CliError('no input: give files or directories, or pipe NDJSON to stdin');
      const { sources, problems } = await discoverInputs(paths.length ? paths : ['-']);
      for (const p of problems) process.stderr.write(`lolhunt: ${formatProblem({ kind: 'file', ...p })}\n`);
      const result = await explain({
        sources, query: rule.compiled, name: rule.meta.name, compile,
        ...(key ? { key } : {}), ...(event ? { event } : {}),
        maxLineBytes: DEFAULT_MAX_LINE_BYTES, timestampField: fields.timestampField,
        ...(o.tiebreakerField === undefined ? {} : { tiebreakerField: String(o.tiebreakerField) }),
      });
      const subject = { text: key ? `key ${key.join(', ')}` : `${event!.file}:${event!.line}`, byKey: key !== undefined };
      process.stdout.write(formatExplanation(rule.meta.name, subject, result));
      for (const p of result.summary.problems) process.stderr.write(`lolhunt: ${formatProblem(p)}\n`);
      done(problems.length || result.summary.fileErrors ? EXIT.INPUT : EXIT.OK);
    });
}

const MAX_LISTED = 20;
const value = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

function duration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms >= 1000 ? `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s` : `${ms}ms`;
}

function stopLine(s: SequenceStop): string {
  const at = (e: { file: string; line: number }) => `${e.file}:${e.line}`;
  switch (s.kind) {
    case 'order':
      return `order: ${at(s.event)} satisfies step ${s.step}, but no sequence of this key was waiting for it` +
        (s.earlier ? ` (step ${s.step - 1} came later, at ${at(s.earlier)} ${s.earlier.timestamp})` : '');
    case 'maxspan':
      return `maxspan: ${at(s.event)} satisfies step ${s.step} at ${s.event.timestamp}, but the sequence began at ${at(s.first)} ${s.first.timestamp}, more than maxspan=${duration(s.maxspanMs)} before`;
    case 'until':
      return `until: ${at(s.event)} matched the until condition and ended the open sequence (last event ${s.open.map(at).join(', ')})`;
  }
}

/** The explanation as text: a heading, each step with its events, then the verdict. */
export function formatExplanation(name: string, subject: { text: string; byKey: boolean }, x: Explanation): string {
  const out: string[] = [];
  const alerts = x.alerts.length;
  out.push(`${name}, ${subject.text}: ${alerts ? `${alerts} alert${alerts === 1 ? '' : 's'}` : 'no alert'} (${x.summary.events} event${x.summary.events === 1 ? '' : 's'} read)`);
  if (x.examined === 0) {
    out.push(subject.byKey ? 'no event carries this key' : 'no event at that file and line');
    return `${out.map(escapeControl).join('\n')}\n`;
  }
  for (const s of x.steps) {
    out.push(`${s.kind === 'until' ? 'until' : `step ${s.index}${s.kind === 'missing' ? ' (missing event)' : ''}`}: ${s.text}`);
    for (const m of s.matches.slice(0, MAX_LISTED)) out.push(`  match      ${m.file}:${m.line}  ${m.timestamp}`);
    for (const m of s.nearMisses.slice(0, MAX_LISTED)) {
      out.push(`  near miss  ${m.file}:${m.line}  ${m.timestamp}`);
      out.push(`             failed: ${m.failure.condition}`);
      out.push(`             saw:    ${m.failure.values.map((v) => `${v.field} = ${value(v.value)}`).join(', ')}`);
    }
    const hidden = Math.max(0, s.matches.length - MAX_LISTED) + Math.max(0, s.nearMisses.length - MAX_LISTED);
    if (hidden) out.push(`  … and ${hidden} more`);
    if (s.matches.length === 0 && s.nearMisses.length === 0) out.push('  no event of this category');
    if (s.otherCategory) out.push(`  (${s.otherCategory} event${s.otherCategory === 1 ? '' : 's'} of other categories)`);
  }
  for (const s of x.stops) out.push(stopLine(s));
  if (alerts) {
    for (const a of x.alerts) out.push(`alert: ${a.events.filter((e) => !e.missing).map((e) => `${e.file}:${e.line}`).join(' -> ')}`);
  } else if (subject.byKey) {
    const missingStep = x.steps.find((s) => s.kind === 'step' && s.matches.length === 0);
    if (missingStep) out.push(`stopped at step ${missingStep.index}: no event of this key satisfies it`);
  }
  return `${out.map(escapeControl).join('\n')}\n`;
}
