import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readItems, type InputItem } from '../../../src/input/index.js';
import { CONTAINER_WINDOW } from '../../../src/input/documents.js';
import { READ_CHUNK, readAhead } from '../../../src/input/read.js';

test('a file cut short while it is read ends in a "file shrank" error, after the lines that were there', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-shrink-'));
  const file = path.join(dir, 'f.ndjson');
  const line = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(90) });
  // Past the window read before the first lines come (the container is judged on it).
  const lines = Array.from({ length: Math.ceil((CONTAINER_WINDOW + 4 * READ_CHUNK) / 110) }, (_, i) => line(i));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const items: InputItem[] = [];
  let cut = false;
  for await (const batch of readItems({ index: 0, path: file }, { maxLineBytes: 1000 })) {
    items.push(...batch);
    if (!cut) {
      // Reads ahead may be in flight: whatever they return is what the file held then, or nothing.
      fs.truncateSync(file, CONTAINER_WINDOW + Math.floor(1.5 * READ_CHUNK));
      cut = true;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const last = items[items.length - 1];
  assert.equal(last?.kind, 'error');
  assert.match(last.kind === 'error' ? last.reason : '', /file shrank while being read/);
  const texts = items.filter((x) => x.kind === 'line').map((x) => (x.kind === 'line' ? x.text : ''));
  assert.ok(texts.length > 0 && texts.length < lines.length, `some lines, not all (${texts.length})`);
  // The line the cut falls in comes back as far as it went; every line before it whole.
  texts.forEach((t, i) => (i < texts.length - 1 ? assert.equal(t, lines[i], `line ${i + 1} is whole`) : assert.ok(lines[i]!.startsWith(t))));
});

test('reads ahead that a short read made wrong are dropped: reading goes on from where it stopped', async () => {
  const data = Buffer.from(Array.from({ length: 3 * READ_CHUNK + 123 }, (_, i) => i % 251));
  // A handle whose reads come back short now and then (a regular file does so only at its end).
  let reads = 0;
  const handle = {
    read: async (buffer: Buffer, offset: number, length: number, position: number) => {
      const n = Math.max(0, Math.min(++reads % 3 === 0 ? 1000 : length, data.length - position));
      data.copy(buffer, offset, position, position + n);
      return { bytesRead: n, buffer };
    },
  };
  const got: Buffer[] = [];
  for await (const chunk of readAhead(handle as unknown as Parameters<typeof readAhead>[0], 5)) got.push(Buffer.from(chunk));
  assert.ok(Buffer.concat(got).equals(data.subarray(5)), 'every byte from the start offset, once, in order');
});
