import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, runCli } from '../helpers/run-cli.js';

const ndjson = (docs: object[]) => docs.map((d) => JSON.stringify(d)).join('\n') + '\n';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-mapping-'));
}

/** A `GET <indices>/_mapping` response: index name → its mapping. */
function mappingResponse(indices: Record<string, object>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(indices).map(([index, properties]) => [index, { mappings: { properties } }])), null, 2);
}

const versions = [
  { '@timestamp': '2024-05-14T08:00:00Z', event: { category: 'package' }, package: { name: 'a', version: '1.2.4' } },
  { '@timestamp': '2024-05-14T08:00:01Z', event: { category: 'package' }, package: { name: 'b', version: '1.11.3' } },
  { '@timestamp': '2024-05-14T08:00:02Z', event: { category: 'package' }, package: { name: 'c', version: '1.5.0-rc.1' } },
];

test('--mapping: a version field compares by semantic-version order, not as a string', async () => {
  const dir = tmpDir();
  const data = path.join(dir, 'packages.ndjson');
  fs.writeFileSync(data, ndjson(versions));
  const mapping = path.join(dir, 'mapping.json');
  fs.writeFileSync(mapping, mappingResponse({ 'logs-packages': { package: { properties: { version: { type: 'version' } } } } }));
  const query = 'package where package.version >= "1.5.0-alpha"';
  const names = (out: string) => parseNdjson(out).map((a) => ((a.events as { source: { package: { name: string } } }[])[0]!.source.package.name));

  const typed = await runCli(['query', query, data, '--mapping', mapping, '--format', 'ndjson']);
  assert.equal(typed.code, 1, typed.stderr);
  // 1.11.3 > 1.5.0-rc.1 > 1.5.0-alpha > 1.2.4
  assert.deepEqual(names(typed.stdout), ['b', 'c']);

  const untyped = await runCli(['query', query, data, '--format', 'ndjson']);
  assert.deepEqual(names(untyped.stdout), ['c'], 'as strings, "1.11.3" < "1.5.0-alpha"');
});

test('--mapping: date keys in per-index custom formats join on the same day', async () => {
  const dir = tmpDir();
  const a = path.join(dir, 'a.ndjson');
  const b = path.join(dir, 'b.ndjson');
  fs.writeFileSync(a, ndjson([{ event: { category: 'alert' }, day: '17-12-2022', id: 1 }]));
  fs.writeFileSync(b, ndjson([{ event: { category: 'failure' }, day: '2022-12-17', id: 2 }]));
  const mapping = path.join(dir, 'mapping.json');
  fs.writeFileSync(mapping, mappingResponse({ eu: { day: { type: 'date', format: 'dd-MM-yyyy' } }, iso: { day: { type: 'date', format: 'yyyy-MM-dd' } } }));
  const query = 'sample by day [alert where true] [failure where true]';
  // Two threads: each worker builds the date parsers again from the mapping's formats.
  const run = await runCli(['query', query, a, b, '--mapping', mapping, '--format', 'ndjson', '--threads', '2']);
  assert.equal(run.code, 1, run.stderr);
  const [sample] = parseNdjson(run.stdout);
  assert.deepEqual(sample!.join_keys, [Date.UTC(2022, 11, 17)]);
  assert.equal((await runCli(['query', query, a, b, '--format', 'ndjson'])).stdout, '', 'without the mapping the strings differ');
});

test('--mapping: a bad mapping file is a usage error (exit 2) naming the file and line, nothing scanned', async () => {
  const dir = tmpDir();
  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{\n  "idx": {\n    "mappings": {,\n  }\n}\n');
  const run = await runCli(['query', 'any where true', '-', '--mapping', broken], { stdin: ndjson(versions) });
  assert.equal(run.code, 2);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, new RegExp(`^lolhunt: ${broken.replace(/[.\\]/g, '\\$&')}:3:\\d+: invalid JSON in mapping file`));

  const notMapping = path.join(dir, 'other.json');
  fs.writeFileSync(notMapping, '{"took": 3, "hits": {}}');
  const other = await runCli(['scan', '-', '--mapping', notMapping], { stdin: ndjson(versions) });
  assert.equal(other.code, 2);
  assert.match(other.stderr, /other\.json: not an Elasticsearch mapping/);

  const missing = await runCli(['scan', '-', '--mapping', path.join(dir, 'nope.json')], { stdin: ndjson(versions) });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read mapping file .*nope\.json/);

  const conflict = path.join(dir, 'conflict.json');
  fs.writeFileSync(conflict, mappingResponse({ a: { port: { type: 'long' } }, b: { port: { type: 'keyword' } } }));
  const clash = await runCli(['scan', '-', '--mapping', conflict], { stdin: ndjson(versions) });
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /conflict\.json: field 'port' is number in index a but keyword in index b/);

  const badFormat = path.join(dir, 'format.json');
  fs.writeFileSync(badFormat, mappingResponse({ idx: { t: { type: 'date', format: 'yyyy-QQ' } } }));
  const format = await runCli(['scan', '-', '--mapping', badFormat], { stdin: ndjson(versions) });
  assert.equal(format.code, 2);
  assert.match(format.stderr, /format\.json: field 't': unsupported date pattern letter 'Q'/);
});
