import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { parseNdjson, runCli } from '../helpers/run-cli.js';
import { CERTUTIL, certutilPair, ndjson, tmpDir } from '../helpers/telemetry.js';

test('a sequence split across two files matches whatever order the files are given in', async () => {
  const dir = tmpDir();
  const [start, net] = certutilPair('{e1}', '2024-05-14T08:00:00.000Z', '2024-05-14T08:00:01.000Z');
  fs.writeFileSync(path.join(dir, 'b.ndjson'), ndjson([net!]));
  fs.writeFileSync(path.join(dir, 'a.ndjson'), ndjson([start!]));
  const run = await runCli(['scan', path.join(dir, 'b.ndjson'), path.join(dir, 'a.ndjson'), '--format', 'ndjson']);
  assert.equal(run.code, 1, run.stderr);
  const alerts = parseNdjson(run.stdout);
  assert.equal(alerts.length, 1);
  const events = alerts[0]!.events as { file: string; line: number }[];
  assert.deepEqual(events.map((e) => [path.basename(e.file), e.line]), [['a.ndjson', 1], ['b.ndjson', 1]]);
});

test('a newest-first file (Kibana export order) still matches', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'desc.ndjson'), ndjson(certutilPair('{e2}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:05Z').reverse()));
  const run = await runCli(['scan', dir, '--format', 'ndjson']);
  assert.equal(run.code, 1, run.stderr);
  const [alert] = parseNdjson(run.stdout);
  assert.equal((alert!.rule as { name: string }).name, CERTUTIL);
  assert.deepEqual((alert!.events as { line: number }[]).map((e) => e.line), [2, 1]);
});

test('the network event before the process start does not match', async () => {
  const dir = tmpDir();
  const [start, net] = certutilPair('{e3}', '2024-05-14T08:00:05Z', '2024-05-14T08:00:00Z');
  fs.writeFileSync(path.join(dir, 'x.ndjson'), ndjson([start!, net!]));
  const run = await runCli(['scan', dir, '--format', 'ndjson']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
});

test('gzip input and stdin give the same alerts as the plain file', async () => {
  const dir = tmpDir();
  const text = ndjson(certutilPair('{e4}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z'));
  fs.writeFileSync(path.join(dir, 'plain.ndjson'), text);
  fs.writeFileSync(path.join(dir, 'packed.ndjson.gz'), zlib.gzipSync(text));
  const plain = await runCli(['scan', path.join(dir, 'plain.ndjson'), '--format', 'ndjson']);
  const gz = await runCli(['scan', path.join(dir, 'packed.ndjson.gz'), '--format', 'ndjson']);
  const stdin = await runCli(['scan', '-', '--format', 'ndjson'], { stdin: zlib.gzipSync(text) });
  const strip = (out: string) => parseNdjson(out).map((a) => ({ ...a, events: (a.events as { file: string }[]).map((e) => ({ ...e, file: '' })) }));
  assert.equal(plain.code, 1);
  assert.equal(strip(plain.stdout).length, 1);
  assert.deepEqual(strip(gz.stdout), strip(plain.stdout));
  assert.deepEqual(strip(stdin.stdout), strip(plain.stdout));
  assert.equal((parseNdjson(stdin.stdout)[0]!.events as { file: string }[])[0]!.file, '-');
});

test('dotted keys and plain-string categories read like nested ECS', async () => {
  const dir = tmpDir();
  const flat = (doc: Record<string, unknown>, prefix = ''): Record<string, unknown> =>
    Object.entries(doc).reduce<Record<string, unknown>>((acc, [k, v]) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(acc, flat(v as Record<string, unknown>, `${prefix}${k}.`));
      else acc[`${prefix}${k}`] = Array.isArray(v) && v.length === 1 ? v[0] : v;
      return acc;
    }, {});
  const docs = certutilPair('{e5}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z').map((d) => flat(d as Record<string, unknown>));
  assert.equal(docs[0]!['event.category'], 'process');
  fs.writeFileSync(path.join(dir, 'flat.ndjson'), ndjson(docs));
  const run = await runCli(['scan', dir, '--format', 'ndjson']);
  assert.equal(parseNdjson(run.stdout).length, 1, run.stderr);
});

test('bad lines are skipped, counted and reported with file:line; the rest still matches', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'mixed.ndjson');
  const [start, net] = certutilPair('{e6}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z');
  fs.writeFileSync(file, [JSON.stringify(start), '{not json', '[1,2]', '', '{"no":"timestamp"}', JSON.stringify(net)].join('\n') + '\n');
  const run = await runCli(['scan', file, '--format', 'ndjson']);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(parseNdjson(run.stdout).length, 1);
  assert.match(run.stderr, new RegExp(`${file}:2: invalid JSON`));
  assert.match(run.stderr, new RegExp(`${file}:3: not a JSON object`));
  assert.match(run.stderr, new RegExp(`${file}:5: missing or unparsable @timestamp`));
  assert.match(run.stderr, /bad lines\s+3/);
  const strict = await runCli(['scan', file, '--format', 'ndjson', '--strict']);
  assert.equal(strict.code, 3);
});

