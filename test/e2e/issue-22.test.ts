import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, runCli } from '../helpers/run-cli.js';
import { CERTUTIL, certutilPair, ndjson, tmpDir } from '../helpers/telemetry.js';

// Issue #22 ("Trust, round two"), the engine's items: each hostile input beside a good file whose alert must survive.

const at = (s: number) => new Date(Date.UTC(2024, 4, 14, 8) + s * 1000).toISOString();
const summaryOf = (json: string) => (JSON.parse(json) as { summary: { warnings: string[]; alerts: number; bad_lines: number } }).summary;
const entities = (out: string) => parseNdjson(out).map((a) => (a.join_keys as string[])[0]).sort();

test('issue-22 item 4: completed sequences do not count against --max-pending; the warning counts only keys dropped while open', async () => {
  const dir = tmpDir();
  const [start, net] = certutilPair('{attacker}', at(0), at(100));
  fs.writeFileSync(path.join(dir, 'good.ndjson'), ndjson([start!, net!]));
  // Benign start+connect pairs between the attacker's start and connect: one sequence open at a time besides the attacker's.
  fs.writeFileSync(path.join(dir, 'benign.ndjson'), ndjson(Array.from({ length: 5 }, (_, i) => certutilPair(`{b${i}}`, at(1 + 2 * i), at(2 + 2 * i))).flat()));
  const run = await runCli(['scan', dir, '--max-pending', '3', '--format', 'ndjson']);
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(entities(run.stdout), ['{attacker}', '{b0}', '{b1}', '{b2}', '{b3}', '{b4}']);
  assert.doesNotMatch(run.stderr, /max-pending/);
  // Open keys past the bound are dropped, and only those are counted: five starts open at once, bound 3, two dropped.
  fs.writeFileSync(path.join(dir, 'benign.ndjson'), ndjson(Array.from({ length: 4 }, (_, i) => certutilPair(`{o${i}}`, at(1 + i), at(50 + i))).flat()));
  const json = await runCli(['scan', dir, '--max-pending', '3', '--format', 'json']);
  const summary = summaryOf(json.stdout);
  assert.equal(summary.alerts, 3, json.stderr);
  assert.deepEqual(summary.warnings.filter((w) => w.includes('--max-pending')).map((w) => /of (\d+) join keys/.exec(w)?.[1]), ['2']);
});

test('issue-22 item 9: a flood of distinct starts is evicted oldest first; the good pair after it still alerts', async () => {
  const dir = tmpDir();
  const n = 30_000;
  const base = { event: { category: ['process'], type: ['start'] }, host: { name: 'WS01', os: { type: 'windows' } } };
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ '@timestamp': at(i / 1000), ...base, process: { entity_id: `{f${i}}`, name: 'certutil.exe', command_line: 'certutil' } }));
  fs.writeFileSync(path.join(dir, 'flood.ndjson'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'good.ndjson'), ndjson(certutilPair('{attacker}', at(40), at(41))));
  const run = await runCli(['scan', dir, '--max-pending', '1000', '--format', 'json', '--rule', CERTUTIL]);
  const summary = summaryOf(run.stdout);
  assert.equal(summary.alerts, 1, run.stderr);
  assert.deepEqual(summary.warnings.map((w) => /of (\d+) join keys/.exec(w)?.[1]), [String(n + 1 - 1000)]);
});

