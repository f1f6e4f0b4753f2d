import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { readItems, readText, splitFile, type InputItem, type ReadOptions } from '../../../src/input/index.js';
import { READ_CHUNK } from '../../../src/input/read.js';

async function read(file: string, opts: Partial<ReadOptions> = {}): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const batch of readItems({ index: 0, path: file }, { maxLineBytes: 40, ...opts })) out.push(...batch);
  return out;
}

/** A whole read, each line's span checked to read back its text (ranges must give the same spans). */
async function readWhole(file: string, opts: Partial<ReadOptions> = {}): Promise<InputItem[]> {
  const items = await read(file, opts);
  for (const item of items) {
    if (item.kind !== 'line') continue;
    assert.ok(item.at, 'a line of a plain file read whole has its span');
    assert.equal(readText(file, item.at), item.text, 'the span reads back the line');
  }
  return items;
}

test('the byte ranges of a file, read on their own and renumbered, give exactly the whole read; spans read back each line', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-ranges-'));
  const line = fc.oneof(fc.constant(''), fc.constant('   '), fc.string({ maxLength: 60 }).map((s) => JSON.stringify({ s })), fc.constant('{"crlf":1}\r'));
  await fc.assert(fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 1, max: 120 }), async (lines, trailing, rangeBytes) => {
    const file = path.join(dir, 'f.ndjson');
    const text = lines.join('\n') + (trailing ? '\n' : '');
    fs.writeFileSync(file, text);
    const whole = await readWhole(file);
    const size = Buffer.byteLength(text);
    const got: InputItem[] = [];
    let base = 0;
    let bytes = 0;
    for (let start = 0; start < size; start += rangeBytes) {
      let lines = 0;
      const items = await read(file, { range: { start, end: Math.min(size, start + rangeBytes) }, onLineCount: (n) => { lines = n; }, onBytes: (n) => { bytes += n; } });
      got.push(...items.map((i) => ('line' in i && i.line !== undefined ? { ...i, line: i.line + base } : i)));
      base += lines;
    }
    assert.deepEqual(got, whole);
    assert.equal(bytes, size, 'the ranges add up to the file');
  }), { numRuns: 300, seed: 12 });
  fs.rmSync(dir, { recursive: true });
});

test('issue-16 review: a range whose last read ends exactly on a newline does not take the next range\'s first line', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-ranges-'));
  const file = path.join(dir, 'aligned.ndjson');
  // Range 1 is read from one byte before its start, READ_CHUNK bytes at a time; with a range
  // of READ_CHUNK - 1 bytes its first read ends exactly at its end, and lines of a length that
  // divides that end put a newline on its last byte.
  const rangeBytes = READ_CHUNK - 1;
  let length = 30;
  while ((2 * rangeBytes) % length !== 0) length++;
  const lines = Array.from({ length: Math.ceil((3 * rangeBytes) / length) }, (_, i) => JSON.stringify({ n: String(i).padStart(length - 9, '0') }));
  assert.equal(lines[0]!.length + 1, length);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const size = fs.statSync(file).size;
  const whole = await readWhole(file, { maxLineBytes: 100 });
  const got: InputItem[] = [];
  let base = 0;
  for (let start = 0; start < size; start += rangeBytes) {
    let count = 0;
    const items = await read(file, { maxLineBytes: 100, range: { start, end: Math.min(size, start + rangeBytes) }, onLineCount: (n) => { count = n; } });
    got.push(...items.map((i) => ('line' in i && i.line !== undefined ? { ...i, line: i.line + base } : i)));
    base += count;
  }
  assert.equal(got.length, whole.length);
  assert.deepEqual(got, whole);
  fs.rmSync(dir, { recursive: true });
});

test('only plain NDJSON of at least two ranges is split', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-ranges-'));
  const plain = path.join(dir, 'a.ndjson');
  fs.writeFileSync(plain, '{"a":1}\n'.repeat(100));
  assert.deepEqual(await splitFile({ index: 0, path: plain }, 300), [{ start: 0, end: 267 }, { start: 267, end: 534 }, { start: 534, end: 800 }]);
  assert.equal(await splitFile({ index: 0, path: plain }, 500), null, 'under two ranges');
  const array = path.join(dir, 'b.json');
  fs.writeFileSync(array, `[${'{"a":1},'.repeat(100)}{}]`);
  assert.equal(await splitFile({ index: 0, path: array }, 100), null, 'a JSON array is read whole');
  assert.equal(await splitFile({ index: 0, path: '-' }, 100), null);
  fs.rmSync(dir, { recursive: true });
});
