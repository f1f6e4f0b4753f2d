import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileQuery } from '../../src/eql/index.js';
import { scan, type PrefilterMode, type ScanQuery } from '../../src/engine/index.js';
import { builtinRulesDir, loadRuleFile } from '../../src/rules/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-prefilter-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const builtin: ScanQuery[] = fs.readdirSync(builtinRulesDir()).filter((f) => f.endsWith('.toml')).sort().flatMap((f) => {
  const o = loadRuleFile(path.join(builtinRulesDir(), f));
  return 'rule' in o ? [{ compiled: o.rule.compiled, rule: o.rule.meta, name: o.rule.meta.name }] : [];
});

/** Alerts (and event counts) of one scan of `lines`, prefilter on or off. */
async function run(lines: string[], queries: ScanQuery[], prefilter: PrefilterMode) {
  const file = path.join(dir, 'events.ndjson');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const { alerts, summary } = await scan({ sources: [{ index: 0, path: file }], queries, maxLineBytes: 1 << 20, timestampField: '@timestamp', prefilter });
  return { alerts: JSON.stringify(alerts), summary };
}

const query = (eql: string): ScanQuery[] => [{ compiled: compileQuery(eql), name: 'q' }];

/** The scan with `skip`, after checking it finds the alerts `off` finds. */
async function skipAsOff(lines: string[], queries: ScanQuery[]) {
  const skip = await run(lines, queries, 'skip');
  assert.equal(skip.alerts, (await run(lines, queries, 'off')).alerts);
  return skip;
}

test('lines with a literal only behind a JSON escape are still parsed and match', async () => {
  const q = query('process where process.name : "certutil.exe"');
  const lines = [
    '{"@timestamp":"2024-01-01T00:00:00Z","event":{"category":"process"},"process":{"name":"c\\u0065rtutil.exe"}}',
    '{"@timestamp":"2024-01-01T00:00:01Z","event":{"category":["process"]},"process":{"name":"CERTUTIL.EXE"}}',
    '{"@timestamp":"2024-01-01T00:00:02Z","event":{"category":"process"},"process":{"name":"\\u212Aertutil.exe"}}',
    '{"@timestamp":"2024-01-01T00:00:03Z","event.category":"process","process.name":"certutil.exe"}',
    '{"@timestamp":"2024-01-01T00:00:04Z","event":{"category":"process"},"process":{"name":"notepad.exe"}}',
  ];
  const on = await skipAsOff(lines, q);
  assert.equal(JSON.parse(on.alerts).length, 3);
  assert.equal(on.summary.unparsed, 1, 'only the notepad line is skipped');
  assert.equal(on.summary.events, 5);
});

test('numbers and numeric strings give no literal (4242 == "4.242e3")', async () => {
  const q = query('process where process.pid == "4242" or process.title : "*4242*"');
  const lines = ['{"@timestamp":"2024-01-01T00:00:00Z","event":{"category":"process"},"process":{"pid":4.242e3}}'];
  assert.equal(JSON.parse((await run(lines, q, 'skip')).alerts).length, 1);
});

test('a skipped line that is not even {...} is parsed and reported', async () => {
  const q = query('process where process.name : "certutil.exe"');
  const { summary } = await run(['{"@timestamp":"2024-01-01T00:00:00Z","process":{"na', '{"@timestamp":"2024-01-01T00:00:00Z"}'], q, 'skip');
  assert.equal(summary.badLines, 1);
  assert.match(summary.problems[0]!.reason, /invalid JSON/);
  assert.equal(summary.unparsed, 1);
});

test('raw winlogbeat/Sysmon-shaped lines are always parsed (their ECS values may be computed)', async () => {
  const q = query('process where process.name : "certutil.exe"');
  const { summary } = await run(['{"@timestamp":"2024-01-01T00:00:00Z","winlog":{"event_id":"1","event_data":{"Image":"C:\\\\x.exe"}}}'], q, 'skip');
  assert.equal(summary.unparsed, 0);
});

