import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { BIN, caughtMidRead, parseNdjson, runCli } from '../helpers/run-cli.js';
import { assertGoodAlert, certutilPair, GOOD, ndjson, tmpDir, withGood } from '../helpers/telemetry.js';

/**
 * Issue #16, hostile input and faults: one regression test per numbered defect, each next to
 * a good file whose alert must survive.
 */
test('issue-16 #1: -o never writes over an input or into a scanned folder; a device is written in place', async () => {
  const { dir, good } = withGood();
  const before = fs.readFileSync(good, 'utf8');
  const same = await runCli(['scan', good, '-o', good]);
  assert.equal(same.code, 2);
  assert.match(same.stderr, /refusing to write over an input file/);
  const link = path.join(path.dirname(dir), `${path.basename(dir)}-link.ndjson`);
  fs.symlinkSync(good, link);
  const viaLink = await runCli(['scan', good, '-o', link]);
  assert.equal(viaLink.code, 2, 'a link to an input is the input');
  fs.rmSync(link);
  const inside = await runCli(['scan', dir, '-o', path.join(dir, 'alerts.ndjson')]);
  assert.equal(inside.code, 2);
  assert.match(inside.stderr, /refusing to write inside .*a folder being scanned/);
  // Issue 26: a device or a FIFO holds no file to replace; it is written in place.
  if (fs.statSync('/dev/null').isCharacterDevice()) {
    const device = await runCli(['scan', good, '-o', '/dev/null']);
    assert.equal(device.code, 1, device.stderr);
    assert.ok(fs.statSync('/dev/null').isCharacterDevice(), '/dev/null is still a device');
  }
  const fifo = path.join(tmpDir(), 'report.ndjson');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    const reader = spawn('cat', [fifo]);
    let read = '';
    reader.stdout.on('data', (d: Buffer) => { read += d.toString(); });
    const closed = new Promise((resolve) => reader.on('close', resolve));
    const pipe = await runCli(['scan', good, '-o', fifo]);
    await closed;
    assert.equal(pipe.code, 1, pipe.stderr);
    assertGoodAlert(read);
    assert.ok(fs.statSync(fifo).isFIFO(), 'the FIFO is still a FIFO');
  }
  const folder = await runCli(['scan', good, '-o', tmpDir()]);
  assert.equal(folder.code, 2);
  assert.match(folder.stderr, /a directory; -o writes a file/);
  const readOnly = path.join(tmpDir(), 'report.ndjson');
  fs.writeFileSync(readOnly, 'earlier report\n', { mode: 0o444 });
  const ro = await runCli(['scan', good, '-o', readOnly]);
  assert.equal(ro.code, 4);
  assert.match(ro.stderr, /read-only; not replaced/);
  assert.equal(fs.readFileSync(readOnly, 'utf8'), 'earlier report\n');
  assert.equal(fs.readFileSync(good, 'utf8'), before, 'the evidence is untouched');
});

test('issue-16 #2: an event nested 5,000 levels deep is written, in every format, with the other alerts', async () => {
  const { dir, good } = withGood();
  const [start, net] = certutilPair('{deep}', '2024-05-14T09:00:00Z', '2024-05-14T09:00:01Z') as Record<string, unknown>[];
  const depth = 5000;
  const deep = JSON.stringify(start).replace(/}$/, `,"blob":${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}}`);
  const file = path.join(dir, 'deep.ndjson');
  fs.writeFileSync(file, `${deep}\n${JSON.stringify(net)}\n`);
  for (const format of ['ndjson', 'json', 'table', 'csv', 'html', 'markdown']) {
    const run = await runCli(['scan', good, file, '--format', format]);
    assert.equal(run.code, 1, `${format}: ${run.stderr}`);
    assert.match(run.stderr, /alerts\s+2/, format);
    if (format !== 'ndjson' && format !== 'json') continue;
    const alerts = format === 'json' ? (JSON.parse(run.stdout) as { alerts: Record<string, unknown>[] }).alerts : parseNdjson(run.stdout);
    const deepAlert = alerts.find((a) => (a.join_keys as string[])[0] === '{deep}')!;
    let blob = ((deepAlert.events as { source: Record<string, unknown> }[])[0]!.source.blob) as Record<string, unknown>;
    let levels = 0;
    while (typeof blob === 'object') {
      blob = blob.x as Record<string, unknown>;
      levels++;
    }
    assert.equal(levels, depth, `${format}: the whole value is kept`);
  }
});

