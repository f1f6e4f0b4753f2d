import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, runCli } from '../helpers/run-cli.js';

// Issue #16, defect 3: a hostile regex over a long attacker-chosen value never finished, so
// the good file's matches were never written.
test('issue-16 query: a catastrophic regex over a 1 MB value finishes and the good file still matches', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-e2e-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const event = (commandLine: string) => JSON.stringify({
    '@timestamp': '2024-05-14T08:00:00Z',
    event: { category: ['process'], type: ['start'] },
    process: { name: 'cmd.exe', command_line: commandLine },
  }) + '\n';
  fs.writeFileSync(path.join(dir, 'hostile.ndjson'), event('a'.repeat(1 << 20)));
  fs.writeFileSync(path.join(dir, 'good.ndjson'), event('aaab'));
  const started = performance.now();
  const run = await runCli(['query', 'process where process.command_line regex "(a+)+b"', dir, '--format', 'ndjson']);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(run.code, 1, run.stderr);
  assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
  const alerts = parseNdjson(run.stdout);
  assert.equal(alerts.length, 1);
  const [match] = alerts[0]!.events as { file: string; line: number }[];
  assert.deepEqual([path.basename(match!.file), match!.line], ['good.ndjson', 1]);
});
