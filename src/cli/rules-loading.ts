import type { CompileOptions } from '../eql/index.js';
import { discoverInputs } from '../input/index.js';
import { builtinRulesDir, loadRuleFile, RuleError, type Rule } from '../rules/index.js';
import { CliError } from './exit-codes.js';

/** Rule files under the given files and folders (recursive, sorted), and what could not be read, as messages. */
export async function findRuleFiles(paths: string[]): Promise<{ files: string[]; errors: string[] }> {
  const found = await discoverInputs(paths, { accept: /\.toml$/i, kind: '.toml rule' });
  const errors = found.problems.map((p) => `${p.file}: ${p.reason}`);
  const files: string[] = [];
  for (const s of found.sources) {
    if (s.path === '-') errors.push("-: rules are read from files, not from stdin");
    else files.push(s.path);
  }
  return { files, errors };
}

/** The rule paths of `--rules`, or the built-in rules folder. */
export function ruleSource(o: Record<string, unknown>): string[] {
  const given = o.rules;
  return Array.isArray(given) ? given.map(String) : [builtinRulesDir()];
}

/**
 * Loads every rule under the given paths. Any broken EQL rule fails the command (exit 2)
 * with every error listed; non-EQL rules are reported as skipped.
 */
export async function loadRulesOrFail(paths: string[], opts: { quiet: boolean; compile?: CompileOptions }): Promise<Rule[]> {
  const { files, errors } = await findRuleFiles(paths);
  const rules: Rule[] = [];
  let skipped = 0;
  for (const file of files) {
    try {
      const outcome = loadRuleFile(file, opts.compile);
      if ('rule' in outcome) rules.push(outcome.rule);
      else {
        skipped++;
        if (!opts.quiet) process.stderr.write(`lolhunt: skipped ${file}: ${outcome.skipped}\n`);
      }
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      errors.push(err.excerpt ? `${err.message}\n${err.excerpt}` : err.message);
    }
  }
  if (errors.length) throw new CliError(errors.join('\n'));
  if (rules.length === 0) throw new CliError(`no EQL rules found in ${paths.join(', ')}${skipped ? ` (${skipped} non-EQL skipped)` : ''}`);
  return rules;
}
