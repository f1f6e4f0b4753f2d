import { Command } from 'commander';
import { clip, escapeControl, safe } from '../output/index.js';
import { builtinRulesDir, ECS_FIELDS, formatFinding, isSigmaPath, lintRuleFiles, loadRuleFile, RuleError, type Finding, type Rule } from '../rules/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { MAX_DIAGNOSTIC_LINE, printErr, printOut, ruleErrorText } from './print.js';
import { findRule } from './rule-lookup.js';
import { addRulesPathOption, addRuleSelectionOptions, ruleSelection } from './options.js';
import { findRuleFiles, loadRulesOrFail, loadSelectedRules, ruleFileOptions, ruleSource } from './rules-loading.js';
import { rulesTest } from './rules-test.js';
import { PLACEHOLDERS_HELP, PLACEHOLDERS_OPTION, placeholdersOf } from './sigma-placeholders.js';

const EXAMPLES = `
Examples:
  $ lolhunt rules list                               # the built-in rules
  $ lolhunt rules list --rules ~/detection-rules/rules/windows/ --technique T1218
  $ lolhunt rules list --os macos --min-severity high
  $ lolhunt rules show 'Network Connection via Certutil'
  $ lolhunt rules list --rules test/fixtures/sigma/       Sigma rules (.yml) load beside TOML
  $ lolhunt rules show 'Certutil Download via URLCache (Sigma)' --rules test/fixtures/sigma/
  $ lolhunt rules validate test/fixtures/sigma-placeholders/rules/ --sigma-placeholders test/fixtures/sigma-placeholders/placeholders.yml
  $ lolhunt rules validate rules/                    parse and check, no data needed (exit 2 on any error)
  $ lolhunt rules test                               run the built-in rules' fixtures
  $ lolhunt rules lint test/fixtures/rule-repo/rules/`;

const TEST_HELP = `
A rule's fixtures are NDJSON telemetry and the alerts it must and must not raise:
  - <rule>.positive.ndjson beside <rule>.toml must raise at least one alert,
    <rule>.negative.ndjson beside it none;
  - [[lolhunt.fixture]] tables in the rule's TOML name them by join key:
      [[lolhunt.fixture]]
      events = "fixtures/certutil.ndjson"    # or a list; relative to the rule file
      fire = ["proc-1"]                      # each key must raise an alert, no other key may
      silent = ["proc-2"]                    # near misses that must stay silent
      alerts = 1                             # optional: exact count (event rules have no key)
    A key of several fields is a list: fire = [["host-1", "4242"]].
A rule without fixtures is reported as "no fixtures", not as passing.

Examples:
  $ lolhunt rules test                                         the built-in rules, fixtures from samples/
  $ lolhunt rules test test/fixtures/rule-repo/rules/ --junit rules-test.xml
  $ lolhunt rules test test/fixtures/rule-repo/rules/ --require-fixtures
  $ lolhunt rules test test/fixtures/sigma/                    a Sigma rule with <rule>.positive/.negative.ndjson beside it
  $ lolhunt rules test test/fixtures/sigma-placeholders/rules/ --sigma-placeholders test/fixtures/sigma-placeholders/placeholders.yml

Exit codes: 0 every rule with fixtures passed, 1 a mismatch (or, with --require-fixtures,
            a rule without fixtures), 2 rule error or no rule has fixtures (nothing tested).`;

const LINT_HELP = `
Reports, as file:line:col: message, TOML and query errors, fields that are not in ECS
${ECS_FIELDS.version}, ':' on a numeric field, wildcards that can never match, duplicate rule ids,
and missing severity, risk_score or ATT&CK mapping ([[rule.threat]]).

For Sigma rules (.yml): YAML and Sigma errors, constructs lolhunt cannot run, duplicate ids,
no ATT&CK tag, and the checks above on the EQL the rule becomes (not unknown fields: Sigma
fields without an ECS name are read from winlog.event_data on purpose).

Examples:
  $ lolhunt rules lint rules/
  $ lolhunt rules lint test/fixtures/rule-repo/rules/
  $ lolhunt rules lint test/fixtures/sigma/

Exit codes: 0 nothing found, 1 findings, 2 no such file or directory.`;

