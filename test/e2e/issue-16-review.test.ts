import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, runCli } from '../helpers/run-cli.js';
import { certutilPair, ndjson, tmpDir } from '../helpers/telemetry.js';

// Findings of the end-of-stop review of issue #16's hostile-input work, each with the good alert beside it.

test('issue-16 review: an alert whose time no Date can show does not crash the HTML report', async () => {
  const dir = tmpDir();
  const [start, net] = certutilPair('{far}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z') as Record<string, unknown>[];
  start!['@timestamp'] = 1e300;
  net!['@timestamp'] = 1e300 + 1;
  fs.writeFileSync(path.join(dir, 'far.ndjson'), ndjson([start!, net!]));
  fs.writeFileSync(path.join(dir, 'good.ndjson'), ndjson(certutilPair('{good}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z')));
  const out = path.join(tmpDir(), 'report.html');
  const run = await runCli(['scan', dir, '-o', out]);
  assert.equal(run.code, 1, run.stderr);
  // Since issue #22 such a time is no time (a bad line): the good alert is drawn beside it.
  assert.match(run.stderr, /far\.ndjson:1: missing or unparsable @timestamp/);
  assert.match(fs.readFileSync(out, 'utf8'), /\{good\}/);
});

test('issue-16 review: csv escapes terminal control and bidi characters; deep arrays in a shown field do not crash', async () => {
  const dir = tmpDir();
  const [start, net] = certutilPair('{csv}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z') as Record<string, Record<string, unknown>>[];
  start!.process!.command_line = 'certutil \u001b]0;owned\u0007 \u202Etxt.exe';
  // user.name nested 20,000 arrays deep (written by hand: JSON.stringify cannot).
  const deep = `${'['.repeat(20000)}"j.doe"${']'.repeat(20000)}`;
  fs.writeFileSync(path.join(dir, 'a.ndjson'), `${JSON.stringify(start).replace(/}$/, `,"user":{"name":${deep}}}`)}\n${JSON.stringify(net)}\n`);
  for (const format of ['csv', 'table', 'markdown']) {
    const run = await runCli(['scan', dir, '--format', format]);
    assert.equal(run.code, 1, `${format}: ${run.stderr}`);
    assert.doesNotMatch(run.stdout, /[\u001b\u0007\u202e]/, format);
  }
});

test('issue-16 review: --prefilter skip with --host reads like --prefilter off', async () => {
  const dir = tmpDir();
  const pairs = [...certutilPair('{h1}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z'), { '@timestamp': '2024-05-14T08:00:02Z', event: { category: 'process' }, host: { name: 'OTHER' } }];
  fs.writeFileSync(path.join(dir, 'a.ndjson'), ndjson(pairs));
  const off = await runCli(['scan', dir, '--host', 'ws01', '--format', 'json']);
  const skip = await runCli(['scan', dir, '--host', 'ws01', '--format', 'json', '--prefilter', 'skip']);
  const counts = (out: string) => {
    const r = JSON.parse(out) as { summary: { events: number; host_filtered: number }; alerts: unknown[] };
    return [r.summary.events, r.summary.host_filtered, r.alerts.length];
  };
  assert.deepEqual(counts(skip.stdout), counts(off.stdout));
  assert.deepEqual(counts(off.stdout), [2, 1, 1]);
});

test('issue-16 review: a timestamp in the mapping\'s own format places events in time, on any thread count', async () => {
  const dir = tmpDir();
  const docs = certutilPair('{fmt}', 'x', 'y').map((d, i) => ({ ...d, '@timestamp': `14/05/2024 08:00:0${i}` }));
  fs.writeFileSync(path.join(dir, 'a.ndjson'), ndjson(docs));
  fs.writeFileSync(path.join(dir, 'b.ndjson'), ndjson(certutilPair('{fmt2}', 'x', 'y').map((d, i) => ({ ...d, '@timestamp': `14/05/2024 09:00:0${i}` }))));
  const mapping = path.join(tmpDir(), 'mapping.json');
  fs.writeFileSync(mapping, JSON.stringify({ logs: { mappings: { properties: { '@timestamp': { type: 'date', format: 'dd/MM/yyyy HH:mm:ss' } } } } }));
  for (const threads of ['1', '2']) {
    const run = await runCli(['scan', dir, '--mapping', mapping, '--format', 'ndjson', '--threads', threads]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /bad lines\s+0/);
    assert.deepEqual(parseNdjson(run.stdout).map((a) => a['@timestamp']), ['2024-05-14T08:00:00.000Z', '2024-05-14T09:00:00.000Z']);
  }
});
