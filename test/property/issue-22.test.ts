import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { compileQuery } from '../../src/eql/index.js';
import { compileOptions, portableCompile } from '../../src/cli/options.js';
import { scan, type Alert, type RuleMeta, type ScanOptions, type ScanQuery } from '../../src/engine/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-issue22-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const query = (eql: string): ScanQuery[] => [{ compiled: compileQuery(eql), name: 'q' }];
const line = (i: number, name: string) => JSON.stringify({ '@timestamp': `2024-01-01T00:00:${String(i).padStart(2, '0')}Z`, event: { category: 'process' }, process: { name } });

test('issue-22 #13: a line rewritten in place (same size) after it was read is refused as evidence, counted, and its alert kept', async () => {
  const file = path.join(dir, 'rewritten.ndjson');
  fs.writeFileSync(file, [line(1, 'certutil.exe'), line(2, 'certutil.exe'), line(3, 'certutil.exe')].join('\n') + '\n');
  let rewritten = false;
  const { alerts, summary } = await scan({
    sources: [{ index: 0, path: file }], queries: query('process where process.name : "certutil.exe"'), maxLineBytes: 1 << 20, timestampField: '@timestamp',
    // Once the file is read (and before any alert is written), line 2 changes in place: same bytes count, other text.
    onProgress: (p) => {
      if (p.filesDone === 1 && !rewritten) {
        rewritten = true;
        const lines = fs.readFileSync(file, 'utf8').split('\n');
        lines[1] = lines[1]!.replace('certutil.exe', 'CERTUTIL.EXE');
        fs.writeFileSync(file, lines.join('\n'));
      }
    },
  });
  assert.ok(rewritten);
  assert.equal(alerts.length, 3, 'the alert stands');
  assert.equal(alerts[0]!.events[0]!.raw, line(1, 'certutil.exe'));
  assert.equal(alerts[2]!.events[0]!.raw, line(3, 'certutil.exe'));
  const changed = alerts[1]!.events[0]!;
  assert.doesNotMatch(changed.raw ?? '', /CERTUTIL/, 'the new text is not reported as evidence');
  assert.match(String((changed.source as Record<string, unknown>)['lolhunt.error']), /rewritten\.ndjson:2: the file changed after it was scanned/);
  assert.equal(summary.fileErrors, 1);
  assert.deepEqual(summary.problems.map((p) => `${path.basename(p.file)}:${p.line}`), ['rewritten.ndjson:2']);
  assert.match(summary.problems[0]!.reason, /changed after it was scanned/);
});

test('issue-22 #8: alerts streamed or queued (spilled) come in the order of each query alone, interleaved by completion, for any memory and threads', async () => {
  const fields = { categoryField: 'event.category', timestampField: '@timestamp' };
  const eqls = [
    'process where true',
    'sequence by process.entity_id [process where true] [network where true]',
    'sequence by process.entity_id with maxspan=20s [process where true] ![network where true]',
    'sample by host.name [process where true] [network where true]',
    'process where true | tail 3',
    'network where true | head 5',
    'sequence by process.entity_id [network where true] ![process where true] [network where true]',
  ];
  // A rule name per query, so that each alert says which query made it.
  const all: ScanQuery[] = eqls.map((eql, i) => ({ compiled: compileQuery(eql, compileOptions(fields)), name: `q${i}`, rule: { name: `q${i}`, severity: 'low' } as RuleMeta }));
  // A fixed pseudo-random stream: equal timestamps, keys reused, both categories.
  let seed = 22;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const docs = Array.from({ length: 400 }, (_, i) => ({
    '@timestamp': new Date(Date.UTC(2024, 0, 1) + rand(120) * 1000 + (rand(3) === 0 ? 0 : rand(999))).toISOString(),
    event: { category: rand(2) ? 'process' : 'network', id: `e${i}` },
    process: { entity_id: `p${rand(12)}` },
    host: { name: `h${rand(4)}` },
  }));
  const file = path.join(dir, 'mixed.ndjson');
  fs.writeFileSync(file, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const sources = [{ index: 0, path: file }];
  const id = (a: Alert) => `${a.rule?.name}|${JSON.stringify(a.joinKeys)}|${a.events.map((e) => (e.missing ? '-' : e.line)).join(',')}`;
  const base = { sources, maxLineBytes: 1 << 20, timestampField: '@timestamp' };
  // The reference: each query alone, then the old mergeByCompletion (the earliest last event
  // first, a missing placeholder standing at the positive event it copies; ties to the earlier query).
  const alone = await Promise.all(all.map(async (q) => (await scan({ ...base, queries: [q] })).alerts));
  assert.ok(alone.every((l) => l.length > 0), `every query fires: ${alone.map((l) => l.length).join(' ')}`);
  const place = (a: Alert) => {
    const last = a.events.filter((e) => !e.missing).at(-1)!;
    return Date.parse(last.timestamp) * 1e4 + last.line;
  };
  const heads = alone.map(() => 0);
  const expected: string[] = [];
  for (;;) {
    let best = -1;
    for (let q = 0; q < alone.length; q++) {
      const item = alone[q]![heads[q]!];
      if (item && (best === -1 || place(item) < place(alone[best]![heads[best]!]!))) best = q;
    }
    if (best === -1) break;
    expected.push(id(alone[best]![heads[best]!++]!));
  }
  const runs: Partial<ScanOptions>[] = [{}, { maxMemory: 1 }, { maxMemory: 1, threads: 2, rangeBytes: 2000, compile: portableCompile(fields) }];
  for (const extra of runs) {
    const got: string[] = [];
    const { alerts, summary } = await scan({ ...base, queries: all, ...extra, onAlert: (a) => void got.push(id(a)) });
    assert.deepEqual(alerts, [], 'alerts went to onAlert');
    assert.deepEqual(got, expected, JSON.stringify(extra));
    assert.equal(summary.alerts, expected.length);
    assert.deepEqual(summary.alertsByRule.map((r) => r.count), alone.map((l) => l.length));
  }
  // Queries that all stream (events, sequences, head) hand each alert over as its last event
  // is run, awaiting the writer: the same order.
  const streaming = [all[0]!, all[1]!, all[5]!];
  const got: string[] = [];
  await scan({ ...base, queries: streaming, maxMemory: 1, onAlert: async (a) => { got.push(id(a)); await new Promise((r) => setImmediate(r)); } });
  assert.deepEqual(got, expected.filter((x) => /^q[015]\|/.test(x)));
});
