import { testRule, type RuleTestResult } from '../engine/index.js';
import { DEFAULT_MAX_LINE_BYTES } from '../input/index.js';
import { formatJunit, safe } from '../output/index.js';
import { ruleFixtures } from '../rules/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { compileOptions } from './options.js';
import { printErr, printOut } from './print.js';
import { displayPath } from './rule-lookup.js';
import { noteRead } from './reads.js';
import { loadRulesOrFail } from './rules-loading.js';
import { checkOutputTarget, writeFileSafely } from './sinks.js';

export interface RulesTestOptions {
  junit?: string;
  requireFixtures: boolean;
  /** Values of Sigma's `%name%` placeholders (`--sigma-placeholders`). */
  placeholders?: Record<string, string[]> | undefined;
}

const LABEL = { pass: 'pass', fail: 'FAIL', none: 'no fixtures' } as const;

/**
 * Runs every rule's fixtures and prints one line per rule. Exit 1 on any mismatch (and, with
 * --require-fixtures, on a rule without fixtures); 2 when no rule has fixtures at all, since
 * nothing was proven.
 */
export async function rulesTest(paths: string[], opts: RulesTestOptions): Promise<ExitCode> {
  const started = performance.now();
  const rules = await loadRulesOrFail(paths, { quiet: true, compile: compileOptions({ timestampField: '@timestamp', categoryField: 'event.category' }), placeholders: opts.placeholders });
  for (const rule of rules) for (const spec of ruleFixtures(rule).fixtures) for (const file of spec.events) noteRead('a fixture', file);
  // Refused before any fixture runs; checked again when written.
  if (opts.junit !== undefined) checkOutputTarget('--junit', opts.junit);
  const results: RuleTestResult[] = [];
  for (const rule of rules) {
    const r = await testRule({ ...rule, path: displayPath(rule.path) }, { maxLineBytes: DEFAULT_MAX_LINE_BYTES, timestampField: '@timestamp', display: displayPath });
    if (r.status === 'none' && opts.requireFixtures) {
      r.status = 'fail';
      r.failures.push('no fixtures (--require-fixtures)');
    }
    results.push(r);
    const detail = r.status === 'pass' ? ` (${r.fixtures} fixture${r.fixtures === 1 ? '' : 's'}, ${r.alerts} alert${r.alerts === 1 ? '' : 's'})`
      : r.status === 'fail' ? safe` (${r.file})` : '';
    printOut(`${LABEL[r.status].padEnd(12)} ${safe`${r.rule.name}`}${detail}\n`);
    for (const f of r.failures) printOut(safe`               ${f}\n`);
  }
  const count = (s: RuleTestResult['status']) => results.filter((r) => r.status === s).length;
  printOut(`${results.length} rule${results.length === 1 ? '' : 's'}: ${count('pass')} passed, ${count('fail')} failed, ${count('none')} without fixtures\n`);
  if (opts.junit !== undefined) {
    await writeFileSafely('--junit', opts.junit, formatJunit(results, performance.now() - started));
  }
  if (count('fail')) return EXIT.MATCHES;
  if (count('pass') === 0) {
    printErr('lolhunt: no rule has fixtures: nothing was tested (see lolhunt rules test --help)\n');
    return EXIT.USAGE;
  }
  return EXIT.OK;
}
