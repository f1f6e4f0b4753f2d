import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatTimestamp, parseDate, parseTimestamp } from '../../../src/normalize/index.js';

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

// Issue #13: every timestamp format real exports carry.
const formats: [string, unknown, number | null, string?][] = [
  ['Sysmon UtcTime (UTC, no zone)', '2024-05-14 08:00:00.250', base + 250],
  ['evtx SystemTime, 7 fractional digits', '2024-05-14T08:00:00.1234567Z', base + 123.4567],
  ['no fractional digits', '2024-05-14T08:00:00Z', base],
  ['epoch seconds', 1715673600, base, 'seconds'],
  ['epoch seconds with a fraction', '1715673600.5', base + 500, 'seconds'],
  ['epoch milliseconds', 1715673600123, base + 123, 'milliseconds'],
  ['small numbers stay milliseconds, as Elasticsearch reads them (its QA data counts 1, 2, 3)', '2', 2, 'milliseconds'],
  ['epoch microseconds', 1715673600123456, base + 123.456, 'microseconds'],
  ['epoch nanoseconds (string)', '1715673600123456789', base + 123.456789, 'nanoseconds'],
  ['PowerShell ConvertTo-Json date', '/Date(1715673600123)/', base + 123],
  ['impossible date', '2024-02-30T00:00:00Z', null],
  ['29 February outside a leap year', '2023-02-29 00:00:00', null],
  ['29 February in a leap year', '2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ['31 April', '2024-04-31T00:00:00Z', null],
  ['hour 24', '2024-05-14T24:00:00Z', null],
];

for (const [name, input, want, unit] of formats) {
  test(`parseDate: ${name}`, () => {
    const got = parseDate(input as never);
    if (want === null) return assert.equal(got, null);
    assert.ok(got !== null && Math.abs(got.ms - want) < 1e-3, `got ${got?.ms}, want ${want}`);
    assert.equal(got.epoch, unit);
  });
}

test('parseDate: years 0000–0099 stay themselves', () => {
  const got = parseDate('0099-12-31T00:00:00Z');
  assert.ok(got);
  assert.equal(new Date(got.ms).getUTCFullYear(), 99);
  assert.equal(formatTimestamp(got.ms), '0099-12-31T00:00:00.000Z');
  assert.equal(new Date(parseDate('0000-01-01')!.ms).getUTCFullYear(), 0);
});

test('the canonical form (YYYY-MM-DDTHH:MM:SS[.f]Z) reads as the general path reads it, valid or not', () => {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const canonical = fc.record({
    y: fc.integer({ min: 0, max: 9999 }), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 24 }), mi: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 0, max: 61 }),
    frac: fc.stringMatching(/^[0-9]{0,10}$/), dot: fc.boolean(),
  }).map((p) => `${pad(p.y, 4)}-${pad(p.mo, 2)}-${pad(p.d, 2)}T${pad(p.h, 2)}:${pad(p.mi, 2)}:${pad(p.s, 2)}${p.dot ? `.${p.frac}` : ''}Z`);
  fc.assert(fc.property(canonical, (s) => {
    // A leading space is trimmed by the general path only: the canonical reader does not take it.
    assert.deepEqual(parseDate(s), parseDate(` ${s}`), s);
  }), { numRuns: 5000, seed: 5 });
});
