import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, runCli } from '../helpers/run-cli.js';

// Issue #13: containers, timestamps, coverage warnings and "nothing scanned", through bin/lolhunt.

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-inputs-'));
const write = (dir: string, name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const row = (label: string, value: string | number) => new RegExp(`^${label} +${value}$`, 'm');

/** A certutil download (rule "Network Connection via Certutil"): start, then a public connection. */
function certutil(entity: string, t0: unknown, t1: unknown, field = '@timestamp'): Record<string, unknown>[] {
  const base = { host: { name: 'WS01', os: { type: 'windows' } }, process: { entity_id: entity, name: 'certutil.exe' } };
  return [
    { [field]: t0, event: { category: ['process'], type: ['start'] }, ...base },
    { [field]: t1, event: { category: ['network'], type: ['start'] }, ...base, destination: { ip: '8.8.4.4', port: 80 } },
  ];
}
const CERTUTIL = 'Network Connection via Certutil';
const scanJson = (file: string, ...more: string[]) => runCli(['scan', file, '--format', 'ndjson', ...more]);
const lines = (alert: Record<string, unknown>) => (alert.events as { line: number }[]).map((e) => e.line);

test('container: pretty-printed documents one after another, each numbered by its first line', async () => {
  const docs = certutil('{c1}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z');
  const text = docs.map((d) => JSON.stringify(d, null, 2)).join('\n');
  const file = write(tmp(), 'pretty.json', text);
  const run = await scanJson(file);
  assert.equal(run.code, 1, run.stderr);
  const [alert] = parseNdjson(run.stdout);
  assert.equal((alert!.rule as { name: string }).name, CERTUTIL);
  assert.deepEqual(lines(alert!), [1, JSON.stringify(docs[0], null, 2).split('\n').length + 1]);
  assert.match(run.stderr, row('events', 2));
  assert.match(run.stderr, row('bad lines', 0));
});

test('container: concatenated documents with garbage between them: the garbage is a bad line, the rest is read', async () => {
  const [a, b] = certutil('{c2}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z');
  const file = write(tmp(), 'concat.json', `${JSON.stringify(a, null, 1)}\nRecord 2\nnot json\n${JSON.stringify(b, null, 1)}\n`);
  const run = await scanJson(file, '--strict');
  assert.equal(run.code, 3, run.stderr);
  assert.equal(parseNdjson(run.stdout).length, 1);
  const badLine = JSON.stringify(a, null, 1).split('\n').length + 2;
  assert.match(run.stderr, new RegExp(`concat\\.json:${badLine}: not a JSON document: "not json"`));
  assert.match(run.stderr, row('events', 2));
  assert.match(run.stderr, row('bad lines', 1));
});

test('container: an Elasticsearch _search response and a file of them (hits.hits[]._source)', async () => {
  const [a, b] = certutil('{c3}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z');
  const response = (docs: object[]) => ({ took: 3, timed_out: false, _shards: { total: 1 }, hits: { total: { value: docs.length }, hits: docs.map((d, i) => ({ _index: 'logs', _id: String(i), _source: d })) } });
  const dir = tmp();
  const one = write(dir, 'one.json', JSON.stringify(response([a!, b!]), null, 2));
  const pages = write(dir, 'pages.json', `${JSON.stringify(response([a!]))}\n${JSON.stringify(response([b!]))}\n`);
  for (const file of [one, pages]) {
    const run = await scanJson(file);
    assert.equal(run.code, 1, run.stderr);
    const [alert] = parseNdjson(run.stdout);
    assert.deepEqual((alert!.events as { source: unknown }[]).map((e) => e.source), [a, b], file);
    assert.match(run.stderr, row('events', 2));
    assert.match(run.stderr, row('bad lines', 0));
  }
  const [alert] = parseNdjson((await scanJson(pages)).stdout);
  assert.deepEqual(lines(alert!), [1, 2]);
});

test('container: an unterminated pretty document is reported at the line it starts on', async () => {
  const [a] = certutil('{c4}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z');
  const text = `${JSON.stringify(a, null, 2)}\n{\n  "@timestamp": "2024-05-14T08:00:01Z",\n`;
  const run = await scanJson(write(tmp(), 'cut.json', text));
  const startLine = JSON.stringify(a, null, 2).split('\n').length + 1;
  assert.match(run.stderr, new RegExp(`cut\\.json:${startLine}: unterminated JSON document \\(the input ends inside it\\)`));
  assert.match(run.stderr, row('events', 1));
  assert.match(run.stderr, row('bad lines', 1));
  assert.equal(run.code, 0, run.stderr);
});

test('timestamps: epoch seconds, milliseconds and nanoseconds order one timeline, and the summary says how each file was read', async () => {
  const t0 = Date.UTC(2024, 4, 14, 8, 0, 0);
  const [start] = certutil('{t1}', t0 / 1000, 0);
  const [, net] = certutil('{t1}', 0, String(BigInt(t0 + 1500) * 1_000_000n));
  const dir = tmp();
  const s = write(dir, 'seconds.ndjson', JSON.stringify(start) + '\n');
  const n = write(dir, 'nanos.ndjson', JSON.stringify(net) + '\n');
  const run = await runCli(['scan', s, n, '--format', 'ndjson']);
  assert.equal(run.code, 1, run.stderr);
  const [alert] = parseNdjson(run.stdout);
  assert.deepEqual((alert!.events as { '@timestamp': string }[]).map((e) => e['@timestamp']), ['2024-05-14T08:00:00.000Z', '2024-05-14T08:00:01.500Z']);
  assert.match(run.stderr, /seconds\.ndjson: epoch timestamps read as seconds \(by magnitude\)/);
  assert.match(run.stderr, /nanos\.ndjson: epoch timestamps read as nanoseconds \(by magnitude\)/);
});

test('timestamps: an impossible date is a bad line; Sysmon UtcTime and a 7-digit SystemTime are read', async () => {
  const docs = [
    ...certutil('{t2}', '2024-05-14 08:00:00.250', '2024-05-14T08:00:01.1234567Z'),
    { '@timestamp': '2024-02-30T00:00:00Z', event: { category: ['process'] } },
  ];
  const run = await scanJson(write(tmp(), 'dates.ndjson', docs.map((d) => JSON.stringify(d)).join('\n') + '\n'));
  assert.equal(run.code, 1, run.stderr);
  assert.equal(parseNdjson(run.stdout).length, 1);
  assert.match(run.stderr, /dates\.ndjson:3: missing or unparsable @timestamp/);
  assert.match(run.stderr, row('events', 2));
  assert.match(run.stderr, row('bad lines', 1));
});

test('timestamps: when most documents lack the timestamp field, the summary names the one they have', async () => {
  const docs = certutil('{t3}', '2024-05-14 08:00:00.000', '2024-05-14 08:00:01.000', 'UtcTime');
  const file = write(tmp(), 'utc.ndjson', docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const run = await scanJson(file);
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /warning: .*utc\.ndjson: 2 of 2 documents have no usable @timestamp; they have UtcTime \(try --timestamp-field UtcTime\)/);
  assert.match(run.stderr, /lolhunt: nothing scanned: 0 events in 1 input \(2 bad lines, 0 file errors\)/);
  const fixed = await scanJson(file, '--timestamp-field', 'UtcTime');
  assert.equal(fixed.code, 1, fixed.stderr);
  assert.equal(parseNdjson(fixed.stdout).length, 1);
});

test('warnings: a file with no field the rules read, and a rule whose required field never occurs', async () => {
  const dir = tmp();
  const odd = write(dir, 'odd.ndjson', '{"@timestamp":"2024-05-14T08:00:00Z","msg":"hello"}\n{"@timestamp":"2024-05-14T08:00:01Z","msg":"bye"}\n');
  const run = await scanJson(odd);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /warning: .*odd\.ndjson: none of its 2 events has any field the rules read \(event\.category, .*\); shape ecs/);
  assert.equal(run.stderr.match(/^warning: rule '.*' could not have fired: no scanned event has event\.category$/gm)?.length, 5);
  assert.match(run.stderr, row('events', 2));
  const windows = write(dir, 'win.ndjson', certutil('{w1}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z').map((d) => JSON.stringify(d)).join('\n') + '\n');
  const win = await scanJson(windows);
  assert.doesNotMatch(win.stderr, /none of its/);
  assert.match(win.stderr, /warning: rule 'Suspicious Outbound Network Connection via Unsigned Binary' could not have fired: no scanned event has event\.action\n/);
});

