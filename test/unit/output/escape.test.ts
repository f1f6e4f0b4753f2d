import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clip, escapeControl, safe, terminalText } from '../../../src/output/index.js';

test('issue-22 #12: terminalText escapes all but line feeds, and is idempotent over escaped values', () => {
  const hostile = 'a\u001b]52;c;eA==\u0007b\u009b31m\u202ec\u0000\td\r\ne';
  assert.equal(terminalText(hostile), 'a\\x1b]52;c;eA==\\x07b\\x9b31m\\u{202e}c\\x00\\td\\r\ne');
  assert.equal(terminalText(escapeControl(hostile)), escapeControl(hostile));
  assert.equal(safe`name: ${'x\ny'} (${3})`, 'name: x\\ny (3)');
});

test('issue-22 #12/#14: clip keeps short text, marks what it cut, never splits a surrogate pair', () => {
  assert.equal(clip('short', 10), 'short');
  assert.equal(clip('x'.repeat(15), 10), `${'x'.repeat(10)}… (+5 chars)`);
  assert.equal(clip(`${'x'.repeat(9)}😀yy`, 10), `${'x'.repeat(9)}… (+4 chars)`);
});

