import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter } from '../../../src/input/lines.js';
import type { InputItem, LineFilter } from '../../../src/input/index.js';

/** Feeds the text in chunks of `size` bytes and collects what the splitter yields. */
function split(text: string | Buffer, size: number, max = 1024): InputItem[] {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const splitter = new LineSplitter(max);
  const out: InputItem[] = [];
  for (let i = 0; i < bytes.length; i += size) splitter.push(bytes.subarray(i, i + size), out);
  splitter.end(out);
  return out;
}

test('lines are numbered as an editor numbers them, whatever the chunking', () => {
  const text = '\uFEFF{"a":1}\r\n\n  \n{"b":2}\n{"c":3}';
  const want = [{ kind: 'line', line: 1, text: '{"a":1}' }, { kind: 'line', line: 4, text: '{"b":2}' }, { kind: 'line', line: 5, text: '{"c":3}' }];
  for (const size of [1, 2, 3, 7, 1000]) assert.deepEqual(split(text, size), want, `chunks of ${size}`);
});

test('a line over the cap is reported once, at its own number, and never held whole', () => {
  const long = 'x'.repeat(100);
  for (const size of [1, 10, 1000]) {
    assert.deepEqual(split(`{"a":1}\n${long}\n{"b":2}\n`, size, 50), [
      { kind: 'line', line: 1, text: '{"a":1}' },
      { kind: 'bad', line: 2, reason: 'line exceeds 50 bytes (--max-line-bytes)' },
      { kind: 'line', line: 3, text: '{"b":2}' },
    ]);
  }
  assert.deepEqual(split('x'.repeat(60), 7, 50), [{ kind: 'bad', line: 1, reason: 'line exceeds 50 bytes (--max-line-bytes)' }], 'unterminated too');
});

test('a NUL byte makes its own line bad and nothing else', () => {
  const out = split(Buffer.from('{"a":1}\n{"b":"\0"}\n{"c":3}\n'), 4);
  assert.deepEqual(out.map((i) => [i.kind, 'line' in i ? i.line : undefined]), [['line', 1], ['bad', 2], ['line', 3]]);
});

test('a multi-byte character split across chunks is decoded whole', () => {
  const out = split('{"a":"é€😀"}\n', 1);
  assert.deepEqual(out, [{ kind: 'line', line: 1, text: '{"a":"é€😀"}' }]);
});

test('with a line filter too, each line carries the span that reads it back, over any chunking', () => {
  const text = '\uFEFF{"a":1}\r\n\n{"b":"é€"}\n  \n{"c":3}\r\n{"d":4}';
  const bytes = Buffer.from(text);
  const tagAll: LineFilter = { select: (_buf, _starts, _ends, n, out) => { for (let i = 0; i < n; i++) out[i] = []; } };
  for (const size of [1, 2, 5, 9, 1000]) {
    const splitter = new LineSplitter(1024, tagAll, undefined, true);
    const out: InputItem[] = [];
    for (let i = 0; i < bytes.length; i += size) splitter.push(bytes.subarray(i, i + size), out);
    splitter.end(out);
    const lines = out.filter((i) => i.kind === 'line');
    assert.deepEqual(lines.map((i) => i.text), ['{"a":1}', '{"b":"é€"}', '{"c":3}', '{"d":4}'], `chunks of ${size}`);
    for (const item of lines) {
      assert.ok(item.at, `chunks of ${size}: line ${item.line} has a span`);
      assert.equal(bytes.subarray(item.at[0], item.at[0] + item.at[1]).toString('utf8'), item.text, `chunks of ${size}: line ${item.line}`);
    }
  }
});
