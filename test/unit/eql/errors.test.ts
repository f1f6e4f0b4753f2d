import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caretExcerpt } from '../../../src/eql/index.js';

/** The output layer's escaping, as the CLI passes it (a unit test of eql may not import output). */
const escapeControl = (t: string) => t.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/\u202e/g, '\\u{202e}');

test('issue-22 #12: caretExcerpt clips a long line around the error and places the caret under the rendered text', () => {
  assert.equal(caretExcerpt('a and and', 6), '  a and and\n        ^');
  assert.equal(caretExcerpt('x\r\na and and\r\ny', 9, escapeControl), '  a and and\n        ^', 'a CRLF line ends before its CR');
  const line = `${'a'.repeat(500)} ERR ${'b'.repeat(500)}`;
  const [text, caret] = caretExcerpt(line, 501).split('\n') as [string, string];
  assert.equal(text, `  …${'a'.repeat(79)} ERR ${'b'.repeat(76)}…`);
  assert.equal(caret.indexOf('^'), text.indexOf('ERR'));
  const [shown, under] = caretExcerpt('x == "\u001b\u202e" and and', 14, escapeControl).split('\n') as [string, string];
  assert.equal(shown, '  x == "\\x1b\\u{202e}" and and');
  assert.equal(under.indexOf('^'), shown.lastIndexOf('and'));
});
