import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { clipLines } from '../../../src/cli/print.js';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../src/cli');

test('issue-22 #12: src/cli writes to stdout and stderr only through print.ts (and the result sinks and the stdout policy)', () => {
  const offenders = fs.readdirSync(cliDir).filter((f) => f.endsWith('.ts') && !['print.ts', 'sinks.ts', 'stdout.ts'].includes(f))
    .filter((f) => /process\.std(out|err)\.write|console\.(log|error|warn)/.test(fs.readFileSync(path.join(cliDir, f), 'utf8')));
  assert.deepEqual(offenders, [], 'write through printOut/printErr (print.ts)');
});

test('issue-22 #12: clipLines cuts each overlong line of a message', () => {
  assert.equal(clipLines(`ab\n${'c'.repeat(20)}`, 10), `ab\n${'c'.repeat(10)}… (+10 chars)`);
});
