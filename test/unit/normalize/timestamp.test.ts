import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTimestamp, parseTimestamp } from '../../../src/normalize/index.js';

const base = Date.UTC(2024, 4, 14, 8, 0, 0);

const cases: [unknown, number | null][] = [
  ['2024-05-14T08:00:00Z', base],
  ['2024-05-14T08:00:00.123Z', base + 123],
  ['2024-05-14T08:00:00.1Z', base + 100],
  ['2024-05-14T08:00:00.123456789Z', base + 123.456789],
  ['2024-05-14T10:00:00+02:00', base],
  ['2024-05-14T03:30:00-0430', base],
  ['2024-05-14 08:00:00.000', base],
  [base, base],
  [String(base), base],
  [['2024-05-14T08:00:00Z'], base],
  ['yesterday', null],
  ['2024-13-01T00:00:00Z', null],
  [null, null],
  [undefined, null],
  [true, null],
  [['2024-05-14T08:00:00Z', '2024-05-15T08:00:00Z'], null],
];

for (const [input, want] of cases) {
  test(`parseTimestamp(${JSON.stringify(input)})`, () => {
    const got = parseTimestamp(input as never);
    if (want === null) assert.equal(got, null);
    else assert.ok(got !== null && Math.abs(got - want) < 1e-3, `got ${got}, want ${want}`);
  });
}

test('formatTimestamp renders UTC with milliseconds', () => {
  assert.equal(formatTimestamp(base + 123.9), '2024-05-14T08:00:00.123Z');
});
