import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { discoverInputs, readItems, type InputItem, type InputSource } from '../../../src/input/index.js';
import { sysmonSample } from '../../helpers/evtx-writer.js';
import { makeZip } from '../../helpers/zip-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-zip-'));
const line = (n: number) => JSON.stringify({ '@timestamp': '2024-05-14T08:00:00Z', n }) + '\n';

async function read(source: InputSource): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const batch of readItems(source, { maxLineBytes: 1 << 20 })) out.push(...batch);
  return out;
}

test('a .zip reads like a folder: entries named archive.zip!path, sorted; others skipped; unsafe names refused', async () => {
  const zip = makeZip([
    { name: 'logs/b.ndjson', data: Buffer.from(line(1) + line(2)), deflate: true },
    { name: 'C/Windows/System32/winevt/Logs/Sysmon.evtx', data: sysmonSample(), deflate: true },
    { name: 'logs/c.json.gz', data: zlib.gzipSync(line(3)) },
    { name: 'logs/', data: Buffer.alloc(0) },
    { name: 'notes.txt', data: Buffer.from('hello') },
    { name: '../evil.ndjson', data: Buffer.from(line(4)) },
    { name: '/abs.ndjson', data: Buffer.from(line(5)) },
    { name: 'C:\\win.ndjson', data: Buffer.from(line(5)) },
    { name: 'a\0b.ndjson', data: Buffer.from(line(6)) },
    { name: 'secret.ndjson', data: Buffer.from(line(7)), flags: 1 },
  ]);
  fs.mkdirSync(path.join(dir, 'case'));
  fs.writeFileSync(path.join(dir, 'case', 'capture.zip'), zip);
  const found = await discoverInputs(['case'], { cwd: dir });
  assert.deepEqual(found.sources.map((s) => [s.index, s.path]), [
    [0, path.join('case', 'capture.zip') + '!C/Windows/System32/winevt/Logs/Sysmon.evtx'],
    [1, path.join('case', 'capture.zip') + '!logs/b.ndjson'],
    [2, path.join('case', 'capture.zip') + '!logs/c.json.gz'],
  ]);
  assert.deepEqual(found.skipped, [path.join('case', 'capture.zip') + '!notes.txt']);
  assert.deepEqual(found.problems.map((p) => [p.file.replace(/^.*!/, ''), p.reason]), [
    ['../evil.ndjson', 'refused: its name climbs out of the archive (..)'],
    ['/abs.ndjson', 'refused: its name is an absolute path'],
    ['C:\\win.ndjson', 'refused: its name is an absolute path'],
    ['a\\0b.ndjson', 'refused: its name holds a NUL byte'],
    ['secret.ndjson', 'refused: encrypted'],
  ]);
  const withCwd = (s: InputSource): InputSource => ({ ...s, archive: { ...s.archive!, file: path.join(dir, s.archive!.file) } });
  const evtx = await read(withCwd(found.sources[0]!));
  assert.deepEqual(evtx.map((i) => [i.kind, i.line]), [['value', 101], ['value', 102]]);
  const lines = await read(withCwd(found.sources[1]!));
  assert.deepEqual(lines.map((i) => (i.kind === 'line' ? [i.line, i.text, i.at] : i)), [[1, line(1).trim(), undefined], [2, line(2).trim(), undefined]]);
  const gz = await read(withCwd(found.sources[2]!));
  assert.deepEqual(gz.map((i) => i.kind), ['line']);
  // Named on the command line it is read whatever its name.
  fs.copyFileSync(path.join(dir, 'case', 'capture.zip'), path.join(dir, 'capture.bin'));
  assert.equal((await discoverInputs(['capture.bin'], { cwd: dir })).sources.length, 3);
});

test('zip bombs and damage: a lying size, a huge ratio, a CRC mismatch, a cut archive', async () => {
  const big = Buffer.alloc(4 * 1024 * 1024, 0x41);
  const file = path.join(dir, 'bomb.zip');
  fs.writeFileSync(file, makeZip([
    { name: 'liar.ndjson', data: big, deflate: true, declaredSize: 1000 },
    { name: 'crc.ndjson', data: Buffer.from(line(1)), crc: 1234 },
    { name: 'ok.ndjson', data: Buffer.from(line(2)), deflate: true },
  ]));
  const found = await discoverInputs([file]);
  assert.deepEqual(found.problems, []);
  const [crc, liar, ok] = found.sources;
  const liarItems = await read(liar!);
  assert.match(JSON.stringify(liarItems.at(-1)), /inflates past its declared 1000 bytes: refused \(a zip bomb\?\)/);
  assert.match(JSON.stringify((await read(crc!)).at(-1)), /CRC-32 mismatch/);
  assert.deepEqual((await read(ok!)).map((i) => i.kind), ['line']);

  // Declares 300 MB from a few bytes: refused from the directory, never inflated.
  const ratio = path.join(dir, 'ratio.zip');
  fs.writeFileSync(ratio, makeZip([{ name: 'r.ndjson', data: Buffer.from(line(1)), deflate: true, declaredSize: 300 * 1024 * 1024 }]));
  const r = await discoverInputs([ratio]);
  assert.equal(r.sources.length, 0);
  assert.match(r.problems[0]!.reason, /^refused: a zip bomb\? 314572800 bytes from \d+ \(over 1000:1\)$/);

  const cut = path.join(dir, 'cut.zip');
  fs.writeFileSync(cut, fs.readFileSync(file).subarray(0, 200));
  const c = await discoverInputs([cut]);
  assert.deepEqual(c.problems, [{ file: cut, reason: 'zip archive without its central directory (cut short?)' }]);
});
