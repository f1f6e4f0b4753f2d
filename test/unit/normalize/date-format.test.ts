import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateFormatParser } from '../../../src/normalize/index.js';

const day = 86_400_000;

test('Java-style patterns read their own layout only', () => {
  const eu = dateFormatParser('dd-MM-yyyy');
  assert.deepEqual(eu('17-12-2022'), { ms: Date.UTC(2022, 11, 17), unit: day });
  assert.equal(eu('2022-12-17'), null);
  assert.equal(eu('31-02-2022'), null, 'no 31 February');
  const iso = dateFormatParser('yyyy-MM-dd');
  assert.deepEqual(iso('2022-12-17'), { ms: Date.UTC(2022, 11, 17), unit: day });
  assert.equal(iso('17-12-2022'), null);
});

test('alternatives (||) are tried in order; built-in names work', () => {
  const p = dateFormatParser('dd-MM-yyyy||yyyy-MM-dd||epoch_millis');
  assert.equal(p('17-12-2022')?.ms, Date.UTC(2022, 11, 17));
  assert.equal(p('2022-12-17')?.ms, Date.UTC(2022, 11, 17));
  assert.equal(p('1671235200000')?.ms, 1671235200000);
  assert.equal(dateFormatParser('epoch_second')(1671235200)?.ms, 1671235200000);
  assert.equal(dateFormatParser('strict_date_optional_time')('2022-12-17T10:00:00+02:00')?.ms, Date.UTC(2022, 11, 17, 8));
  assert.equal(dateFormatParser('basic_date')('20221217')?.ms, Date.UTC(2022, 11, 17));
});

test('times, fractions, zones, month names and quoted literals', () => {
  const p = dateFormatParser("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
  assert.deepEqual(p('2022-12-17T10:11:12.345-01:30'), { ms: Date.UTC(2022, 11, 17, 11, 41, 12, 345), unit: 1 });
  assert.deepEqual(dateFormatParser('dd/MMM/yyyy:HH:mm:ss Z')('17/Dec/2022:10:11:12 +0000'), { ms: Date.UTC(2022, 11, 17, 10, 11, 12), unit: 1000 });
  assert.deepEqual(dateFormatParser('MM/yyyy')('02/2024'), { ms: Date.UTC(2024, 1, 1), unit: 29 * day }, 'a month stands for the whole month');
  assert.equal(dateFormatParser('hh:mm a dd.MM.yyyy')('01:05 PM 17.12.2022')?.ms, Date.UTC(2022, 11, 17, 13, 5));
});

test('formats it cannot honour are errors naming the part', () => {
  assert.throws(() => dateFormatParser('yyyy-QQ'), /unsupported date pattern letter 'Q'/);
  assert.throws(() => dateFormatParser('weekyear_week_day'), /unsupported built-in date format 'weekyear_week_day'/);
  assert.throws(() => dateFormatParser("yyyy'T"), /unterminated quote/);
});
