import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sniff } from '../../../src/input/sniff.js';

test('binary files are named by their magic number; text passes', () => {
  assert.match(sniff(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2])).binary!, /^zip archive/);
  assert.match(sniff(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0])).binary!, /^7z archive/);
  assert.match(sniff(Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0])).binary!, /^UTF-32/);
  assert.match(sniff(Buffer.alloc(100, 1)).binary!, /^binary file/);
  assert.deepEqual(sniff(Buffer.from('{"a":"\0"}\n{"b":2}\n{"c":3}\n{"d":4}\n')), {}, 'one NUL does not make a file binary');
});

test('UTF-16 is recognised with or without a byte-order mark', () => {
  const json = '{"@timestamp":"2024-05-14T08:00:00Z","event":{"category":"process"}}\n'.repeat(3);
  assert.deepEqual(sniff(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')])), { utf16: 'utf-16le' });
  assert.deepEqual(sniff(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(json, 'utf16le').swap16()])), { utf16: 'utf-16be' });
  assert.deepEqual(sniff(Buffer.from(json, 'utf16le')), { utf16: 'utf-16le' });
  assert.deepEqual(sniff(Buffer.from(json, 'utf16le').swap16()), { utf16: 'utf-16be' });
  assert.deepEqual(sniff(Buffer.from(json)), {});
});
