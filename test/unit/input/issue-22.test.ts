import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CONTAINER_WINDOW, detectContainer } from '../../../src/input/documents.js';
import { readItems, splitFile } from '../../../src/input/read.js';

// Issue #22 item 6: the whole-file read and the byte-range splitter judge a file's container from the same bytes.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-container-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const doc = JSON.stringify({ '@timestamp': '2024-05-14T08:00:00Z', event: { category: 'process' } });
const SHAPES: [string, string][] = [
  ['an array after 10,000 blank lines', `${'\n'.repeat(10_000)}[${doc},\n${doc}]\n`],
  ['pretty documents after 10,000 blank lines', `${'\n'.repeat(10_000)}${JSON.stringify(JSON.parse(doc), null, 2)}\n`],
  ['pretty documents whose first line is 20 KiB long', `{"pad": "${'x'.repeat(20_000)}",\n "@timestamp": "2024-05-14T08:00:00Z"}\n{"@timestamp": "2024-05-14T08:00:01Z"}\n`],
  ['a _search response after 10,000 blank lines', `${'\n'.repeat(10_000)}{"took": 1, "hits": {"hits": [{"_source": ${doc}}]}}\n`],
];

for (const [what, text] of SHAPES) {
  test(`issue-22: ${what} is not cut into byte ranges, and reads as the same documents`, async () => {
    const file = path.join(dir, 'f.json');
    fs.writeFileSync(file, text);
    assert.notEqual(detectContainer(Buffer.from(text)), 'lines');
    assert.equal(await splitFile({ index: 0, path: file }, 100), null);
    const items = [];
    for await (const batch of readItems({ index: 0, path: file }, { maxLineBytes: 1 << 20 })) items.push(...batch);
    assert.ok(items.length >= 1 && items.every((i) => i.kind === 'value' || i.kind === 'line'), JSON.stringify(items.map((i) => i.kind)));
  });
}

test('issue-22: NDJSON past the window is still split; a first line longer than the window is NDJSON for both', async () => {
  const file = path.join(dir, 'n.ndjson');
  fs.writeFileSync(file, `${doc}\n`.repeat(1000));
  assert.ok((await splitFile({ index: 0, path: file }, 1000))!.length > 1);
  const long = `{"pad": "${'x'.repeat(CONTAINER_WINDOW)}",\n"a": 1}\n`;
  fs.writeFileSync(file, long);
  assert.equal(detectContainer(Buffer.from(long)), 'lines');
  assert.ok(await splitFile({ index: 0, path: file }, 1000));
});
