import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getField } from '../../../src/normalize/index.js';

const cases: { name: string; doc: object; path: string; want: unknown }[] = [
  { name: 'nested', doc: { process: { name: 'a.exe' } }, path: 'process.name', want: 'a.exe' },
  { name: 'flat dotted key', doc: { 'process.name': 'a.exe' }, path: 'process.name', want: 'a.exe' },
  { name: 'mixed: dotted key inside an object', doc: { process: { 'code_signature.trusted': false } }, path: 'process.code_signature.trusted', want: false },
  { name: 'mixed: object under a dotted key', doc: { 'process.code_signature': { trusted: true } }, path: 'process.code_signature.trusted', want: true },
  { name: 'flat key and nested both count (multi-valued)', doc: { 'a.b': 1, a: { b: 2 } }, path: 'a.b', want: [1, 2] },
  { name: 'issue-13: a decoy flat key does not hide the nested value', doc: { 'process.name': 'chrome.exe', process: { name: 'certutil.exe' } }, path: 'process.name', want: ['chrome.exe', 'certutil.exe'] },
  { name: 'both spellings holding arrays flatten into one', doc: { 'event.type': ['start'], event: { type: ['end', 'info'] } }, path: 'event.type', want: ['start', 'end', 'info'] },
  { name: 'a null spelling is kept beside a value', doc: { 'a.b': null, a: { b: 'x' } }, path: 'a.b', want: [null, 'x'] },
  { name: 'falls back to nested when flat key leads nowhere', doc: { 'a.b': { x: 1 }, a: { b: { c: 3 } } }, path: 'a.b.c', want: 3 },
  { name: 'absent', doc: { process: {} }, path: 'process.name', want: undefined },
  { name: 'explicit null is null, not absent', doc: { process: { name: null } }, path: 'process.name', want: null },
  { name: 'array value returned whole', doc: { event: { category: ['process', 'network'] } }, path: 'event.category', want: ['process', 'network'] },
  { name: 'array of objects fans out', doc: { hits: [{ ip: '1.1.1.1' }, { ip: '2.2.2.2' }, {}] }, path: 'hits.ip', want: ['1.1.1.1', '2.2.2.2'] },
  { name: 'path through a scalar is absent', doc: { process: 'x' }, path: 'process.name', want: undefined },
  { name: '__proto__ is plain data', doc: JSON.parse('{"__proto__": {"polluted": 1}}') as object, path: '__proto__.polluted', want: 1 },
  { name: 'inherited properties are not fields', doc: {}, path: 'constructor', want: undefined },
  { name: 'toString is not a field', doc: { a: {} }, path: 'a.toString', want: undefined },
];

for (const c of cases) {
  test(`getField: ${c.name}`, () => {
    assert.deepEqual(getField(c.doc, c.path), c.want);
  });
}

test('getField: reading __proto__ does not pollute Object.prototype', () => {
  getField(JSON.parse('{"__proto__": {"polluted": 1}}') as object, '__proto__.polluted');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
