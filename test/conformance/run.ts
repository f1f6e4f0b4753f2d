import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDatasets, conformanceRoot } from './datasets.js';
import { runFoldSuite, runQuerySuite, unsupportedExpressions, type Outcome } from './harness.js';
import { compileQuery, EqlSyntaxError } from '../../src/eql/index.js';
import { FOLD_SUITES, QUERY_SUITES } from './suites.js';

/**
 * `npm run conformance`: runs Elasticsearch's EQL QA tables through lolhunt and compares
 * with known-failures.txt, which may only shrink: a new failure or a known failure that
 * now passes both fail the run. `--verbose` prints every failure's detail.
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const KNOWN = path.join(REPO, 'test', 'conformance', 'known-failures.txt');
const verbose = process.argv.includes('--verbose');

function readKnown(): Map<string, string> {
  const known = new Map<string, string>();
  for (const line of fs.readFileSync(KNOWN, 'utf8').split('\n')) {
    const m = /^([^#\s][^\t]*?)\t+(.*)$/.exec(line.trimEnd());
    if (m) known.set(m[1]!, m[2]!);
  }
  return known;
}

async function main(): Promise<number> {
  const root = conformanceRoot(REPO);
  if (!fs.existsSync(root)) {
    console.error(`conformance data not found at ${root} (set LOLHUNT_CONFORMANCE)`);
    return 2;
  }
  const datasets = buildDatasets(root);
  const outcomes: Outcome[] = [];
  for (const s of QUERY_SUITES) outcomes.push(...(await runQuerySuite(root, s.file, datasets.get(s.dataset)!)));
  const unsupported = unsupportedExpressions(root);
  for (const f of FOLD_SUITES) outcomes.push(...runFoldSuite(root, f, unsupported.keys));

  const suites = [...new Set(outcomes.map((o) => o.suite))];
  const width = Math.max(...suites.map((s) => s.length));
  for (const s of suites) {
    const of = outcomes.filter((o) => o.suite === s);
    const n = (st: string) => of.filter((o) => o.status === st).length;
    console.log(`${s.padEnd(width)}  ${String(n('pass')).padStart(4)} pass  ${String(n('fail')).padStart(3)} fail  ${String(n('unsupported')).padStart(3)} unsupported`);
  }
  // test_unsupported.toml: Endgame behaviours left out of the fold comparison. Report which of
  // them lolhunt rejects outright (ES syntax errors) and which it accepts with ES semantics.
  const rejected = unsupported.expressions.filter((e) => {
    try {
      compileQuery(`any where ${e}`);
      return false;
    } catch (err) {
      if (err instanceof EqlSyntaxError) return true;
      throw err;
    }
  });
  console.log(`${'src-test/test_unsupported.toml'.padEnd(width)}  ${rejected.length} of ${unsupported.expressions.length} rejected at compile time (the rest are valid Elasticsearch EQL, excluded from folding)`);

  const known = readKnown();
  const failed = outcomes.filter((o) => o.status !== 'pass');
  const regressions = failed.filter((o) => !known.has(id(o)));
  const fixed = [...known.keys()].filter((k) => outcomes.some((o) => id(o) === k && o.status === 'pass'));
  // A listed case that no longer exists (renamed or removed) would hide nothing and say nothing.
  const stale = [...known.keys()].filter((k) => !outcomes.some((o) => id(o) === k));
  for (const o of failed) {
    const tag = regressions.includes(o) ? 'NEW FAILURE' : 'known';
    if (verbose || tag !== 'known') console.log(`  ${tag} ${id(o)} [${o.status}] ${o.detail ?? ''}`);
  }
  for (const k of fixed) console.log(`  NOW PASSES (remove from known-failures.txt): ${k}`);
  for (const k of stale) console.log(`  STALE (no such case; remove from known-failures.txt): ${k}`);
  console.log(`${outcomes.length - failed.length} passed, ${failed.length} failed`);
  return regressions.length || fixed.length || stale.length ? 1 : 0;
}

function id(o: Outcome): string {
  return `${o.suite} :: ${o.name}`;
}

main().then((code) => (process.exitCode = code), (err) => {
  console.error(err);
  process.exitCode = 2;
});
