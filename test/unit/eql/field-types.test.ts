import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareVersions, compileQuery, EqlSyntaxError, type EventView, type FieldType, type FieldValue } from '../../../src/eql/index.js';

const view = (doc: Record<string, FieldValue>): EventView => ({ get: (path) => doc[path] });
const typed = (types: Record<string, FieldType>) => ({ fieldTypes: new Map(Object.entries(types)) });
const matches = (condition: string, doc: Record<string, FieldValue>, types: Record<string, FieldType>) =>
  compileQuery(`any where ${condition}`, typed(types)).steps[0]!.matches(view(doc));

test('versions order by semantic-version precedence; invalid ones sort last', () => {
  const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.2.4', '1.11.3', '2', 'bad', 'worse'];
  for (let i = 0; i + 1 < ordered.length; i++) {
    assert.equal(compareVersions(ordered[i]!, ordered[i + 1]!), -1, `${ordered[i]} < ${ordered[i + 1]}`);
    assert.equal(compareVersions(ordered[i + 1]!, ordered[i]!), 1);
  }
  assert.equal(compareVersions('1.2.4', '1.2.4'), 0);
});

test('a version field compares by precedence, an untyped one as a string', () => {
  const doc = { v: '1.11.3' };
  assert.equal(matches('v > "1.5.0"', doc, { v: { type: 'version' } }), true);
  assert.equal(matches('v > "1.5.0"', doc, {}), false);
  assert.equal(matches('"1.5.0" < v', doc, { v: { type: 'version' } }), true, 'either side');
  assert.equal(matches('v == "1.11.3"', doc, { v: { type: 'version' } }), true);
});

test('an ip field compares as an address', () => {
  const types: Record<string, FieldType> = { ip: { type: 'ip' } };
  assert.equal(matches('ip == "10.0.0.1"', { ip: '::ffff:10.0.0.1' }, types), true);
  assert.equal(matches('ip == "10.0.0.1"', { ip: '::ffff:10.0.0.1' }, {}), false);
  assert.equal(matches('ip > "9.255.255.255"', { ip: '10.0.0.1' }, types), true);
  assert.equal(matches('ip > "9.255.255.255"', { ip: '10.0.0.1' }, {}), false, 'as strings "1" < "9"');
  assert.equal(matches('ip < "::1"', { ip: '10.0.0.1' }, types), false, 'IPv4 maps into ::ffff:0:0/96, above ::1');
  assert.equal(matches('ip in ("192.0.2.1", "10.0.0.1")', { ip: '::ffff:10.0.0.1' }, types), true, 'in compares addresses too');
  assert.equal(matches('ip not in ("192.0.2.1", "10.0.0.1")', { ip: '::ffff:10.0.0.1' }, types), false);
  assert.equal(matches('ip in ("192.0.2.1", "10.0.0.1")', { ip: '::ffff:10.0.0.1' }, {}), false);
});

test('a date field compares instants with the parser the mapping gives', () => {
  const parse = (v: FieldValue) => (typeof v === 'string' && /^\d\d-\d\d-\d{4}$/.test(v)
    ? { ms: Date.UTC(Number(v.slice(6)), Number(v.slice(3, 5)) - 1, Number(v.slice(0, 2))), unit: 86_400_000 } : null);
  const types: Record<string, FieldType> = { d: { type: 'date', parse } };
  assert.equal(matches('d > "01-02-2022"', { d: '17-01-2023' }, types), true);
  assert.equal(matches('d > "01-02-2022"', { d: '17-01-2023' }, {}), true, 'as strings "17" > "01"');
  assert.equal(matches('d < "01-02-2022"', { d: '17-01-2023' }, types), false);
  assert.equal(matches('d < "01-02-2022"', { d: '17-01-2023' }, {}), false);
  assert.equal(matches('d > "18-01-2022"', { d: '17-01-2023' }, types), true);
  assert.equal(matches('d > "18-01-2022"', { d: '17-01-2023' }, {}), false);
  const step = compileQuery('sample by d [any where true] [any where true]', typed(types)).steps[0]!;
  assert.deepEqual(step.keys(view({ d: '17-12-2022' })), [Date.UTC(2022, 11, 17)], 'a date key is its epoch millis');
  assert.deepEqual(step.dateKeys, [true]);
});

test('a keyword null_value stands for an explicit null, not for an absent field', () => {
  const types: Record<string, FieldType> = { k: { type: 'keyword', nullValue: 'NULL' } };
  assert.equal(matches('k == "NULL"', { k: null }, types), true);
  assert.equal(matches('k == "NULL"', {}, types), false);
  assert.equal(matches('k == null', { k: null }, types), false);
});

test('a text field without a keyword sub-field is a compile error at its position', () => {
  assert.throws(() => compileQuery('any where true and\n  message : "x*"', typed({ message: { type: 'text', keyword: false } })), (err: unknown) =>
    err instanceof EqlSyntaxError && err.line === 2 && err.column === 3 && /text with no keyword sub-field/.test(err.message));
  assert.equal(matches('message : "x*"', { message: 'xyz' }, { message: { type: 'text', keyword: true } }), true);
});

test('a floating-point field divides without truncating', () => {
  assert.equal(matches('x / 2 == 1', { x: 3 }, {}), true, 'JSON 3 reads as an integer');
  assert.equal(matches('x / 2 == 1.5', { x: 3 }, { x: { type: 'number', float: true } }), true);
});