test('exit 3 on nothing scanned: an empty file, and a file of bad lines, whatever --strict says', async () => {
  const dir = tmp();
  const empty = write(dir, 'empty.ndjson', '');
  const run = await scanJson(empty);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /^lolhunt: nothing scanned: 0 events in 1 input$/m);
  assert.match(run.stderr, row('events', 0));
  const bad = write(dir, 'bad.ndjson', 'not json\n{"no":"timestamp"}\n');
  const quiet = await runCli(['query', 'any where true', bad, '-q']);
  assert.equal(quiet.code, 3);
  assert.equal(quiet.stderr, 'lolhunt: nothing scanned: 0 events in 1 input (2 bad lines, 0 file errors)\n');
  const stdin = await runCli(['scan', '-'], { stdin: '' });
  assert.equal(stdin.code, 3);
  assert.match(stdin.stderr, /nothing scanned: 0 events in 1 input/);
});

test('skipped files in a folder are counted, and named with --verbose', async () => {
  const dir = tmp();
  write(dir, 'a.ndjson', certutil('{v1}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z').map((d) => JSON.stringify(d)).join('\n') + '\n');
  write(dir, 'capture.rar', 'Rar!\u001a\u0007');
  write(dir, 'System.evt', 'LfLe');
  const run = await scanJson(dir);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /^skipped +2 files in folders \(not \.ndjson, \.jsonl, \.json\(\.gz\), \.evtx or \.zip\); --verbose names them$/m);
  const verbose = await scanJson(dir, '--verbose');
  assert.match(verbose.stderr, /^skipped +2 files in folders \(not \.ndjson, \.jsonl, \.json\(\.gz\), \.evtx or \.zip\):\n +.*System\.evt\n +.*capture\.rar$/m);
  assert.match(verbose.stderr, /a\.ndjson: 2 events, 0 bad lines \(ecs 2\)/);
});

