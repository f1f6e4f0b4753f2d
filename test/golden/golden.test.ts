import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli } from '../helpers/run-cli.js';

/**
 * Each test/golden/<case>/ holds `args` (a JSON array), optionally `stdin` and `env` (a JSON
 * object of environment variables, e.g. COLUMNS), and the expected
 * `stdout`, `stderr` and `exit`. The CLI runs from the repository root on samples/.
 * UPDATE_GOLDEN=1 rewrites the expectations (review the diff before committing).
 */
const GOLDEN = path.join(ROOT, 'test', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

/** Elapsed time, throughput and memory change from run to run (summary line and json summary). */
export function stable(text: string): string {
  return text
    .replace(/^elapsed .*$/gm, 'elapsed <T>')
    .replace(/"(elapsed_ms|events_per_second|bytes_per_second|peak_rss_bytes)":\d+/g, '"$1":<N>');
}

const cases = fs.readdirSync(GOLDEN, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

test('golden cases exist', () => {
  assert.ok(cases.length >= 5, `only ${cases.length} golden cases`);
});

for (const name of cases) {
  test(`golden: ${name}`, async () => {
    const dir = path.join(GOLDEN, name);
    const args = JSON.parse(fs.readFileSync(path.join(dir, 'args'), 'utf8')) as string[];
    const stdinFile = path.join(dir, 'stdin');
    const stdin = fs.existsSync(stdinFile) ? fs.readFileSync(path.join(ROOT, fs.readFileSync(stdinFile, 'utf8').trim())) : undefined;
    const envFile = path.join(dir, 'env');
    const env = fs.existsSync(envFile) ? (JSON.parse(fs.readFileSync(envFile, 'utf8')) as Record<string, string>) : {};
    const run = await runCli(args, { env, ...(stdin === undefined ? {} : { stdin }) });
    const got = { stdout: stable(run.stdout), stderr: stable(run.stderr), exit: `${run.code}\n` };
    for (const key of ['stdout', 'stderr', 'exit'] as const) {
      const file = path.join(dir, key);
      if (update) fs.writeFileSync(file, got[key]);
      assert.equal(got[key], fs.readFileSync(file, 'utf8'), `${name}/${key} differs (UPDATE_GOLDEN=1 npm test rewrites; review the diff)`);
    }
  });
}
