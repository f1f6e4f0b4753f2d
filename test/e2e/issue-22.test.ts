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

test('issue-22 item 5: a far-future or out-of-range time does not move the export\'s end; no time is written back in another form', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'good.ndjson'), ndjson(certutilPair('{good}', at(0), at(1))));
  const [start, net] = certutilPair('{far}', at(2), at(3)) as Record<string, unknown>[];
  fs.writeFileSync(path.join(dir, 'hostile.ndjson'), [
    JSON.stringify({ ...start, '@timestamp': '9999-12-31T23:59:59Z' }),
    JSON.stringify(net).replace(/"@timestamp":"[^"]*"/, '"@timestamp":123456789012345678901234567890'),
    JSON.stringify({ ...net, '@timestamp': 9e18, process: { entity_id: '{ns}' } }),
  ].join('\n') + '\n');
  const run = await runCli(['scan', dir, '--from', '24h', '--format', 'json']);
  assert.equal(run.code, 1, run.stderr);
  const out = JSON.parse(run.stdout) as { alerts: { join_keys: string[]; '@timestamp': string }[]; summary: { warnings: string[]; bad_lines: number; problems: { reason: string }[] } };
  assert.deepEqual(out.alerts.map((a) => a.join_keys[0]), ['{good}']);
  assert.equal(out.summary.bad_lines, 1, 'the 30-digit time is no time, and said so');
  assert.match(out.summary.problems.map((p) => p.reason).join('\n'), /@timestamp/);
  const warning = out.summary.warnings.find((w) => w.includes('after this computer\'s clock'));
  assert.ok(warning?.startsWith('2 events are dated more than a day after'), out.summary.warnings.join('\n'));
  assert.match(warning!, /count back from the newest event before that, 2024-05-14T08:00:01\.000Z/);
  assert.doesNotMatch(run.stdout, /e\+2\d/);
  // Without a window the far-future sequence still matches, dated as given.
  const all = await runCli(['scan', dir, '--format', 'ndjson']);
  const alerts = parseNdjson(all.stdout) as { join_keys: string[]; '@timestamp': string }[];
  assert.deepEqual(alerts.map((a) => a.join_keys[0]), ['{good}']);
  fs.appendFileSync(path.join(dir, 'hostile.ndjson'), ndjson([{ ...net, '@timestamp': '9999-12-31T23:59:59.500Z' }]));
  const far = parseNdjson((await runCli(['scan', dir, '--format', 'ndjson'])).stdout) as { join_keys: string[]; '@timestamp': string }[];
  assert.deepEqual(far.map((a) => [a.join_keys[0], a['@timestamp']]), [['{good}', at(0)], ['{far}', '9999-12-31T23:59:59.000Z']]);
});

test('issue-22 item 7: a number is indexed under its case-folded text; U+0000 in a pattern is itself, not `?`', async () => {
  const dir = tmpDir();
  const e = (s: number, process: string) => `{"@timestamp":"${at(s)}","event":{"category":"process"},"process":${process}}`;
  fs.writeFileSync(path.join(dir, 'events.ndjson'), [
    e(0, '{"pid":1e400,"name":"good"}'), e(1, '{"pid":42,"name":"axb"}'), e(2, '{"pid":"1E+21","name":"a\\u0000b"}'), e(3, '{"pid":1e21,"name":"a?b"}'),
  ].join('\n') + '\n');
  const lines = async (eql: string, extra: string[] = []) => parseNdjson((await runCli(['query', eql, dir, '--format', 'ndjson', ...extra])).stdout).map((r) => (r.events as { line: number }[])[0]!.line);
  for (const prefilter of ['off', 'tag', 'skip']) {
    assert.deepEqual(await lines('process where process.pid : ("INFINITY", "1e+21")', ['--prefilter', prefilter]), [1, 3, 4], prefilter);
    assert.deepEqual(await lines('process where process.name : ("a\\u{00}b", "good")', ['--prefilter', prefilter]), [1, 3], prefilter);
    assert.deepEqual(await lines('process where process.name like ("a\\u{00}*", "g*")', ['--prefilter', prefilter]), [1, 3], prefilter);
  }
});

test('issue-22 item 6: a JSON array whose first 8 KiB are blank lines is one array on any thread count, not NDJSON in byte ranges', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'export.json');
  const [start, net] = certutilPair('{good}', at(0), at(1));
  // Past 64 MiB, so two threads would cut it into byte ranges were it NDJSON.
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, `${'\n'.repeat(10_000)}[${JSON.stringify(start)},\n`);
  const block = `${' '.repeat(1023)}\n`.repeat(1024);
  for (let i = 0; i < 66; i++) fs.writeSync(fd, block);
  fs.writeSync(fd, `${JSON.stringify(net)}]\n`);
  fs.closeSync(fd);
  const runs = await Promise.all(['1', '2'].map((threads) => runCli(['scan', file, '--threads', threads, '--format', 'ndjson'], { timeoutMs: 120_000 })));
  fs.rmSync(dir, { recursive: true });
  for (const run of runs) {
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(entities(run.stdout), ['{good}']);
    assert.match(run.stderr, /^bad lines +0$/m);
  }
  assert.equal(runs[1]!.stdout, runs[0]!.stdout);
});