test('issue-13: a decoy flat "process.name" does not hide the nested certutil.exe', async () => {
  const docs = certutil('{d1}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z').map((d) => ({ ...d, 'process.name': 'chrome.exe' }));
  const run = await scanJson(write(tmp(), 'decoy.ndjson', docs.map((d) => JSON.stringify(d)).join('\n') + '\n'));
  assert.equal(run.code, 1, run.stderr);
  assert.equal((parseNdjson(run.stdout)[0]!.rule as { name: string }).name, CERTUTIL);
});

test('normalize: nothing read is exit 3; a mapped document nested 20,000 deep is written whole', async () => {
  const dir = tmp();
  const empty = await runCli(['normalize', write(dir, 'empty.ndjson', '\n')]);
  assert.equal(empty.code, 3);
  assert.match(empty.stderr, /^normalized 0 documents \(shapes: none\), 0 bad lines, 0 file errors\nlolhunt: nothing read: 0 documents in 1 input\n$/);
  const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
  const doc = `{"EventID":3,"Channel":"Microsoft-Windows-Sysmon/Operational","UtcTime":"2024-05-14 08:00:00.000","Image":"C:\\\\x\\\\mshta.exe","DestinationIp":"8.8.8.8","deep":${deep}}\n`;
  const run = await runCli(['normalize', write(dir, 'deep.ndjson', doc)]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^normalized 1 document \(shapes: sysmon-flat 1\), 0 bad lines, 0 file errors$/m);
  assert.ok(run.stdout.includes('"destination":{"ip":"8.8.8.8"}') && run.stdout.includes('"name":"mshta.exe"'), run.stdout.slice(-300));
  assert.equal(run.stdout.split('{"a":').length - 1, 20_000);
});

test('coverage in the summary is the same for any --threads', async () => {
  const runs = await Promise.all(['1', '2'].map((t) => runCli(['scan', 'test/fixtures/formats/', 'samples/scenarios/', '--verbose', '--no-normalize', '--threads', t, '--format', 'ndjson'])));
  const summary = (stderr: string) => stderr.replace(/^elapsed .*$/m, '');
  assert.match(runs[0]!.stderr, /^shapes +ecs \d+, winlogbeat-raw 2 \(not mapped to ECS: --no-normalize\)$/m);
  assert.match(runs[0]!.stderr, /warning: .*sysmon-flat\.ndjson: 1 of 1 documents have no usable @timestamp/);
  assert.equal(summary(runs[1]!.stderr), summary(runs[0]!.stderr));
  assert.equal(runs[1]!.stdout, runs[0]!.stdout);
});
