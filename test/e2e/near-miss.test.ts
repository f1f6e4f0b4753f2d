import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, ROOT, runCli } from '../helpers/run-cli.js';

/**
 * Issue #26, near misses: a real true positive (mshta.exe starting, then connecting out)
 * with its two timestamps swapped, as a capture with skewed clocks gives it, and again with
 * the connection 5m1s after the start (maxspan=5m). Neither fires; the summary says why and
 * how to ask explain, and --format json lists them.
 */
const RULE = 'Unusual Network Activity from a Windows System Binary';
const positive = fs.readFileSync(path.join(ROOT, 'samples/unusual-network-activity-from-windows-system-binary/positive.ndjson'), 'utf8').split('\n');
// Lines 3 and 4 are the mshta start and its connection (one alert, e2-mshta-positive).
type Doc = { '@timestamp': string; process: { entity_id: string } };
const start = JSON.parse(positive[2]!) as Doc;
const connection = JSON.parse(positive[3]!) as Doc;

function variant(doc: Doc, key: string, at: string): string {
  return JSON.stringify({ ...doc, '@timestamp': at, process: { ...doc.process, entity_id: key } });
}

/** A folder (its name needs quoting in a shell) with the two near misses; the key also needs quoting. */
function fixture(): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt near miss '));
  const file = path.join(dir, 'capture.ndjson');
  fs.writeFileSync(file, [
    variant(start, "mshta's clock", connection['@timestamp']),
    variant(connection, "mshta's clock", start['@timestamp']),
    variant(start, 'mshta-late', '2024-05-14T10:00:00.000Z'),
    variant(connection, 'mshta-late', '2024-05-14T10:05:01.000Z'),
  ].join('\n') + '\n');
  return { dir, file };
}

interface NearMissJson { rule: string; key: string[]; kind: string; span_ms?: number; maxspan_ms?: number; events: string[]; explain: string }

test('issue-26 near misses: the summary counts and names them, json lists them, the same with --threads 2', async () => {
  const { dir, file } = fixture();
  try {
    const run = await runCli(['scan', dir, '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stderr.split('\n');
    assert.ok(lines.includes('near misses  1 sequence matched every step but out of order, 1 just outside maxspan (up to 2×) (--verbose lists them)'), run.stderr);
    assert.ok(lines.includes(`  first: ${RULE}, key mshta's clock: every step matched, out of order; lolhunt explain '${RULE}' --key 'mshta'\\''s clock' '${dir}'`), run.stderr);
    const summary = (JSON.parse(run.stdout) as { summary: { near_misses: NearMissJson[]; near_misses_total: unknown } }).summary;
    assert.deepEqual(summary.near_misses_total, { out_of_order: 1, outside_maxspan: 1, margin: 2 });
    assert.deepEqual(summary.near_misses.map(({ explain, ...m }) => m), [
      { rule: RULE, key: ["mshta's clock"], kind: 'out-of-order', events: [`${file}:1`, `${file}:2`] },
      { rule: RULE, key: ['mshta-late'], kind: 'outside-maxspan', span_ms: 301_000, maxspan_ms: 300_000, events: [`${file}:3`, `${file}:4`] },
    ]);
    const threads = await runCli(['scan', dir, '--format', 'json', '--threads', '2']);
    assert.deepEqual((JSON.parse(threads.stdout) as { summary: { near_misses: unknown } }).summary.near_misses, summary.near_misses);

    const verbose = await runCli(['scan', dir, '--format', 'ndjson', '--verbose']);
    assert.match(verbose.stderr, new RegExp(`^  ${RULE}, key mshta-late: every step matched in order, over 301s > maxspan=5m; lolhunt explain '${RULE}' --key mshta-late '${dir}'$`, 'm'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('issue-26 near misses: the explain command the summary suggests runs as printed and explains that key', async () => {
  const { dir, file } = fixture();
  try {
    const run = await runCli(['scan', dir, '--format', 'json']);
    const [outOfOrder, late] = (JSON.parse(run.stdout) as { summary: { near_misses: NearMissJson[] } }).summary.near_misses;
    const shell = (command: string) => {
      const r = spawnSync('/bin/sh', ['-c', command.replace(/^lolhunt /, `'${process.execPath}' '${BIN}' `)], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const order = shell(outOfOrder!.explain);
    assert.match(order, new RegExp(`^${RULE}, key mshta's clock: no alert \\(4 events read\\)$`, 'm'));
    assert.match(order, new RegExp(`^order: ${file}:2 satisfies step 2, but no sequence of this key was waiting for it \\(step 1 came later, at ${file}:1 2024-05-14T09:01:35.000Z\\)$`, 'm'));
    assert.match(shell(late!.explain), new RegExp(`^maxspan: ${file}:4 satisfies step 2 at 2024-05-14T10:05:01.000Z, but the sequence began at ${file}:3 2024-05-14T10:00:00.000Z, more than maxspan=5m before$`, 'm'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('issue-26 near misses: keys and file names reach the summary escaped; none means no line, nor for ad-hoc queries', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-near-miss-'));
  try {
    const file = path.join(dir, 'x\u001b[31m.ndjson');
    fs.writeFileSync(file, [variant(start, 'k\u202e\u001b]0;t\u0007', connection['@timestamp']), variant(connection, 'k\u202e\u001b]0;t\u0007', start['@timestamp'])].join('\n') + '\n');
    const run = await runCli(['scan', file, '--format', 'ndjson']);
    assert.equal(run.code, 0, run.stderr);
    const line = run.stderr.split('\n').find((l) => l.startsWith('  first: '));
    assert.ok(line, run.stderr);
    assert.doesNotMatch(line, /[\u0000-\u001f\u202e]/);
    assert.ok(line.includes("key k\\u{202e}\\x1b]0;t\\x07: every step matched, out of order; lolhunt explain '"), line);
    assert.ok(line.endsWith("x\\x1b[31m.ndjson'"), line);
    const none = await runCli(['scan', path.join(ROOT, 'samples/unusual-network-activity-from-windows-system-binary/positive.ndjson'), '--format', 'ndjson']);
    assert.doesNotMatch(none.stderr, /near misses/);
    // An ad-hoc query has no rule for explain to take: not watched.
    const query = await runCli(['query', 'sequence by process.entity_id [process where true] [network where true]', file, '--format', 'json']);
    assert.equal((JSON.parse(query.stdout) as { summary: Record<string, unknown> }).summary.near_misses, undefined);
    assert.doesNotMatch(query.stderr, /near misses/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
