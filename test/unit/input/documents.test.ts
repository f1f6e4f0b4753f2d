import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentSplitter, detectContainer } from '../../../src/input/documents.js';
import type { InputItem } from '../../../src/input/index.js';

/** Feeds the text in pieces of `step` bytes (1 = byte by byte, across every boundary). */
function split(text: string, opts: { search?: boolean; max?: number; step?: number } = {}): InputItem[] {
  const s = new DocumentSplitter(opts.max ?? 1 << 20, opts.search ?? false);
  const buf = Buffer.from(text);
  const out: InputItem[] = [];
  const step = opts.step ?? buf.length;
  for (let i = 0; i < buf.length; i += step) s.push(buf.subarray(i, i + step), out);
  s.end(out);
  return out;
}

const pretty = (o: object) => JSON.stringify(o, null, 2);

/** 1-based line of the n-th (0-based) occurrence of `needle`. */
function lineOf(text: string, needle: string, n = 0): number {
  let at = -1;
  for (let k = 0; k <= n; k++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} #${n} not in the text`);
  return text.slice(0, at).split('\n').length;
}

test('detectContainer: NDJSON, array, pretty documents, evtx_dump headers, search responses', () => {
  const d = (t: string) => detectContainer(Buffer.from(t));
  assert.equal(d('{"a":1}\n{"a":2}\n'), 'lines');
  assert.equal(d('{"a":1}'), 'lines');
  assert.equal(d('{"a": "a long line cut off by the end of the sniffed bytes'), 'lines');
  assert.equal(d('{bad}\n{"a":2}\n'), 'lines', 'a broken first NDJSON line does not change the container');
  assert.equal(d('{not json\n\n{"a":2}\n'), 'lines', 'nor does one followed by a blank line');
  assert.equal(d('{"a": 1,\n "b": 2}\n'), 'documents', 'a first line that ends inside the document');
  assert.equal(d('\ufeff  [\n{"a":1}]'), 'array');
  assert.equal(d(pretty({ a: 1, b: { c: 2 } })), 'documents');
  assert.equal(d('Record 1\n' + pretty({ Event: {} })), 'documents');
  assert.equal(d(pretty({ took: 3, timed_out: false, hits: { hits: [] } })), 'search');
  assert.equal(d('{"_scroll_id":"x","hits":{"hits":[]}}\n'), 'search');
});

test('pretty-printed documents: one item each, numbered by the line they start on', () => {
  const text = pretty({ a: 1, nested: { b: [1, 2] } }) + '\n' + pretty({ a: 2 }) + pretty({ a: 3 }) + '\n';
  for (const step of [1, 7, 1 << 20]) {
    const items = split(text, { step });
    const starts = [0, 1, 2].map((n) => lineOf(text, '{\n  "a"', n));
    assert.deepEqual(starts.slice(0, 2), [1, 10]);
    assert.deepEqual(items.map((i) => i.kind === 'line' && [i.line, JSON.parse(i.text).a]), [[starts[0], 1], [starts[1], 2], [starts[2], 3]], `step ${step}`);
  }
});

test('strings holding brackets, quotes and escapes do not confuse the splitter', () => {
  const doc = { s: 'a } ] { [ \\" \\\\', t: '\\', u: '"}' };
  const items = split(pretty(doc) + pretty(doc), { step: 3 });
  assert.equal(items.length, 2);
  for (const i of items) assert.deepEqual(i.kind === 'line' && JSON.parse(i.text), doc);
});

test('evtx_dump "Record N" headers are skipped; other text between documents is a bad line', () => {
  const text = `Record 1\n${pretty({ n: 1 })}\nRecord 2\n${pretty({ n: 2 })}\ngarbage here\n${pretty({ n: 3 })}\n`;
  const items = split(text);
  assert.deepEqual(items.map((i) => [i.kind, i.line]), [['line', 2], ['line', 6], ['bad', 9], ['line', 10]]);
  assert.equal((items[2] as { reason: string }).reason, 'not a JSON document: "garbage here"');
});

test('an unterminated document and an oversized one are bad lines, the rest is still read', () => {
  const unterminated = split(`${pretty({ n: 1 })}\n{\n  "n": 2,\n`);
  assert.deepEqual(unterminated.map((i) => [i.kind, i.line]), [['line', 1], ['bad', 4]]);
  assert.equal((unterminated[1] as { reason: string }).reason, 'unterminated JSON document (the input ends inside it)');
  const big = split(`{"x":"${'y'.repeat(100)}"}\n{"n":2}\n`, { max: 50, step: 16 });
  assert.deepEqual(big.map((i) => [i.kind, i.line]), [['bad', 1], ['line', 2]]);
  assert.equal((big[0] as { reason: string }).reason, 'document exceeds 50 bytes (--max-line-bytes)');
});

test('search responses: the hits\' _source, numbered by the line each hit starts on', () => {
  const response = (ids: number[]) => pretty({
    took: 5, timed_out: false, _shards: { total: 1 },
    hits: { total: { value: ids.length }, max_score: 1, hits: ids.map((id) => ({ _index: 'logs', _id: String(id), _source: { n: id, tricky: '"hits": [' } })) },
    aggregations: { hits: { hits: [{ _source: { n: 'not a hit' } }] } },
  });
  const text = response([1, 2]) + '\n' + response([3]) + '\n' + JSON.stringify({ took: 1, hits: { hits: [{ _id: 'x' }] } }) + '\n';
  for (const step of [1, 1 << 20]) {
    const items = split(text, { search: true, step });
    assert.deepEqual(items.map((i) => (i.kind === 'value' ? (i.value as { n: number }).n : i.kind)), [1, 2, 3, 'bad'], `step ${step}`);
    const hitLines = [0, 1, 2].map((n) => lineOf(text, '"_index"', n) - 1).concat(lineOf(text, '"_id":"x"'));
    assert.deepEqual(items.map((i) => i.line), hitLines);
    assert.equal((items[3] as { reason: string }).reason, 'search hit without _source (export with _source enabled)');
  }
});