// Differential (STYLE §5): random events over the rules' own vocabulary, in random case, with
// escapes, dotted keys and numbers; the prefilter must never change the alerts.
const word = fc.constantFrom('certutil.exe', 'CertUtil.exe', 'c\\u0065rtutil.exe', 'mshta.exe', 'MSBuild.exe', 'regsvr32.exe', 'expand.exe', 'notepad.exe', 'http://x.example/a', 'windows', 'macos', 'start', 'exec', '8.8.8.8', '10.0.0.1', '');
const event = fc.record({
  s: fc.integer({ min: 0, max: 600 }),
  cat: fc.constantFrom('process', 'network', '"network"', '["process"]', '["network","x"]'),
  name: word, os: word, type: fc.constantFrom('start', '["start"]', 'end'), ip: word, cmd: word, id: fc.integer({ min: 0, max: 3 }),
  dotted: fc.boolean(),
});
interface Ev { s: number; cat: string; name: string; os: string; type: string; ip: string; cmd: string; id: number; dotted: boolean }
function line(e: Ev): string {
  const v = (x: string) => (x.startsWith('[') || x.startsWith('"') ? x : `"${x}"`);
  const ts = new Date(Date.UTC(2024, 0, 1) + e.s * 1000).toISOString();
  const f: [string, string][] = [['event.category', v(e.cat)], ['event.type', v(e.type)], ['host.os.type', v(e.os)], ['process.name', v(e.name)],
    ['process.command_line', v(e.cmd)], ['process.entity_id', `"p${e.id}"`], ['destination.ip', v(e.ip)], ['event.action', '"exec"'], ['process.args_count', '1'], ['process.code_signature.trusted', 'false']];
  if (e.dotted) return `{"@timestamp":"${ts}",${f.map(([k, x]) => `"${k}":${x}`).join(',')}}`;
  const nested: Record<string, Record<string, string>> = {};
  for (const [k, x] of f) {
    const [a, ...b] = k.split('.');
    (nested[a!] ??= {})[b.join('.')] = x;
  }
  return `{"@timestamp":"${ts}",${Object.entries(nested).map(([a, o]) => `"${a}":{${Object.entries(o).map(([k, x]) => `"${k}":${x}`).join(',')}}`).join(',')}}`;
}

test('differential: alerts with the prefilter (skip, tag) equal alerts without it (built-in rules)', async () => {
  let skipped = 0;
  await fc.assert(fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 60 }), async (events) => {
    const lines = events.map(line);
    const on = await run(lines, builtin, 'skip');
    const tag = await run(lines, builtin, 'tag');
    const off = await run(lines, builtin, 'off');
    assert.equal(on.alerts, off.alerts);
    assert.equal(tag.alerts, off.alerts);
    assert.equal(tag.summary.events, off.summary.events);
    assert.equal(on.summary.events + on.summary.badLines, off.summary.events + off.summary.badLines);
    skipped += on.summary.unparsed;
  }), { numRuns: 60 });
  assert.ok(skipped > 0, 'the prefilter skipped some lines');
});

test('markers are checked as written: "id" keys and an escaped backslash before u do not force a parse, "@Timestamp" is not the timestamp', async () => {
  const q = query('process where process.name : "certutil.exe"');
  const lines = [
    // Lower-case "id" keys (every Defend event has them) are not the mapped shapes' "Id".
    '{"@timestamp":"2024-01-01T00:00:00Z","event":{"id":"x","category":"process"},"agent":{"id":"y"},"process":{"name":"notepad.exe"}}',
    // `\\u` is an escaped backslash then a u, not a \u escape.
    '{"@timestamp":"2024-01-01T00:00:01Z","event":{"category":"process"},"process":{"name":"a\\\\u0041.exe"}}',
    // A \u escape after an escaped backslash (odd run) is one: parsed, and it matches.
    '{"@timestamp":"2024-01-01T00:00:02Z","event":{"category":"process"},"process":{"name":"\\\\\\u0063ertutil.exe"}}',
    '{"@timestamp":"2024-01-01T00:00:03Z","event":{"category":"process"},"process":{"name":"\\u0063ertutil.exe"}}',
    // No timestamp key as written: parsed, so it is reported.
    '{"@Timestamp":"2024-01-01T00:00:04Z","event":{"category":"process"},"process":{"name":"notepad.exe"}}',
  ];
  const on = await skipAsOff(lines, q);
  assert.equal(JSON.parse(on.alerts).length, 1, 'the plain \\u escape of certutil.exe');
  assert.equal(on.summary.unparsed, 2, 'the "id" line and the escaped-backslash line are skipped');
  assert.equal(on.summary.badLines, 1, 'the "@Timestamp" line is parsed and reported');
});
