import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createWriter, FORMATS, type FormatName, type ResultWriter } from '../../../src/output/index.js';

type Alert = Parameters<ResultWriter['write']>[0];
type Summary = Parameters<ResultWriter['end']>[0];

const SUMMARY: Summary = {
  files: 1, bytes: 10, events: 2, unparsed: 0, badLines: 0, fileErrors: 0, problems: [], alertsByRule: [], alerts: 2, elapsedMs: 1,
  badLinesByReason: [], eventsByCategory: [], eventsByHost: [], hostFiltered: 0, peakRssBytes: 0, threads: 1,
  inputs: [], shapes: {}, normalized: true, warnings: [], ruleWarnings: [], skippedFiles: [],
};

const start = { '@timestamp': '2024-05-14T08:00:00Z', host: { name: 'WS01' }, process: { name: 'certutil.exe', pid: 4242, command_line: 'certutil -urlcache\u001b[31m' } };
const net = { '@timestamp': '2024-05-14T08:00:01Z', destination: { ip: '203.0.113.9', port: 80 } };
const ALERT: Alert = {
  rule: { id: 'r1', name: 'Network Connection via Certutil', severity: 'low', riskScore: 21, threat: [], tags: [], maturity: 'production' },
  joinKeys: ['{e1}'],
  timestamp: '2024-05-14T08:00:00.000Z',
  events: [
    { file: 'a.ndjson', line: 1, timestamp: '2024-05-14T08:00:00.000Z', source: start },
    { file: 'b.ndjson', line: 7, timestamp: '2024-05-14T08:00:01.000Z', source: net },
  ],
  fields: ['process.name'],
};
const QUERY_MATCH: Alert = {
  joinKeys: [],
  timestamp: '2024-05-14T08:00:00.000Z',
  events: [{ file: 'a.ndjson', line: 1, timestamp: '2024-05-14T08:00:00.000Z', source: start }, { file: '', line: 0, timestamp: '', source: null, missing: true }],
  fields: [],
};

/** A lookup like the CLI's for these nested documents. */
const lookup = (doc: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), doc);

async function render(format: FormatName, alerts: Alert[], columns = 200): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = createWriter(format, out, { color: false, columns, lookup });
  for (const a of alerts) writer.write(a);
  await writer.end(SUMMARY);
  return Buffer.concat(chunks).toString('utf8');
}

test('every format name has a writer', () => {
  assert.deepEqual([...FORMATS].sort(), ['csv', 'html', 'json', 'markdown', 'ndjson', 'table']);
});

test('ndjson: one object per alert, documented key order, rule absent for a query match, missing events as placeholders', async () => {
  const text = await render('ndjson', [ALERT, QUERY_MATCH]);
  const lines = text.split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[2], '');
  const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  assert.deepEqual(Object.keys(first), ['rule', 'join_keys', '@timestamp', 'events']);
  assert.deepEqual(first.rule, { id: 'r1', name: 'Network Connection via Certutil', severity: 'low', risk_score: 21, threat: [] });
  assert.deepEqual(first.events, [
    { file: 'a.ndjson', line: 1, '@timestamp': '2024-05-14T08:00:00.000Z', source: start },
    { file: 'b.ndjson', line: 7, '@timestamp': '2024-05-14T08:00:01.000Z', source: net },
  ]);
  const second = JSON.parse(lines[1] ?? '') as Record<string, unknown>;
  assert.deepEqual(Object.keys(second), ['join_keys', '@timestamp', 'events']);
  assert.deepEqual((second.events as unknown[])[1], { missing: true });
});

test('json: one object {version, summary, rules, alerts}, alerts the same records as ndjson', async () => {
  const empty = JSON.parse(await render('json', [])) as Record<string, unknown>;
  assert.deepEqual(Object.keys(empty), ['version', 'summary', 'rules', 'alerts']);
  assert.deepEqual(empty.alerts, []);
  const records = (JSON.parse(await render('json', [ALERT, QUERY_MATCH])) as { alerts: unknown[] }).alerts;
  const ndjson = (await render('ndjson', [ALERT, QUERY_MATCH])).trim().split('\n').map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(records, ndjson);
});

test('table: a row per alert with the fields a responder reads, control characters escaped, no colour codes', async () => {
  assert.equal(await render('table', []), 'No alerts.\n');
  const text = await render('table', [ALERT, QUERY_MATCH]);
  const rows = text.split('\n').filter((l) => l.includes('2024-05-14 08:00:00Z'));
  assert.equal(rows.length, 2);
  const [certutil, query] = rows;
  for (const cell of ['low', 'Network Connection via Certutil', 'WS01', 'certutil.exe (4242)', '203.0.113.9:80', 'a.ndjson:1']) assert.ok(certutil?.includes(cell), cell);
  assert.ok(query?.includes('query match'));
  assert.ok(!text.includes('\u001b'), 'the ESC from the log is escaped and no colour is added');
  assert.ok(text.includes('\\u001b[31m') || text.includes('\\x1b[31m'), 'the escaped ESC is visible');
});

test('table: a long command line is cut to the width the terminal has left', async () => {
  const long: Alert = { ...ALERT, events: [{ file: 'a', line: 1, timestamp: ALERT.timestamp, source: { ...start, process: { ...start.process, command_line: 'x'.repeat(500) } } }] };
  for (const columns of [160, 220]) {
    const lines = (await render('table', [long], columns)).split('\n').filter((l) => l !== '');
    assert.ok(lines.every((line) => line.length === columns), `every line is ${columns} wide`);
    assert.ok(lines.some((line) => line.includes('x…')));
  }
});

test('issue-26 item 1: table rows sorted by first-event time, also when they are spooled in many runs and merged', async () => {
  const { tableWriter } = await import('../../../src/output/table.js');
  const at = (s: number) => new Date(Date.UTC(2024, 4, 14, 9) + s * 1000).toISOString();
  // Completion order: 5, 1, 4, 2, 3 (and one time that does not parse, last).
  const alerts = [5, 1, 4, 2, 3].map((s) => ({ ...ALERT, timestamp: at(s), events: [{ ...ALERT.events[0]!, line: s }] }));
  alerts.push({ ...ALERT, timestamp: 'not a time', events: [{ ...ALERT.events[0]!, line: 99 }] });
  for (const runBytes of [1, 1 << 20]) {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const writer = tableWriter(out, { color: false, columns: 200, lookup }, runBytes);
    for (const a of alerts) writer.write(a);
    await writer.end(SUMMARY);
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = [...text.matchAll(/a\.ndjson:(\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(lines, [1, 2, 3, 4, 5, 99], `runBytes ${runBytes}:\n${text}`);
  }
});