test('issue-16 #4: a FIFO inside a scanned folder is reported, not waited on', async () => {
  const { dir } = withGood();
  const made = spawnSync('mkfifo', [path.join(dir, 'pipe.ndjson')]);
  if (made.status !== 0) {
    console.log('# SKIPPED: mkfifo is not available');
    return;
  }
  const run = await runCli(['scan', dir, '--format', 'ndjson'], { timeoutMs: 20_000 });
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /pipe\.ndjson: FIFO, not a regular file: skipped/);
  assertGoodAlert(run.stdout);
});

test('issue-16 #5: unreadable folders are file errors that name the folder', async (t) => {
  const { dir } = withGood();
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(path.join(dir, 'good.ndjson'), 0o644);
  const locked = path.join(dir, 'locked');
  fs.mkdirSync(locked);
  fs.writeFileSync(path.join(locked, 'hidden.ndjson'), GOOD);
  fs.chmodSync(locked, 0o000);
  const lockedTop = tmpDir();
  fs.chmodSync(lockedTop, 0o000);
  // Root reads any folder: run as nobody there.
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  if (asUser.length && spawnSync('setpriv', ['--version']).status !== 0) {
    t.skip('running as root without setpriv: cannot test permissions');
    return;
  }
  const run = (args: string[]) => spawnSync(asUser[0] ?? process.execPath, [...asUser.slice(1), ...(asUser.length ? [process.execPath] : []), BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' }, cwd: '/' });
  const sub = run(['scan', dir, '--format', 'ndjson']);
  assert.equal(sub.status, 3, sub.stderr);
  assert.match(sub.stderr, /locked: cannot read this directory: permission denied/);
  assert.match(sub.stderr, /file errors\s+1/);
  assertGoodAlert(sub.stdout);
  const top = run(['scan', lockedTop, dir, '--format', 'ndjson']);
  assert.equal(top.status, 3);
  assert.match(top.stderr, new RegExp(`${path.basename(lockedTop)}: cannot read this directory: permission denied`));
  assert.doesNotMatch(top.stderr, /no \.ndjson/);
  fs.chmodSync(locked, 0o755);
  fs.chmodSync(lockedTop, 0o755);
});

test('issue-16 #6: a NUL byte loses one line, not the file; UTF-16 is decoded; binary files are named', async () => {
  const { dir, good } = withGood();
  const [start, net] = certutilPair('{nul}', '2024-05-14T09:00:00Z', '2024-05-14T09:00:01Z');
  fs.writeFileSync(path.join(dir, 'nul.ndjson'), `{"a":"\0"}\n${ndjson([start!, net!])}`);
  const withNul = await runCli(['scan', dir, '--format', 'ndjson']);
  assert.equal(withNul.code, 1, withNul.stderr);
  assert.match(withNul.stderr, /nul\.ndjson:1: binary data \(NUL byte\)/);
  assert.equal(parseNdjson(withNul.stdout).length, 2);

  const u16 = path.join(dir, 'u16.ndjson');
  fs.writeFileSync(u16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ndjson(certutilPair('{utf16}', '2024-05-14T10:00:00Z', '2024-05-14T10:00:01Z')), 'utf16le')]));
  const be = path.join(dir, 'u16be.ndjson');
  fs.writeFileSync(be, Buffer.from(ndjson(certutilPair('{utf16be}', '2024-05-14T11:00:00Z', '2024-05-14T11:00:01Z')), 'utf16le').swap16());
  const evtx = path.join(dir, 'Security.evtx.json');
  fs.writeFileSync(evtx, Buffer.concat([Buffer.from('ElfFile\0'), Buffer.alloc(4096)]));
  const run = await runCli(['scan', good, u16, be, evtx, '--format', 'ndjson']);
  assert.equal(run.code, 3);
  assert.deepEqual(parseNdjson(run.stdout).map((a) => (a.join_keys as string[])[0]).sort(), ['{good}', '{utf16be}', '{utf16}']);
  // Read as EVTX whatever its name: a header of zeros is damage, reported, and the scan goes on.
  assert.match(run.stderr, /Security\.evtx\.json: file header: checksum mismatch/);
});

