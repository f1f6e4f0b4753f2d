import { Command, InvalidArgumentError } from 'commander';
import { explain } from '../engine/index.js';
import { discoverInputs } from '../input/index.js';
import { formatExplanation, formatProblem, safe } from '../output/index.js';
import { builtinRulesDir } from '../rules/index.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { DEFAULT_MAX_LINE_BYTES } from './hunt.js';
import { compileOptions } from './options.js';
import { printErr, printOut } from './print.js';
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
  $ lolhunt explain certutil-urlcache --rules test/fixtures/sigma/ --event test/fixtures/sigma/certutil-urlcache.negative.ndjson:1 test/fixtures/sigma/

Exit codes: 0 explained, 2 usage or rule error, 3 input problems.`;

function fileLine(value: string): { file: string; line: number } {
  const [, file, line] = /^(.*):(\d+)$/.exec(value) ?? [];
  if (file === undefined || !(Number(line) >= 1)) throw new InvalidArgumentError('must be FILE:LINE');
  return { file, line: Number(line) };
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
      const rule = findRule(await loadRulesOrFail((o.rules as string[] | undefined) ?? [builtinRulesDir()], { quiet: true, compile, inputs: paths }), wanted);
      const key = o.key as string[] | undefined;
      const event = o.event as { file: string; line: number } | undefined;
      if ((key === undefined) === (event === undefined)) throw new CliError('give either --key VALUE (sequence and sample rules) or --event FILE:LINE');
      if (key && rule.compiled.type === 'event') throw new CliError(safe`'${rule.meta.name}'` + ' is an event rule and has no join key: use --event FILE:LINE');
      const keyCount = rule.compiled.steps[0]?.optionalKeys.length ?? 0;
      if (key && key.length !== keyCount) throw new CliError(`${safe`'${rule.meta.name}'`} joins on ${keyCount} field${keyCount === 1 ? '' : 's'}: give ${keyCount} value${keyCount === 1 ? '' : 's'} to --key`);
      if (paths.length === 0 && process.stdin.isTTY) throw new CliError('no input: give files or directories, or pipe NDJSON to stdin');
      const { sources, problems } = await discoverInputs(paths.length ? paths : ['-']);
      for (const p of problems) printErr(`lolhunt: ${formatProblem({ kind: 'file', ...p })}\n`);
      const result = await explain({
        sources, query: rule.compiled, name: rule.meta.name, compile,
        ...(key ? { key } : {}), ...(event ? { event } : {}),
        maxLineBytes: DEFAULT_MAX_LINE_BYTES, timestampField: fields.timestampField,
        ...(o.tiebreakerField === undefined ? {} : { tiebreakerField: String(o.tiebreakerField) }),
      });
      const subject = { text: key ? `key ${key.join(', ')}` : `${event!.file}:${event!.line}`, byKey: key !== undefined };
      printOut(formatExplanation(rule.meta.name, subject, result));
      for (const p of result.summary.problems) printErr(`lolhunt: ${formatProblem(p)}\n`);
      done(problems.length || result.summary.fileErrors ? EXIT.INPUT : EXIT.OK);
    });
}
