import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareEvents, compareValues } from '../../../src/engine/order/timeline.js';
import type { FieldValue } from '../../../src/engine/index.js';

test('one value order for tiebreakers and sample keys: missing and null, numbers by value, then text', () => {
  const values: FieldValue[] = ['b', true, 10, '10', null, -1, 'a', 2.5, ['x']];
  assert.deepEqual([...values].sort(compareValues), [null, -1, 2.5, 10, '10', ['x'], 'a', 'b', true]);
  // Missing is null (Array#sort never passes undefined to a comparator, so it is asked directly).
  assert.equal(compareValues(undefined, null), 0);
  assert.ok(compareValues(undefined, -1) < 0 && compareValues('a', undefined) > 0);
  // A number tiebreaker sorts before a string one whatever their text (5 before "3").
  const at = (tiebreak: FieldValue, line: number) => ({ ts: 0, tiebreak, fileIndex: 0, part: 0, line, raw: '' });
  assert.ok(compareEvents(at(5, 2), at('3', 1)) < 0);
  assert.ok(compareEvents(at(null, 2), at(1, 1)) < 0);
});
