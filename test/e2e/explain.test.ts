import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';

const certutil = 'samples/network-connection-via-certutil/negative.ndjson';

test('explain: a near miss shows the first failed condition and the value it saw', async () => {
  const run = await runCli(['explain', 'network-connection-via-certutil', '--key', 'e3-neg-private', certutil]);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.split('\n');
  assert.equal(lines[0], 'Network Connection via Certutil, key e3-neg-private: no alert (8 events read)');
  assert.ok(lines.includes(`  match      ${certutil}:3  2024-05-14T09:00:10.000Z`));
  assert.ok(lines.includes(`  near miss  ${certutil}:4  2024-05-14T09:00:11.000Z`));
  assert.ok(lines.includes('             failed: not cidrmatch(destination.ip, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")'));
  assert.ok(lines.includes('             saw:    destination.ip = "172.16.4.4"'));
  assert.ok(lines.includes('stopped at step 2: no event of this key satisfies it'));
});

test('explain: events in the wrong order', async () => {
  const run = await runCli(['explain', 'Network Connection via Certutil', '--key', 'e3-neg-before', certutil]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`^order: ${certutil}:7 satisfies step 2, but no sequence of this key was waiting for it \\(step 1 came later, at ${certutil}:8 2024-05-14T09:00:31.000Z\\)$`, 'm'));
});

test('explain: a sequence stopped by maxspan', async () => {
  const file = 'samples/unusual-network-activity-from-windows-system-binary/negative.ndjson';
  const run = await runCli(['explain', 'unusual-network-activity-from-windows-system-binary', '--key', 'e2-neg-late', file]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`^maxspan: ${file}:12 satisfies step 2 at 2024-05-14T09:05:31.000Z, but the sequence began at ${file}:7 2024-05-14T09:00:30.000Z, more than maxspan=5m before$`, 'm'));
});

test('explain: a sequence ended by until; a key that fires lists its alert', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-explain-'));
  try {
    const rule = fs.readFileSync('test/fixtures/rule-repo/rules/certutil-urlcache.toml', 'utf8')
      .replace('[network where process.name : "certutil.exe"]', '[network where process.name : "certutil.exe"]\nuntil [process where event.type == "end"]')
      .replace(/\[\[lolhunt\.fixture\]\][\s\S]*$/, '');
    fs.writeFileSync(path.join(dir, 'until.toml'), rule);
    const events = path.join(dir, 'events.ndjson');
    const ev = (ts: string, cat: string, type: string, extra = '') =>
      `{"@timestamp":"2024-06-01T10:00:0${ts}Z","event":{"category":["${cat}"],"type":["${type}"]},"process":{"entity_id":"u-1","name":"certutil.exe","args":["-urlcache"]}${extra}}`;
    fs.writeFileSync(events, [ev('0', 'process', 'start'), ev('1', 'process', 'end'), ev('2', 'network', 'start', ',"destination":{"ip":"203.0.113.1"}')].join('\n') + '\n');
    const run = await runCli(['explain', 'until', '--rules', path.join(dir, 'until.toml'), '--key', 'u-1', events]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^until: ${events}:2 matched the until condition and ended the open sequence \\(last event ${events}:1\\)$`, 'm'));
    assert.match(run.stdout, /^until: process where event\.type == "end"$/m);

    const fires = await runCli(['explain', 'Network Connection via Certutil', '--key', 'e3-certutil-positive', 'samples/network-connection-via-certutil/positive.ndjson']);
    assert.match(fires.stdout, /: 1 alert \(4 events read\)$/m);
    assert.match(fires.stdout, /^alert: samples\/network-connection-via-certutil\/positive\.ndjson:3 -> samples\/network-connection-via-certutil\/positive\.ndjson:4$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('explain --event: one event of an event rule', async () => {
  const file = 'test/fixtures/rule-repo/rules/regsvr32-scrobj.negative.ndjson';
  const run = await runCli(['explain', 'Regsvr32 Scriptlet Execution', '--rules', 'test/fixtures/rule-repo/rules/', '--event', `${file}:1`, file]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, [
    `Regsvr32 Scriptlet Execution, ${file}:1: no alert (1 event read)`,
    'step 1: process where event.type == "start" and process.name : "regsvr32.exe" and process.args : "*scrobj.dll"',
    `  near miss  ${file}:1  2024-06-01T11:05:00.000Z`,
    '             failed: process.args : "*scrobj.dll"',
    '             saw:    process.args = ["regsvr32.exe","/s","C:\\\\Program Files\\\\Vendor\\\\plugin.dll"]',
    '',
  ].join('\n'));
  const missing = await runCli(['explain', 'regsvr32-scrobj', '--rules', 'test/fixtures/rule-repo/rules/', '--event', `${file}:9`, file]);
  assert.match(missing.stdout, /^no event at that file and line$/m);
});

test('explain: usage errors exit 2 with a message', async () => {
  const cases: [string[], RegExp][] = [
    [['explain', 'network-connection-via-certutil', certutil], /give either --key VALUE .* or --event FILE:LINE/],
    [['explain', 'regsvr32-scrobj', '--rules', 'test/fixtures/rule-repo/rules/', '--key', 'x', certutil], /is an event rule and has no join key: use --event FILE:LINE/],
    [['explain', 'network-connection-via-certutil', '--key', 'a', '--key', 'b', certutil], /joins on 1 field: give 1 value to --key/],
    [['explain', 'Certutil', '--key', 'a', certutil], /no rule 'Certutil' — did you mean 'Network Connection via Certutil'\?/],
    [['explain', 'network-connection-via-certutil', '--event', 'nofileline', certutil], /must be FILE:LINE/],
  ];
  for (const [args, message] of cases) {
    const run = await runCli(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

test('explain: a key no event carries says so', async () => {
  const run = await runCli(['explain', 'network-connection-via-certutil', '--key', 'nobody', certutil]);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, 'Network Connection via Certutil, key nobody: no alert (8 events read)\nno event carries this key\n');
});
