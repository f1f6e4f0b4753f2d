import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { autoThreads } from '../../../src/engine/index.js';

test('--threads auto: by work — one thread for small inputs and stdin, several (at most 4) for large ones or many rules, gzip counted by its text', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-threads-'));
  const small = path.join(dir, 'small.ndjson');
  const large = path.join(dir, 'large.ndjson');
  fs.writeFileSync(small, '{}\n');
  // A sparse file: its size counts, it takes no disk.
  fs.closeSync(fs.openSync(large, 'w'));
  fs.truncateSync(large, 600 * 1024 * 1024);
  assert.equal(autoThreads([{ index: 0, path: small }, { index: 1, path: '-' }], 5), 1);
  assert.equal(autoThreads([{ index: 0, path: path.join(dir, 'missing') }], 5), 1);
  assert.equal(autoThreads([{ index: 0, path: small }, { index: 1, path: large }], 5), Math.min(os.availableParallelism(), 4));
  // A small gzip whose trailer records 600 MiB of text (the size is read from there).
  const gz = path.join(dir, 'large.ndjson.gz');
  const member = zlib.gzipSync(Buffer.from('{}\n'));
  member.writeUInt32LE(600 * 1024 * 1024, member.length - 4);
  fs.writeFileSync(gz, member);
  assert.equal(autoThreads([{ index: 0, path: gz }], 5), Math.min(os.availableParallelism(), 4));
  fs.writeFileSync(gz, zlib.gzipSync(Buffer.from('{}\n')));
  assert.equal(autoThreads([{ index: 0, path: gz }], 5), 1);
  // 300 MiB is little work for five rules and enough for a thousand (whose weight is capped:
  // 100 MiB is not, workers' start-up grows with the rules).
  fs.truncateSync(large, 100 * 1024 * 1024);
  assert.equal(autoThreads([{ index: 0, path: large }], 1000), 1);
  fs.truncateSync(large, 300 * 1024 * 1024);
  assert.equal(autoThreads([{ index: 0, path: large }], 5), 1);
  assert.equal(autoThreads([{ index: 0, path: large }], 1000), Math.min(os.availableParallelism(), 4));
  fs.rmSync(dir, { recursive: true });
});