test('issue-16 #7: -o into a missing folder or a folder is one clear line, with its own exit code', async () => {
  const { dir, good } = withGood();
  const missing = await runCli(['scan', good, '-o', path.join(dir, 'no', 'such', 'a.ndjson')]);
  assert.equal(missing.code, 4);
  assert.match(missing.stderr, /^lolhunt: cannot write .*: folder .* does not exist\n$/);
  const folder = await runCli(['scan', good, '-o', tmpDir()]);
  assert.equal(folder.code, 2);
  assert.match(folder.stderr, /^lolhunt: -o .*: a directory; -o writes a file/);
  assert.doesNotMatch(missing.stderr + folder.stderr, /\n\s+at /, 'no stack trace');
});

test('issue-16 #8: a file cut short while it is read is a file error', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'growing.ndjson');
  const pairs: object[] = [];
  for (let i = 0; i < 40000; i++) pairs.push(...certutilPair(`{t${i}}`, '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z'));
  fs.writeFileSync(file, ndjson(pairs));
  const size = fs.statSync(file).size;
  const child = spawn(process.execPath, [BIN, 'scan', file, '--format', 'ndjson', '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  if (!(await caughtMidRead(child, file, size))) return;
  fs.truncateSync(file, Math.floor(size / 2));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 3, stderr);
  assert.match(stderr, /growing\.ndjson(:\d+)?: file shrank while being read/);
});

test('issue-16 #9: gzip with a bad CRC or trailing garbage keeps its intact content and says what is wrong', async () => {
  const { dir, good } = withGood();
  const gz = zlib.gzipSync(ndjson(certutilPair('{crc}', '2024-05-14T09:00:00Z', '2024-05-14T09:00:01Z')));
  const badCrc = Buffer.from(gz);
  badCrc[badCrc.length - 8]! ^= 0xff;
  fs.writeFileSync(path.join(dir, 'crc.ndjson.gz'), badCrc);
  const trailing = Buffer.concat([zlib.gzipSync(ndjson(certutilPair('{trail}', '2024-05-14T10:00:00Z', '2024-05-14T10:00:01Z'))), Buffer.from('garbage')]);
  fs.writeFileSync(path.join(dir, 'trail.ndjson.gz'), trailing);
  const padded = Buffer.concat([zlib.gzipSync(ndjson(certutilPair('{pad}', '2024-05-14T11:00:00Z', '2024-05-14T11:00:01Z'))), Buffer.alloc(512)]);
  fs.writeFileSync(path.join(dir, 'padded.ndjson.gz'), padded);
  const run = await runCli(['scan', dir, good, '--format', 'ndjson']);
  assert.equal(run.code, 3);
  assert.deepEqual(parseNdjson(run.stdout).map((a) => (a.join_keys as string[])[0]).sort(), ['{crc}', '{good}', '{pad}', '{trail}']);
  assert.match(run.stderr, /crc\.ndjson\.gz(:\d+)?: gzip member 1: CRC or length check failed/);
  assert.match(run.stderr, /trail\.ndjson\.gz(:\d+)?: trailing data after the gzip stream/);
  assert.doesNotMatch(run.stderr, /padded/, 'zero padding after the last member is not an error');
  assert.match(run.stderr, /file errors\s+2/);
});

