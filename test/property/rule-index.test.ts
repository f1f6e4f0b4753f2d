import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileQuery } from '../../src/eql/index.js';
import { stepHit } from '../../src/engine/run/runner.js';
import { RuleIndex } from '../../src/engine/filter/rule-index.js';
import { DocumentView, parseDate } from '../../src/normalize/index.js';
import type { FieldTypes } from '../../src/eql/field-types.js';

// Queries whose steps the index files under a value (==, in, : without wildcards, like),
// and ones it must not (dates, numbers, booleans, optional fields, wildcards, negations).
const QUERIES = [
  'process where process.name : ("cmd.exe", "PowerShell.exe") and host.os.type == "windows"',
  'process where process.name == "cmd.exe"',
  'any where process.name in ("cmd.exe", "x") and event.type == "start"',
  'network where process.name like "CMD.exe"',
  'process where @timestamp == "2024-01-01"',
  'process where process.pid == "42" or process.name : "cmd*"',
  'process where ?process.title == "cmd.exe"',
  'any where process.flag == "true"',
  'sequence by process.entity_id [process where event.type : "start" and process.name : "cmd.exe"] [network where not process.name == "cmd.exe"] until [process where event.type == "end"]',
  'process where event.type in ("start", "end") and not process.name : "x"',
  // Filed under alternatives (`or`), numeric text, presence, and what is not presence.
  'any where (event.type == "start" and process.name : "cmd*") or (event.type == "end" and process.title : "x")',
  'any where process.pid in ("42", "7.0") or process.title regex~ "cm.*"',
  'process where process.pid == "42.0" and process.name : "c*"',
  'any where process.pid > 10 or process.flag != null',
  'any where process.name != "x" or process.title == process.name',
  'any where process.name != "x" and process.title == process.name',
  'any where ?process.title == process.name or process.flag == ?process.pid',
  'any where process.flag in ("TRUE", process.title) or process.name like~ ("CMD.EXE", "7")',
  // Filed under the first or last three characters of a wildcard pattern's literal ends.
  'any where process.name : ("cmd*", "*shell.exe", "po?er*") and event.type == "start"',
  'any where process.name like ("CMD*", "*.EXE") or process.title : "kdc*"',
  'any where process.pid : ("424*", "*242") or process.flag : "tru*"',
  'any where process.title : ("abi*", "*xyz") and event.type == "start"',
  'process where process.title : ("ab?d*", "*?exe") or process.name like~ "*ΑΣ"',
  // Numbers' text folds as patterns do (1e400 reads as Infinity); U+0000 is itself, not `?` (issue #22).
  'any where process.pid : ("INFINITY", "1E+21", "-Infinity", "1E-7") or process.flag : "infinity"',
  'any where process.pid == "Infinity" or process.pid in ("1e+21", "1E21")',
  'any where process.title : ("a\u0000b", "a\u0000c*", "*\u0000exe") or process.name like "x\u0000"',
  // Filed under three consecutive characters of a literal run inside the pattern (case-folded as
  // the matcher folds: the whole text; a case-sensitive pattern's ASCII slices only), texts past
  // the slicing limit included.
  'any where process.title : ("*md.ex*", "*POWER?HELL*", "*\u212Adc*") or process.name like ("*CMD*", "*\u0130cm*")',
  'any where process.name : "*ab\u0130x*" and event.type == "start"',
  'any where process.title like~ "*σας*" or process.pid : ("*nfin*", "*e+2*") or process.flag : "*ru*e"',
  'any where process.title : ("ab*x?c*d.e*", "*ΑΣx*") or process.name like ("*Σx*", "*d.EX*")',
  'any where process.name like ("*\u0130cm*", "*xΑΣ*")',
];
const fieldTypes: FieldTypes = new Map([['@timestamp', { type: 'date', parse: parseDate }]]);
const compiled = QUERIES.map((q) => compileQuery(q, { fieldTypes }));
// The index runs over queries compiled with shared conjuncts (as the CLI compiles them).
const shared = new Map();
const indexed = QUERIES.map((q) => compileQuery(q, { fieldTypes, shared }));

const value = fc.constantFrom<unknown>('cmd.exe', 'CMD.EXE', 'powershell.exe', 'x', 'start', 'end', 'windows', 'WINDOWS', 42, '42', 7, '7', '42.0', 4.2e1, 4242, 'cmd.exe.bak', 'PowerShell.EXE', 'x.EXE', '\u212Adc.exe', 'KDC.exe', '\u0130cmd', 'ab\u0130x', 'abcd.exe', 'σας', 'ΑΣ', true, 'true', null, ['cmd.exe', 'y'], [['start']],
  Infinity, -Infinity, 1e21, 1e-7, 'Infinity', 'a\u0000b', 'axb', 'a?b', 'a\u0000cd', 'axcd', 'p\u0000exe', 'p?exe', 'x\u0000', 'xy',
  'a cmd.exe b', 'A CMD.EXE B', 'xPOWERSHELL.exe', 'power-hell', 'ab\u0130xy', 'AB\u0130X', 'x\u0130cmd', '\u212Adc', 'yKDCy', 'ΑΣxyz', 'ασxyz', 'σας', 'ΣΑΣ', 'xΣx', 'xΑΣy',
  'abxxcd.exe', 'ab-x-cD.E', `x${'ab'.repeat(2100)}md.ex`, `${'z'.repeat(5000)}CMD`, ['y', 'an md.exe']);
const doc = fc.record({
  '@timestamp': fc.constantFrom('2024-01-01T10:00:00Z', '2024-01-02T00:00:00Z', 1704067200000),
  event: fc.record({ category: fc.constantFrom<unknown>('process', 'network', ['process', 'network'], [['process']], 'x', null), type: value }, { requiredKeys: [] }),
  process: fc.record({ name: value, pid: value, title: value, flag: value, entity_id: fc.constantFrom('a', 'b') }, { requiredKeys: [] }),
  host: fc.record({ os: fc.record({ type: value }, { requiredKeys: [] }) }, { requiredKeys: [] }),
}, { requiredKeys: ['@timestamp'] });

test('the rule index (and shared conjuncts) give every event the same step masks as testing every step', () => {
  assert.ok(shared.size < QUERIES.length * 2, 'some conjuncts are shared');
  // Filed by guessed shares for 50 events, then by the shares counted over them.
  const index = new RuleIndex(indexed, null, 0, 50);
  let matched = 0;
  fc.assert(fc.property(doc, (d) => {
    const view = new DocumentView(d as object);
    const want = compiled.map((q) => stepHit(q, view)?.mask ?? 0);
    const got = compiled.map(() => 0);
    const pairs = index.masks(view, undefined) ?? [];
    for (let i = 0; i < pairs.length; i += 2) got[pairs[i]!] = pairs[i + 1]!;
    assert.deepEqual(got, want, JSON.stringify(d));
    if (want.some((m) => m)) matched++;
  }), { numRuns: 2000 });
  assert.ok(matched > 100, `events matched some step (${matched})`);
});
