import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CliError } from '../../../src/cli/exit-codes.js';
import { readMappingFile } from '../../../src/cli/mapping.js';
import { compileOptions } from '../../../src/cli/options.js';

function mappingFile(doc: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-mapping-unit-')), 'mapping.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** The field types queries are compiled with, date parsers included. */
const typesOf = (mapping: string) => compileOptions({ categoryField: 'event.category', timestampField: '@timestamp', mapping }).fieldTypes ?? new Map();

const PROPERTIES = {
  host: { properties: { ip: { type: 'ip' }, name: { type: 'keyword', null_value: 'NONE' } } },
  message: { type: 'match_only_text' },
  title: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
  bytes: { type: 'long' },
  ratio: { type: 'scaled_float', scaling_factor: 100 },
  geo: { type: 'geo_point' },
};

test('a _mapping response, a {"mappings"} body and bare {"properties"} read alike; nested properties become dotted paths', () => {
  for (const doc of [{ 'logs-a': { mappings: { properties: PROPERTIES } } }, { mappings: { properties: PROPERTIES } }, { properties: PROPERTIES }]) {
    const types = readMappingFile(mappingFile(doc));
    assert.deepEqual(Object.fromEntries(types), {
      'host.ip': { type: 'ip' },
      'host.name': { type: 'keyword', nullValue: 'NONE' },
      message: { type: 'text', keyword: false },
      title: { type: 'text', keyword: true },
      bytes: { type: 'number', float: false },
      ratio: { type: 'number', float: true },
    });
  }
});

test('several indices: a date takes every index format; a type clash is an error', () => {
  const file = mappingFile({
    a: { mappings: { properties: { day: { type: 'date', format: 'dd-MM-yyyy' } } } },
    b: { mappings: { properties: { day: { type: 'date', format: 'yyyy-MM-dd' } } } },
    c: { mappings: {} },
  });
  assert.deepEqual(readMappingFile(file).get('day'), { type: 'date', format: 'dd-MM-yyyy||yyyy-MM-dd' });
  const day = typesOf(file).get('day');
  assert.ok(day?.type === 'date');
  assert.equal(day.parse('17-12-2022')?.ms, Date.UTC(2022, 11, 17));
  assert.equal(day.parse('2022-12-17')?.ms, Date.UTC(2022, 11, 17));
  assert.equal(day.parse('2022-12-17T10:00:00Z'), null, 'no default format once formats are given');
  const plain = typesOf(mappingFile({ properties: { t: { type: 'date' } } })).get('t');
  assert.ok(plain?.type === 'date');
  assert.equal(plain.parse('2022-12-17T10:00:00Z')?.ms, Date.UTC(2022, 11, 17, 10), 'default: strict_date_optional_time||epoch_millis');
  assert.equal(plain.parse(1671271200000)?.ms, 1671271200000);
  assert.throws(() => readMappingFile(mappingFile({ a: { mappings: { properties: { x: { type: 'ip' } } } }, b: { mappings: { properties: { x: { type: 'keyword' } } } } })),
    (err: unknown) => err instanceof CliError && err.code === 2 && /field 'x' is ip in index a but keyword in index b/.test(err.message));
});

test('what is not a mapping is a usage error', () => {
  for (const doc of [[], { hits: { total: 1 } }, { a: { settings: {} } }, { properties: { x: 'keyword' } }]) {
    assert.throws(() => readMappingFile(mappingFile(doc)), (err: unknown) => err instanceof CliError && err.code === 2, JSON.stringify(doc));
  }
});