test('issue-16 #11: a reader that stops early still gets exit 1 for alerts, and nothing is buffered without bound', async () => {
  const dir = tmpDir();
  const pairs: object[] = [];
  for (let i = 0; i < 400; i++) pairs.push(...certutilPair(`{p${i}}`, `2024-05-14T08:${String(i % 60).padStart(2, '0')}:00Z`, `2024-05-14T08:${String(i % 60).padStart(2, '0')}:01Z`));
  const file = path.join(dir, 'many.ndjson');
  fs.writeFileSync(file, ndjson(pairs));
  const run = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" scan "${file}" --format ndjson -q | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  assert.equal(run.stdout.trim(), '1', run.stderr);
  assert.equal(run.stderr, '');
});

test('issue-16 #12: bidi and invisible characters are escaped in table cells and in file names on stderr', async () => {
  const dir = tmpDir();
  const [start, net] = certutilPair('{bidi}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z') as Record<string, Record<string, unknown>>[];
  start!.process!.command_line = 'certutil.exe -urlcache \u202Eexe.txt\u2066 \u200B\u2028';
  const file = path.join(dir, 'evil\u202Egpj.ndjson');
  fs.writeFileSync(file, `not json\n${ndjson([start!, net!])}`);
  const run = await runCli(['scan', file, '--format', 'table', '--wide']);
  assert.equal(run.code, 1);
  const visible = run.stdout + run.stderr;
  assert.doesNotMatch(visible, /[\u202a-\u202e\u2066-\u2069\u200b\u2028]/);
  assert.match(run.stdout, /\\u\{202e\}exe\.txt/);
  assert.match(run.stderr, /evil\\u\{202e\}gpj\.ndjson:1: invalid JSON/);
  const json = await runCli(['scan', file, '--format', 'ndjson']);
  assert.doesNotMatch(json.stdout, /[\u202a-\u202e\u2066-\u2069\u200b\u2028]/);
  const source = (parseNdjson(json.stdout)[0]!.events as { source: { process: { command_line: string } } }[])[0]!.source;
  assert.equal(source.process.command_line, start!.process!.command_line, 'the same value, written with escapes');
});

test('issue-16 #13: evidence is written as it was read: big and odd numbers, duplicate keys, escapes', async () => {
  const { dir, good } = withGood();
  const [start, net] = certutilPair('{exact}', '2024-05-14T09:00:00Z', '2024-05-14T09:00:01Z');
  const odd = '"big":123456789012345678901234567890,"huge":1e400,"neg":-0,"dup":1,"dup":2,"esc":"\\u0041\\/"';
  const line = JSON.stringify(start).replace(/}$/, `,${odd}}`);
  const file = path.join(dir, 'exact.ndjson');
  fs.writeFileSync(file, `${line}\n${JSON.stringify(net)}\n`);
  for (const format of ['ndjson', 'json']) {
    const run = await runCli(['scan', file, good, '--format', format]);
    assert.equal(run.code, 1);
    assert.ok(run.stdout.includes(`"source":${line}`), `${format}: the line is in the output byte for byte`);
  }
});

test('issue-16 #14: Ctrl-C or a kill during -o removes the temporary file', async () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const dir = tmpDir();
    const target = path.join(dir, 'alerts.ndjson');
    // stdin stays open, so the run is still going when the signal comes.
    const child = spawn(process.execPath, [BIN, 'scan', '-', '-o', target], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.write(GOOD);
    const temp = path.join(dir, `.alerts.ndjson.${child.pid}.tmp`);
    for (let i = 0; i < 2500 && !fs.existsSync(temp); i++) await new Promise((r) => setTimeout(r, 2));
    assert.ok(fs.existsSync(temp), 'the temporary file exists while the run goes on');
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, signal === 'SIGINT' ? 130 : 143);
    assert.deepEqual(fs.readdirSync(dir), [], `${signal}: nothing left behind`);
  }
});