export function rulesCommand(done: (code: ExitCode) => void): Command {
  const cmd = new Command('rules').description('list, show, validate, lint and test detection rules').addHelpText('after', EXAMPLES);

  addRuleSelectionOptions(cmd.command('list').description('list rules: id, severity, risk score, name (the selection options of scan apply)'))
    .action(async (o: Record<string, unknown>) => {
      for (const r of (await loadSelectedRules(ruleSource(o), ruleSelection(o), { quiet: false, placeholders: placeholdersOf(o) })).rules) {
        printOut(safe`${r.meta.id}  ${r.meta.severity.padEnd(8)} ${String(r.meta.riskScore).padStart(3)}  ${r.meta.name}\n`);
      }
      done(EXIT.OK);
    });

  addRulesPathOption(cmd.command('show')
    .description('show one rule (by id, name, or file name) with its query')
    .argument('<rule>', 'rule id, exact name, or file name without .toml'))
    .action(async (wanted: string, o: Record<string, unknown>) => {
      const rules = await loadRulesOrFail(ruleSource(o), { quiet: true, placeholders: placeholdersOf(o) });
      const rule = findRule(rules, wanted);
      const threat = rule.meta.threat.flatMap((t) => [
        t.tactic.id ? safe`${t.tactic.id} ${t.tactic.name}` : '(no tactic)',
        // Sigma tags carry no technique names: the id stands for the name.
        ...(t.technique ?? []).map((x) => safe`  ${x.id}` + (x.name === x.id ? '' : safe` ${x.name}`) + (x.subtechnique?.length ? safe` (${x.subtechnique.map((s) => s.id).join(', ')})` : '')),
      ]);
      printOut(showText(rule, threat));
      done(EXIT.OK);
    });

  cmd.command('validate')
    .description('parse and check rule files without reading any data')
    .argument('<paths...>', 'rule files or folders')
    .option(PLACEHOLDERS_OPTION, PLACEHOLDERS_HELP)
    .action(async (paths: string[], o: Record<string, unknown>) => done(await validate(paths, placeholdersOf(o))));

  cmd.command('test')
    .description("run each rule over its fixtures and check which alerts fire")
    .argument('[rules...]', 'rule files or folders (default: the built-in rules)')
    .option('--junit <file>', 'also write the results as JUnit XML to FILE')
    .option('--require-fixtures', 'a rule without fixtures fails the run', false)
    .option(PLACEHOLDERS_OPTION, PLACEHOLDERS_HELP)
    .addHelpText('after', TEST_HELP)
    .action(async (paths: string[], o: Record<string, unknown>) => {
      done(await rulesTest(paths.length ? paths : [builtinRulesDir()], {
        ...(o.junit === undefined ? {} : { junit: String(o.junit) }),
        requireFixtures: o.requireFixtures === true,
        placeholders: placeholdersOf(o),
      }));
    });

  cmd.command('lint')
    .description('find mistakes in rule files: unknown fields, dead wildcards, duplicate ids, missing metadata')
    .argument('[rules...]', 'rule files or folders (default: the built-in rules)')
    .addHelpText('after', LINT_HELP)
    .action(async (paths: string[]) => done(await lint(paths.length ? paths : [builtinRulesDir()])));

  return cmd;
}

