import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { UnseenFields } from '../../src/engine/reports/unseen.js';
import { DocumentView, getField } from '../../src/normalize/index.js';

// Keys that make paths collide (`a.b` beside `a: {b}`), empty segments, arrays of objects and
// scalars: the flattened view must answer every path exactly as getField does.
const KEYS = ['a', 'b', 'c', 'a.b', 'b.c', 'a.b.c', '', '.a', 'a.', 'a..b', '__proto__', 'x'];
const PATHS = ['a', 'b', 'c', 'x', 'a.b', 'b.c', 'a.c', 'a.b.c', 'a.x', 'x.a', 'a..b', '.a', 'a.', '', '..a', '.', 'a...b', '__proto__', '__proto__.a', 'a.b.c.a', 'b.a'];

const doc = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<unknown>('s', 1, 1.5, true, false, null, ''),
    fc.array(fc.constantFrom<unknown>('s', 2, null), { maxLength: 3 }),
    tie('object'),
    fc.array(tie('object'), { maxLength: 2 }),
    // Arrays of objects beside scalars, and nested: fields under them are multi-valued.
    fc.array(fc.oneof(tie('object'), fc.constantFrom<unknown>(1, null), fc.array(tie('object'), { maxLength: 2 })), { maxLength: 3 }),
  ),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
})).object;

test('a document view answers every read as getField does, before and after it flattens the document', () => {
  fc.assert(fc.property(doc, fc.shuffledSubarray(PATHS, { minLength: 1 }), (d, order) => {
    // The JSON round trip gives what JSON.parse gives (`__proto__` an own key, no undefined).
    const parsed = JSON.parse(JSON.stringify(d)) as object;
    // Flattened on the first read, and part way through (after 48 reads, the default).
    for (const view of [new DocumentView(parsed, 0), new DocumentView(parsed)]) {
      for (let round = 0; round < 100; round++) for (const path of order) assert.deepEqual(view.get(path), getField(parsed, path), path);
    }
  }), { numRuns: 500, seed: 7 });
});

test('a path spelled two ways keeps both values however often it is read', () => {
  const view = new DocumentView({ 'a.b': 1, a: { b: 2 } });
  for (let i = 0; i < 100; i++) assert.deepEqual(view.get('a.b'), [1, 2]);
});

test('a document nested deeper than the flattening limit is still read, without a stack overflow', () => {
  let deep: Record<string, unknown> = { leaf: 'x' };
  for (let i = 0; i < 5000; i++) deep = { a: deep };
  const view = new DocumentView({ b: 1, deep });
  for (let i = 0; i < 100; i++) assert.equal(view.get('b'), 1);
  assert.equal(view.get('deep.a.a.a.x'), undefined);
});

test('the fields of a watch list an event holds are the same found by its listed paths as by reading each', () => {
  fc.assert(fc.property(doc, fc.shuffledSubarray(PATHS, { minLength: 1 }), (d, watched) => {
    const parsed = JSON.parse(JSON.stringify(d)) as object;
    const want = watched.filter((p) => getField(parsed, p) !== undefined).sort();
    const flat = new DocumentView(parsed, 0);
    flat.get('a');
    const byPaths = new UnseenFields(watched).observe(flat).sort();
    const byReads = new UnseenFields(watched).observe(new DocumentView(parsed, Infinity)).sort();
    assert.deepEqual(byPaths, want);
    assert.deepEqual(byReads, want);
  }), { numRuns: 500, seed: 11 });
});
