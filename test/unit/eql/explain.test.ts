import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest, compileQuery, createExplainer, editDistance, nodeText, requiredFields, type EventView, type FieldValue } from '../../../src/eql/index.js';

/** Flat dotted keys only: enough for these events. */
const view = (doc: Record<string, FieldValue>): EventView => ({ get: (p) => doc[p] });

function firstFailure(query: string, doc: Record<string, FieldValue>) {
  const q = compileQuery(query);
  const explain = createExplainer(query);
  const step = q.steps[0]!;
  const failure = explain(step.ast.filter, view(doc));
  // The explainer and the compiled predicate agree on whether the event matches.
  assert.equal(failure === null, step.matches(view(doc)), `${query} on ${JSON.stringify(doc)}`);
  return failure;
}

test('explain: the leftmost false operand of an and, with the values of its fields', () => {
  const f = firstFailure('process where process.name : "certutil.exe" and process.pid > 100 and user.name == "x"',
    { 'event.category': 'process', 'process.name': 'certutil.exe', 'process.pid': 7 });
  assert.equal(f?.kind, 'condition');
  assert.equal(f?.condition, 'process.pid > 100');
  assert.deepEqual(f?.values, [{ field: 'process.pid', value: 7 }]);
});

test('explain: an or whose alternatives all failed is reported whole; absent fields are undefined', () => {
  const f = firstFailure('process where (process.name : "a.exe" or process.pe.original_file_name : "a.exe") and true',
    { 'event.category': 'process', 'process.name': 'b.exe' });
  assert.equal(f?.condition, 'process.name : "a.exe" or process.pe.original_file_name : "a.exe"');
  assert.deepEqual(f?.values, [{ field: 'process.name', value: 'b.exe' }, { field: 'process.pe.original_file_name', value: undefined }]);
});

test('explain: a negated or names the alternative that held', () => {
  const f = firstFailure('network where not (destination.port == 443 or destination.ip == "10.0.0.1")',
    { 'event.category': ['network'], 'destination.port': 80, 'destination.ip': '10.0.0.1' });
  assert.equal(f?.condition, 'not destination.ip == "10.0.0.1"');
  assert.deepEqual(f?.values, [{ field: 'destination.ip', value: '10.0.0.1' }]);
});

test('explain: another category is a category failure; a match is null', () => {
  const f = firstFailure('network where true', { 'event.category': ['process'] });
  assert.equal(f?.kind, 'category');
  assert.equal(f?.condition, 'event.category is network');
  assert.equal(firstFailure('network where destination.port == 80', { 'event.category': 'network', 'destination.port': 80 }), null);
});

test('nodeText closes the parentheses a grouped node leaves open, and cuts long text', () => {
  const src = 'process where not (a == "(" or b == 1)';
  const q = compileQuery(src);
  assert.equal(nodeText(src, (q.ast as { filter: { condition: { start: number; end: number } } }).filter.condition), 'not (a == "(" or b == 1)');
  assert.equal(nodeText('x'.repeat(300), { start: 0, end: 300 }, 10), `${'x'.repeat(9)}…`);
});

test('requiredFields: non-optional fields, and the category field only when a step names a category', () => {
  assert.deepEqual(requiredFields(compileQuery('any where ?a.b == 1 and c.d == 2').ast, 'event.category'), ['c.d']);
  assert.deepEqual(requiredFields(compileQuery('sequence by x [process where true] [any where y == 1]').ast, 'cat').sort(), ['cat', 'x', 'y']);
});

test('editDistance counts a transposition as one edit; closest picks a typo, not another word', () => {
  assert.equal(editDistance('process.nmae', 'process.name'), 1);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(closest('process.nmae', ['process.pid', 'process.name', 'process.title']), 'process.name');
  assert.equal(closest('destination.domain', ['destination.ip', 'destination.port']), null);
  assert.equal(closest('same', ['same']), null);
});
