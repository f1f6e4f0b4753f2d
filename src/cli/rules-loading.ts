import { closest, type CompileOptions } from '../eql/index.js';
import { discoverInputs } from '../input/index.js';
import { builtinRulesDir, loadRuleFile, RuleError, selectRules, type Rule, type RuleSelection } from '../rules/index.js';
import { safe } from '../output/index.js';
import { CliError } from './exit-codes.js';
import { printErr, ruleErrorText } from './print.js';
import { RuleCache } from './rule-cache.js';
import { noteRead } from './reads.js';

/** Rule files under the given files and folders (recursive, sorted), and what could not be read, as messages. */
export async function findRuleFiles(paths: string[]): Promise<{ files: string[]; errors: string[] }> {
  const found = await discoverInputs(paths, { accept: /\.(toml|ya?ml)$/i, kind: '.toml or Sigma .yml rule' });
  const errors = found.problems.map((p) => safe`${p.file}: ${p.reason}`);
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
export interface LoadOptions {
  quiet: boolean;
  compile?: CompileOptions;
  /** Values of Sigma's `%name%` placeholders (`--sigma-placeholders`). */
  placeholders?: Record<string, string[]> | undefined;
  /** What the command will read as telemetry: the rule cache is never written inside it. */
  inputs?: string[];
}

export async function loadRulesOrFail(paths: string[], opts: LoadOptions): Promise<Rule[]> {
  const { files, errors } = await findRuleFiles(paths);
  const rules: Rule[] = [];
  const skipped: { file: string; reason: string; unsupported?: true }[] = [];
  const options = ruleFileOptions(paths, opts);
  for (const file of files) {
    noteRead('a rule file', file);
    try {
      const outcome = loadRuleFile(file, options);
      if ('rule' in outcome) rules.push(outcome.rule);
      else skipped.push({ file, reason: outcome.skipped, ...(outcome.unsupported ? { unsupported: true as const } : {}) });
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      errors.push(ruleErrorText(err));
    }
  }
  options.cache?.save();
  if (errors.length) throw new CliError(errors.join('\n'));
  if (rules.length === 0) throw new CliError(safe`no EQL rules found in ${paths.join(', ')}` + (skipped.length ? ` (${skipped.length} non-EQL skipped)` : ''));
  if (!opts.quiet && skipped.length) printErr(`${skippedReport(skipped)}\n`);
  return rules;
}

/** What loadRuleFile is given: the compile options, the placeholders, and the rule cache (saved by the caller when done). */
export function ruleFileOptions(paths: string[], opts: Omit<LoadOptions, 'quiet'>): CompileOptions & { placeholders?: Record<string, string[]>; cache?: RuleCache } {
  const cache = RuleCache.open(paths, opts.inputs);
  return { ...opts.compile, ...(opts.placeholders ? { placeholders: opts.placeholders } : {}), ...(cache ? { cache } : {}) };
}

/**
 * A few skipped rules one per line; many (Elastic's folders hold ~1,000 non-EQL rules) as one
 * line of counts by rule type, and Sigma rules lolhunt cannot express as one line of counts
 * by reason (`rules validate` names each).
 */
function skippedReport(skipped: { file: string; reason: string; unsupported?: true }[]): string {
  if (skipped.length <= 3) return skipped.map((s) => safe`lolhunt: skipped ${s.file}: ${s.reason}`).join('\n');
  const sigma = skipped.filter((s) => s.unsupported);
  const toml = skipped.filter((s) => !s.unsupported);
  const counts = (list: typeof skipped, key: (reason: string) => string) => {
    const by = new Map<string, number>();
    for (const s of list) by.set(key(s.reason), (by.get(key(s.reason)) ?? 0) + 1);
    return [...by].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => safe`${k} ${n}`).join(', ');
  };
  const lines: string[] = [];
  if (toml.length) lines.push(`lolhunt: skipped ${toml.length} rules that are not EQL (${counts(toml, (r) => /rule type '([^']*)'/.exec(r)?.[1] ?? r)})`);
  if (sigma.length) lines.push(`lolhunt: skipped ${sigma.length} Sigma rules lolhunt cannot express (${counts(sigma, sigmaReasonKind)}); lolhunt rules validate names each`);
  return lines.join('\n');
}

/** The kind of a Sigma skip reason: its log source, or its unsupported construct's first words. */
function sigmaReasonKind(reason: string): string {
  const r = reason.replace(/^Sigma rule '(?:[^'\\]|\\.)*?': /, '');
  if (r.startsWith('log source')) return 'log source';
  if (/regular expression/.test(r)) return 'regular expression';
  if (/placeholder/.test(r)) return 'placeholder';
  if (/correlation/.test(r)) return 'correlation';
  return r.replace(/^(unsupported )?(selection '[^']*': )?/, '').split(/[:(]/)[0]?.trim().slice(0, 40) ?? '';
}

/** The rule set of a run: where it came from and what the selection kept, for summaries and reports. */
export interface RuleSet {
  paths: string[];
  loaded: number;
  rules: Rule[];
  /** Deprecated rules left out. */
  deprecated: number;
  /** Building-block rules left out. */
  buildingBlocks: number;
  /** Rules the selection options left out. */
  filtered: number;
}

/**
 * Loads the rules and applies the selection. A --rule/--exclude-rule that names no rule is a
 * usage error (a typo must not silently run everything or nothing), with close names suggested.
 */
export async function loadSelectedRules(paths: string[], selection: RuleSelection, opts: LoadOptions): Promise<RuleSet> {
  const all = await loadRulesOrFail(paths, opts);
  const result = selectRules(all, selection);
  if (result.unmatched.length) {
    const names = all.flatMap((r) => [r.meta.name, r.meta.id]);
    const hint = (p: string) => { const near = closest(p, names); return near === null ? '' : safe` (did you mean '${near}'?)`; };
    throw new CliError(result.unmatched.map((p) => safe`no rule matches '${p}'` + hint(p)).join('\n'));
  }
  if (result.selected.length === 0) {
    const why = (result.deprecated && !selection.includeDeprecated ? ` (${result.deprecated} deprecated left out; --include-deprecated runs them)` : '') +
      (result.buildingBlocks ? ` (${result.buildingBlocks} building-block rules left out; --building-blocks runs them)` : '');
    throw new CliError(`no rule left to run: ${all.length} loaded, ${result.filtered} left out by the selection options${why}`);
  }
  return { paths, loaded: all.length, rules: result.selected, deprecated: result.deprecated, buildingBlocks: result.buildingBlocks, filtered: result.filtered };
}
