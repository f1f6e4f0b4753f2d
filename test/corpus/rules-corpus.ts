import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findRuleFiles } from '../../src/cli/rules-loading.js';
import { loadRuleFile, RuleError } from '../../src/rules/index.js';

/**
 * `npm run rules-corpus -- PATH`: loads (parses, checks, compiles) every EQL rule of an
 * elastic/detection-rules checkout — its `rules/` and `rules_building_block/` folders, or PATH
 * itself when it has neither — and prints each failure, then "N passed, N failed".
 * Exit 1 when any rule fails, 2 on a bad PATH.
 */
async function main(): Promise<number> {
  const root = process.argv[2];
  if (root === undefined || !fs.existsSync(root)) {
    console.error('usage: npm run rules-corpus -- PATH   (a checkout of github.com/elastic/detection-rules)');
    return 2;
  }
  const folders = ['rules', 'rules_building_block'].map((f) => path.join(root, f)).filter((f) => fs.existsSync(f));
  const { files, errors } = await findRuleFiles(folders.length ? folders : [root]);
  let passed = 0;
  let skipped = 0;
  const failures: string[] = [...errors];
  for (const file of files) {
    try {
      if ('rule' in loadRuleFile(file)) passed++;
      else skipped++;
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      failures.push(err.excerpt ? `${err.message}\n${err.excerpt}` : err.message);
    }
  }
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(`${root}${commitOf(root)}: ${files.length} rule files, ${skipped} not EQL`);
  console.log(`${passed} passed, ${failures.length} failed`);
  return failures.length ? 1 : 0;
}

/** ` at <commit>` when the folder is a git checkout. */
function commitOf(dir: string): string {
  try {
    return ` at ${execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()}`;
  } catch {
    return '';
  }
}

process.exitCode = await main();
