import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { BIN, caughtMidRead, parseNdjson, ROOT, runCli } from '../helpers/run-cli.js';
import { certutilPair, ndjson, tmpDir } from '../helpers/telemetry.js';

/** Issue #22, trust round two: alerts in bounded memory (#8), evidence checked when read again (#13). */

test('issue-22 #13: a line rewritten in place during the scan is not reported as evidence; exit 3, the good file\'s alerts survive', async () => {
  const dir = tmpDir();
  const good = path.join(dir, 'good.ndjson');
  fs.writeFileSync(good, ndjson(certutilPair('{good}', '2024-05-14T07:00:00Z', '2024-05-14T07:00:01Z')));
  const file = path.join(dir, 'rewritten.ndjson');
  const pairs: object[] = [];
  for (let i = 0; i < 40000; i++) pairs.push(...certutilPair(`{t${i}}`, '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z'));
  const text = ndjson(pairs);
  fs.writeFileSync(file, text);
  const size = fs.statSync(file).size;
  const child = spawn(process.execPath, [BIN, 'scan', good, file, '--format', 'ndjson', '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  // Past a quarter of the file, line 1 has been read and no alert written yet (alerts
  // come after the whole timeline is ordered).
  if (!(await caughtMidRead(child, file, size))) return;
  // Line 1 in place, same size: another destination in its command line.
  const fd = fs.openSync(file, 'r+');
  const first = text.slice(0, text.indexOf('\n'));
  fs.writeSync(fd, first.replace('203.0.113.9', '203.0.113.7'), 0);
  fs.closeSync(fd);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 3, stderr);
  assert.match(stderr, /rewritten\.ndjson:1: changed after it was scanned/);
  assert.doesNotMatch(stdout, /203\.0\.113\.7/, 'the rewritten text is not evidence');
  const alerts = parseNdjson(stdout);
  assert.equal(alerts.length, 40001, 'every alert is still reported');
  const keys = alerts.map((a) => (a.join_keys as string[])[0]);
  assert.equal(keys[0], '{good}');
  const goodEvents = alerts[0]!.events as { source: { process?: { entity_id?: string } } }[];
  assert.equal(goodEvents[0]!.source.process?.entity_id, '{good}', "the good file's evidence is intact");
  const changed = alerts.find((a) => (a.join_keys as string[])[0] === '{t0}')!;
  assert.match(JSON.stringify(changed.events), /lolhunt\.error.*rewritten\.ndjson:1: the file changed after it was scanned/);
});

/** `n` one-line process events, a second apart, on 3 hosts. */
function manyEvents(n: number): string {
  let text = '';
  for (let i = 0; i < n; i++) text += `{"@timestamp":"${new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString()}","event":{"category":"process","id":${i}},"host":{"name":"h${i % 3}"},"process":{"name":"x.exe"}}\n`;
  return text;
}

test('issue-22 #8: json spools its records to a temporary file and writes them after the summary, as before; nothing is left in the temporary folder', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'many.ndjson');
  fs.writeFileSync(file, manyEvents(6000));
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const out = path.join(dir, 'out', 'alerts.json');
  fs.mkdirSync(path.dirname(out));
  const env = { TMPDIR: tmp };
  const viaFile = await runCli(['query', 'process where true', file, '-o', out, '-q', '--max-memory', '1'], { env });
  assert.equal(viaFile.code, 1, viaFile.stderr);
  const stdout = await runCli(['query', 'process where true', file, '--format', 'json', '-q'], { env });
  const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { summary: { alerts: number }; alerts: { events: { source: { event: { id: number } } }[] }[] };
  assert.equal(report.summary.alerts, 6000);
  assert.deepEqual(report.alerts.map((a) => a.events[0]!.source.event.id), Array.from({ length: 6000 }, (_, i) => i));
  // Timings aside (the summary), the same report to a file, spooled, or to stdout.
  const alertsPart = (t: string) => t.slice(t.indexOf('\n"alerts":['));
  assert.equal(alertsPart(fs.readFileSync(out, 'utf8')), alertsPart(stdout.stdout));
  assert.match(fs.readFileSync(out, 'utf8'), /^\{"version":.*,\n"summary":.*,\n"rules":.*,\n"alerts":\[\n\{.*\},\n\{/s);
  assert.deepEqual(fs.readdirSync(tmp), [], 'no spool or order folder left behind');
  assert.deepEqual(fs.readdirSync(path.dirname(out)), ['alerts.json'], 'no .NAME.PID.tmp left behind');
});

test('issue-22 #8: html and markdown keep a bounded part of many alerts (counts of all, details of the first); table spools its rows', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'many.ndjson');
  fs.writeFileSync(file, manyEvents(1200));
  const html = await runCli(['query', 'process where true', file, '--format', 'html', '-q']);
  assert.equal(html.code, 1, html.stderr);
  assert.match(html.stdout, /id="total-alerts"><b>1200<\/b>alerts/);
  assert.equal([...html.stdout.matchAll(/<section class="alert" id="alert-\d+"/g)].length, 1000);
  assert.equal([...html.stdout.matchAll(/<circle class="dot"/g)].length, 1000, 'a dot for each alert shown in full');
  assert.match(html.stdout, /… and 200 more alerts/);
  for (const h of ['h0', 'h1', 'h2']) assert.match(html.stdout, new RegExp(`<tr><td>${h}</td><td class="num">400</td></tr>`), 'hosts counted over every alert');
  // The axis spans every alert: 1,199 seconds apart, not the first 1,000's.
  assert.match(html.stdout, /00:19:59/);
  // The table spools its rows (widths need all of them) and draws them a row at a time.
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const table = await runCli(['query', 'process where true', file, '--format', 'table', '-q'], { env: { TMPDIR: tmp, COLUMNS: '120' } });
  assert.equal(table.code, 1, table.stderr);
  assert.match(table.stdout, /^┌.*┐\n│ time /);
  assert.match(table.stdout, /\n└[─┴]+┘\n$/);
  assert.equal([...table.stdout.matchAll(/│ x\.exe /g)].length, 1200);
  assert.equal([...table.stdout.matchAll(/^├/gm)].length, 1200, 'a separator above each row');
  assert.deepEqual(fs.readdirSync(tmp), []);
  const md = await runCli(['query', 'process where true', file, '--format', 'markdown', '-q']);
  assert.match(md.stdout, /## Alerts \(50 of 1200, most severe first; 1150 not shown\)/);
  assert.equal([...md.stdout.matchAll(/^\| 2024-01-01/gm)].length, 50);
});

test('issue-22 #8: an exit before commit or abort (an uncaught error, process.exit) leaves no .NAME.PID.tmp and no spool', () => {
  const dir = tmpDir();
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const target = path.join(dir, 'report.json');
  const url = (p: string) => JSON.stringify(pathToFileURL(path.join(ROOT, 'dist', 'src', 'cli', p)).href);
  for (const end of ['process.exit(7)', 'throw new Error("boom")']) {
    const script = `const { fileSink } = await import(${url('sinks.js')}); const { fileSpool } = await import(${url('spool.js')});
      const sink = fileSink(${JSON.stringify(target)}); sink.stream.write('half a report');
      const s = fileSpool(); s.write('x'.repeat(2 << 20));
      await new Promise((r) => setTimeout(r, 50)); ${end};`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
    assert.notEqual(run.status, 0, run.stderr);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['tmp'], `${end}: nothing beside the target`);
    assert.deepEqual(fs.readdirSync(tmp), [], `${end}: no spool left`);
  }
});
