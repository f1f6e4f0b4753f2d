import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { discoverInputs } from '../../../src/input/index.js';

function tree(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-discover-'));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), '{}\n');
  }
  return dir;
}

test('folders give their telemetry files sorted; other files are listed as skipped; duplicates read once', async () => {
  const dir = tree(['b.ndjson', 'a/z.json.gz', 'a/y.jsonl', 'notes.txt', 'logs.7z', 'c.JSON']);
  const found = await discoverInputs([dir, path.join(dir, 'b.ndjson')], { cwd: '/' });
  assert.deepEqual(found.sources.map((s) => path.relative(dir, s.path)), ['a/y.jsonl', 'a/z.json.gz', 'b.ndjson', 'c.JSON']);
  assert.deepEqual(found.sources.map((s) => s.index), [0, 1, 2, 3]);
  assert.deepEqual(found.skipped.map((s) => path.relative(dir, s)), ['logs.7z', 'notes.txt']);
  assert.deepEqual(found.folders, [dir]);
  assert.deepEqual(found.problems, []);
});

test('a folder with nothing to read says so, and counts what it skipped', async () => {
  const dir = tree(['x.txt']);
  const found = await discoverInputs([dir]);
  assert.deepEqual(found.problems, [{ file: dir, reason: 'no .ndjson, .jsonl, .json(.gz), .evtx or .zip files in this directory; 1 other file(s) skipped, --verbose names them' }]);
});

test('globs keep to their depth unless they say **; no match is a problem', async () => {
  const dir = tree(['a.ndjson', 'sub/b.ndjson', 'sub/deeper/c.ndjson']);
  const one = await discoverInputs(['*.ndjson'], { cwd: dir });
  assert.deepEqual(one.sources.map((s) => s.path), ['a.ndjson']);
  const all = await discoverInputs(['**/*.ndjson'], { cwd: dir });
  assert.deepEqual(all.sources.map((s) => s.path), ['a.ndjson', path.join('sub', 'b.ndjson'), path.join('sub', 'deeper', 'c.ndjson')]);
  const none = await discoverInputs(['*.gz'], { cwd: dir });
  assert.deepEqual(none.problems, [{ file: '*.gz', reason: 'no files match this pattern' }]);
});

test('other accepted names (rule files) use the same walk', async () => {
  const dir = tree(['r/a.toml', 'r/b.ndjson']);
  const found = await discoverInputs([dir], { accept: /\.toml$/i, kind: '.toml rule' });
  assert.deepEqual(found.sources.map((s) => path.relative(dir, s.path)), ['r/a.toml']);
});

test('a FIFO in a folder is a problem, not a source; named explicitly it is a source', async (t) => {
  const dir = tree(['a.ndjson']);
  const fifo = path.join(dir, 'p.ndjson');
  if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo not available');
  const found = await discoverInputs([dir]);
  assert.deepEqual(found.sources.map((s) => path.basename(s.path)), ['a.ndjson']);
  assert.deepEqual(found.problems, [{ file: fifo, reason: 'FIFO, not a regular file: skipped (name it on the command line to read it)' }]);
  const named = await discoverInputs([fifo]);
  assert.deepEqual(named.sources.map((s) => s.path), [fifo]);
});
