import { Command } from 'commander';
import { compileOptionsOf, type ScanQuery } from '../engine/index.js';
import type { ExitCode } from './exit-codes.js';
import { fieldCheck } from './field-warnings.js';
import { hunt } from './hunt.js';
import { addHuntOptions, addRuleSelectionOptions, huntOptions, portableCompile, ruleSelection } from './options.js';
import { loadSelectedRules, ruleSource } from './rules-loading.js';
import { placeholdersOf } from './sigma-placeholders.js';

const EXAMPLES = `
Examples:
  $ lolhunt scan samples/                                  # all built-in rules over a folder (recursive)
  $ lolhunt scan 'logs/**/*.ndjson.gz' -o alerts.ndjson
  $ cat export.ndjson | lolhunt scan -                     # read stdin
  $ lolhunt scan --rules ~/detection-rules/rules/windows/ logs/
  $ lolhunt scan -r my-rules/ -r ~/detection-rules/rules/windows/ --technique T1218 logs/
  $ lolhunt scan -r test/fixtures/sigma/ -r rules/ samples/    # Sigma rules (.yml) beside Elastic's TOML
  $ lolhunt scan logs/ --rule '*Certutil*' --min-severity low --host 'WS-*'
  $ lolhunt scan logs/ --from 24h --tz Europe/Berlin       # the last 24h of the export
  $ lolhunt scan logs/ -o report.html                      # also .csv .json .ndjson .md; html shows process trees
  $ lolhunt scan logs/ --process-trees -o alerts.ndjson    # each alert's ancestry, children and events (a second pass)
  $ lolhunt scan logs/ --fail-on high -q                   # CI: exit 1 only on high/critical alerts

Exit codes: 0 no alert at or above --fail-on, 1 alerts at or above --fail-on,
            2 usage or rule error (nothing scanned), 3 input problems (results may be incomplete).`;

export function scanCommand(done: (code: ExitCode) => void): Command {
  const cmd = new Command('scan')
    .description('run detection rules (the five built-in ones by default) over NDJSON telemetry')
    .argument('[paths...]', "files, directories, quoted globs, or '-' for stdin");
  addHuntOptions(addRuleSelectionOptions(cmd)).addHelpText('after', EXAMPLES);
  return cmd.action(async (paths: string[], o: Record<string, unknown>) => {
    const opts = huntOptions(o);
    const compile = portableCompile(opts);
    const ruleSet = await loadSelectedRules(ruleSource(o), ruleSelection(o), { quiet: opts.quiet, compile: compileOptionsOf(compile), placeholders: placeholdersOf(o), inputs: paths });
    const queries: ScanQuery[] = ruleSet.rules.map((r) => ({ compiled: r.compiled, rule: r.meta, name: r.meta.name }));
    done(await hunt(paths, queries, opts, compile, { ruleSet, fields: fieldCheck(queries, opts.categoryField, true) }));
  });
}