test('exit codes: 0 nothing found, 1 alerts, 2 usage, 3 unreadable input (others still scanned)', async () => {
  const dir = tmpDir();
  const good = path.join(dir, 'good.ndjson');
  fs.writeFileSync(good, ndjson(certutilPair('{e7}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z')));
  const quiet = path.join(dir, 'quiet.ndjson');
  fs.writeFileSync(quiet, ndjson([{ '@timestamp': '2024-05-14T08:00:00Z', event: { category: ['process'] } }]));
  assert.equal((await runCli(['scan', quiet])).code, 0);
  assert.equal((await runCli(['scan', good])).code, 1);
  assert.equal((await runCli(['scan', good, '--fail-on', 'high'])).code, 0, 'certutil is low severity');
  assert.equal((await runCli(['scan', good, '--fail-on', 'none'])).code, 0);
  assert.equal((await runCli(['scan', good, '--format', 'xml'])).code, 2);
  assert.equal((await runCli(['scan', '--no-such-flag', good])).code, 2);
  assert.equal((await runCli(['query', 'process where foo(1)', good])).code, 2);
  const missing = await runCli(['scan', path.join(dir, 'nope.ndjson'), good, '--format', 'ndjson']);
  assert.equal(missing.code, 3);
  assert.equal(parseNdjson(missing.stdout).length, 1, 'the readable file is still scanned');
  assert.match(missing.stderr, /nope\.ndjson: /);
  const truncated = path.join(dir, 'cut.ndjson.gz');
  const gz = zlib.gzipSync(fs.readFileSync(good));
  fs.writeFileSync(truncated, gz.subarray(0, gz.length - 12));
  const cut = await runCli(['scan', truncated, good, '--format', 'ndjson']);
  assert.equal(cut.code, 3);
  assert.match(cut.stderr, /cut\.ndjson\.gz/);
});

test('query errors name line and column with a caret', async () => {
  const run = await runCli(['query', 'process where\n  process.name == "a" and foo(1)', '-']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /query:2:27: unknown function 'foo'/);
  assert.match(run.stderr, /\n\s+\^/);
});

test('-o writes the report to a file, nothing to stdout', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'in.ndjson'), ndjson(certutilPair('{e8}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z')));
  const out = path.join(dir, 'alerts.ndjson');
  const run = await runCli(['scan', path.join(dir, 'in.ndjson'), '-o', out]);
  assert.equal(run.stdout, '');
  assert.equal(parseNdjson(fs.readFileSync(out, 'utf8')).length, 1);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['alerts.ndjson', 'in.ndjson'], 'no temporary file left behind');
});

test('--threads changes nothing in the output', async () => {
  const one = await runCli(['scan', 'samples/', '--format', 'ndjson', '--threads', '1']);
  const three = await runCli(['scan', 'samples/', '--format', 'ndjson', '--threads', '3']);
  assert.equal(one.code, 1);
  assert.ok(parseNdjson(one.stdout).length >= 10);
  assert.equal(three.stdout, one.stdout);
  assert.equal(three.code, one.code);
});

test('--format json carries coverage: per file events, bad lines and shapes, skipped files, warnings', async () => {
  const dir = tmpDir();
  const good = path.join(dir, 'good.ndjson');
  fs.writeFileSync(good, ndjson(certutilPair('{json}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z')) + '{broken\n');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not telemetry\n');
  const run = await runCli(['scan', dir, '--format', 'json']);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as { summary: { per_file: { file: string; events: number; bad_lines: number; shapes: Record<string, number> }[]; skipped_files: string[]; normalized: boolean; warnings: string[] } };
  assert.deepEqual(report.summary.per_file, [{ file: good, events: 2, bad_lines: 1, shapes: { ecs: 2 } }]);
  assert.deepEqual(report.summary.skipped_files, [path.join(dir, 'notes.txt')]);
  assert.equal(report.summary.normalized, true);
  assert.ok(Array.isArray(report.summary.warnings));
});

test('--max-pending: a bound that bites is a warning naming the rule, in the summary and in --format json', async () => {
  const full = await runCli(['scan', 'samples/', '--format', 'json']);
  const bounded = await runCli(['scan', 'samples/', '--format', 'json', '--max-pending', '1']);
  assert.equal(full.code, 1, full.stderr);
  const summaryOf = (stdout: string) => (JSON.parse(stdout) as { summary: { warnings: string[]; alerts: number } }).summary;
  assert.deepEqual(summaryOf(full.stdout).warnings, []);
  const warnings = summaryOf(bounded.stdout).warnings.filter((w) => w.includes('--max-pending'));
  assert.ok(warnings.some((w) => w.startsWith(`${CERTUTIL}: dropped the partial sequences of `)), warnings.join('\n'));
  assert.ok(summaryOf(bounded.stdout).alerts <= summaryOf(full.stdout).alerts);
  assert.match(bounded.stderr, /warning: .*--max-pending/);
});

test('--threads: the summary says how many threads ran (auto picks one for a small input)', async () => {
  const threadsOf = (stdout: string) => (JSON.parse(stdout) as { summary: { threads: number } }).summary.threads;
  const auto = await runCli(['scan', 'samples/', '--format', 'json']);
  const two = await runCli(['scan', 'samples/', '--format', 'json', '--threads', '2']);
  assert.equal(threadsOf(auto.stdout), 1);
  assert.equal(threadsOf(two.stdout), 2);
  assert.match(two.stderr, /· 2 threads ·/);
  const bad = await runCli(['scan', 'samples/', '--threads', 'many']);
  assert.equal(bad.code, 2);
});

test('0 alerts because no event is of a category the rules need: each rule is named with the category', async () => {
  const dir = tmpDir();
  const [start] = certutilPair('{e9}', '2024-05-14T08:00:00.000Z', '2024-05-14T08:00:01.000Z');
  fs.writeFileSync(path.join(dir, 'process-only.ndjson'), ndjson([start!]));
  const run = await runCli(['scan', dir, '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`warning: rule '${CERTUTIL}' could not have fired: no scanned event is in category "network"`));
  const warnings = (JSON.parse(run.stdout) as { summary: { rule_warnings: unknown[] } }).summary.rule_warnings;
  assert.deepEqual(warnings.find((w) => (w as { rule: string }).rule === CERTUTIL), { rule: CERTUTIL, category: 'network' });
});
