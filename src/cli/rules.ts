import { Command } from 'commander';
import { loadRuleFile, RuleError, type Rule } from '../rules/index.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { addRulesPathOption, addRuleSelectionOptions, ruleSelection } from './options.js';
import { findRuleFiles, loadRulesOrFail, loadSelectedRules, ruleSource } from './rules-loading.js';
import { didYouMean } from './suggest.js';

const EXAMPLES = `
Examples:
  $ lolhunt rules list                               # the built-in rules
  $ lolhunt rules list --rules ~/detection-rules/rules/windows/ --technique T1218
  $ lolhunt rules list --os macos --min-severity high
  $ lolhunt rules show 'Network Connection via Certutil'
  $ lolhunt rules validate my-rules/                 # parse and check, no data needed (exit 2 on any error)`;

export function rulesCommand(done: (code: ExitCode) => void): Command {
  const cmd = new Command('rules').description('list, show and validate detection rules').addHelpText('after', EXAMPLES);

  addRuleSelectionOptions(cmd.command('list').description('list rules: id, severity, risk score, name (the selection options of scan apply)'))
    .action(async (o: Record<string, unknown>) => {
      for (const r of (await loadSelectedRules(ruleSource(o), ruleSelection(o), { quiet: false })).rules) {
        process.stdout.write(`${r.meta.id}  ${r.meta.severity.padEnd(8)} ${String(r.meta.riskScore).padStart(3)}  ${r.meta.name}\n`);
      }
      done(EXIT.OK);
    });

  addRulesPathOption(cmd.command('show')
    .description('show one rule (by id, name, or file name) with its query')
    .argument('<rule>', 'rule id, exact name, or file name without .toml'))
    .action(async (wanted: string, o: Record<string, unknown>) => {
      const rules = await loadRulesOrFail(ruleSource(o), { quiet: true });
      const rule = rules.find((r) => r.meta.id === wanted || r.meta.name.toLowerCase() === wanted.toLowerCase() || fileStem(r) === wanted);
      if (!rule) {
        const hint = didYouMean(wanted, rules.flatMap((r) => [r.meta.name, fileStem(r)])) || ' (see lolhunt rules list)';
        throw new CliError(`no rule '${wanted}'${hint}`);
      }
      const threat = rule.meta.threat.flatMap((t) => [
        `${t.tactic.id} ${t.tactic.name}`,
        ...(t.technique ?? []).map((x) => `  ${x.id} ${x.name}${x.subtechnique?.length ? ` (${x.subtechnique.map((s) => s.id).join(', ')})` : ''}`),
      ]);
      process.stdout.write([
        `name:        ${rule.meta.name}`,
        `id:          ${rule.meta.id}`,
        `severity:    ${rule.meta.severity} (risk ${rule.meta.riskScore})`,
        ...(rule.meta.maturity ? [`maturity:    ${rule.meta.maturity}`] : []),
        ...(rule.meta.tags.length ? [`tags:        ${rule.meta.tags.join(', ')}`] : []),
        `file:        ${rule.path}`,
        `index:       ${rule.index.join(', ')}`,
        `ATT&CK:      ${threat.join('\n             ')}`,
        `description: ${rule.description.trim().replace(/\s*\n\s*/g, ' ')}`,
        'query:',
        rule.query.trim().split('\n').map((l) => `  ${l}`).join('\n'),
        '',
      ].join('\n'));
      done(EXIT.OK);
    });

  cmd.command('validate')
    .description('parse and check rule files without reading any data')
    .argument('<paths...>', 'rule files or folders')
    .action(async (paths: string[]) => done(await validate(paths)));

  return cmd;
}

function fileStem(r: Rule): string {
  return r.path.replace(/^.*[\\/]/, '').replace(/\.toml$/, '');
}

/** Checks every file; prints one line per problem and a count. Exit 2 on any error. */
async function validate(paths: string[]): Promise<ExitCode> {
  const { files, errors } = await findRuleFiles(paths);
  let ok = 0;
  let skipped = 0;
  for (const file of files) {
    try {
      const outcome = loadRuleFile(file);
      if ('rule' in outcome) ok++;
      else {
        skipped++;
        process.stderr.write(`skipped ${file}: ${outcome.skipped}\n`);
      }
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      errors.push(err.excerpt ? `${err.message}\n${err.excerpt}` : err.message);
    }
  }
  for (const e of errors) process.stderr.write(`error: ${e}\n`);
  process.stdout.write(`${ok} valid, ${errors.length} invalid, ${skipped} skipped (not EQL)\n`);
  return errors.length ? EXIT.USAGE : EXIT.OK;
}