/** `rules show`: every value from the rule file escaped (rule files are attacker-controlled). */
function showText(rule: Rule, threat: string[]): string {
  const sigma = rule.sigma;
  const ls = sigma ? Object.entries(sigma.logsource).filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`).join(', ') : '';
  // Each value escaped whole; the query keeps its lines (printOut escapes what is in them).
  return [
    safe`name:        ${rule.meta.name}`,
    safe`id:          ${rule.meta.id}`,
    safe`severity:    ${rule.meta.severity} (risk ${rule.meta.riskScore})` + (sigma ? safe` (Sigma level ${sigma.level})` : ''),
    ...(rule.meta.maturity ? [(sigma ? 'status:     ' : 'maturity:   ') + safe` ${rule.meta.maturity}`] : []),
    ...(rule.meta.tags.length ? [safe`tags:        ${rule.meta.tags.join(', ')}`] : []),
    safe`file:        ${rule.path}`,
    sigma ? safe`logsource:   ${ls}` : safe`index:       ${rule.index.join(', ')}`,
    `ATT&CK:      ${threat.join('\n             ')}`,
    ...(sigma?.author ? [safe`author:      ${sigma.author}`] : []),
    safe`description: ${rule.description.trim().replace(/\s*\n\s*/g, ' ')}`,
    ...(sigma?.falsepositives.length ? [safe`false positives: ${sigma.falsepositives.join('; ')}`] : []),
    ...(sigma?.references.length ? ['references:', ...sigma.references.map((r) => safe`  ${r}`)] : []),
    sigma ? 'query (EQL compiled from the Sigma detection):' : 'query:',
    rule.query.trim().split(/\r?\n/).map((l) => `  ${l}`).join('\n'),
    '',
  ].join('\n');
}

async function lint(paths: string[]): Promise<ExitCode> {
  const { files, errors } = await findRuleFiles(paths);
  for (const e of errors) printErr(`lolhunt: ${e}\n`);
  if (errors.length) return EXIT.USAGE;
  const findings = lintRuleFiles(files);
  for (const f of findings) printOut(`${findingText(f)}\n`);
  printErr(`${files.length} file${files.length === 1 ? '' : 's'}, ${findings.length} finding${findings.length === 1 ? '' : 's'}\n`);
  return findings.length ? EXIT.MATCHES : EXIT.OK;
}

/**
 * Checks every file; prints one line per problem, a warning per field not in ECS, and a
 * count. Exit 2 on any error (warnings alone do not fail).
 */
async function validate(paths: string[], placeholders?: Record<string, string[]>): Promise<ExitCode> {
  const { files, errors } = await findRuleFiles(paths);
  let ok = 0;
  let skipped = 0;
  let unsupported = 0;
  const loaded: string[] = [];
  const options = ruleFileOptions(paths, placeholders ? { placeholders } : {});
  for (const file of files) {
    try {
      const outcome = loadRuleFile(file, options);
      if ('rule' in outcome) {
        ok++;
        loaded.push(file);
      } else if (outcome.unsupported) {
        // A Sigma rule lolhunt cannot express is a failure of this rule here, named with its reason.
        unsupported++;
        printErr(safe`unsupported: ${file}: ${outcome.skipped}\n`);
      } else {
        skipped++;
        printErr(safe`skipped ${file}: ${outcome.skipped}\n`);
      }
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      errors.push(ruleErrorText(err));
    }
  }
  options.cache?.save();
  for (const e of errors) printErr(`error: ${e}\n`);
  // Sigma rules read fields by their Sigma names mapped to ECS or winlog.event_data: no ECS lint for them.
  const warnings = lintRuleFiles(loaded.filter((f) => !isSigmaPath(f))).filter((f) => f.kind === 'unknown-field');
  for (const w of warnings) printErr(`warning: ${findingText(w)}\n`);
  const sigmaNote = unsupported ? `, ${unsupported} unsupported (Sigma)` : '';
  printOut(`${ok} valid, ${errors.length} invalid${sigmaNote}, ${skipped} skipped (not EQL), ${warnings.length} field warning${warnings.length === 1 ? '' : 's'} (ECS ${ECS_FIELDS.version})\n`);
  return errors.length || unsupported ? EXIT.USAGE : EXIT.OK;
}

/** A lint finding as printed: one line, escaped, clipped (a finding can quote a megabyte of query). */
function findingText(f: Finding): string {
  return clip(formatFinding({ ...f, file: escapeControl(f.file), message: escapeControl(f.message) }), MAX_DIAGNOSTIC_LINE);
}
