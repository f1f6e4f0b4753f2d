import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { planUnits } from '../../src/engine/threads/pool.js';
import { ATTACK_SAMPLES, filesUnder } from '../helpers/evtx.js';
import { sysmonSample } from '../helpers/evtx-writer.js';
import { parseNdjson, runCli } from '../helpers/run-cli.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-evtx-e2e-'));
type Alert = { rule: { name: string }; events: { file: string; line: number; source: { Event: { System: { EventRecordID: number } } } }[] };

test('scan a KAPE-style folder of .evtx: the rule fires, file:line names the record ids', async () => {
  const dir = tmp();
  const logs = path.join(dir, 'C', 'Windows', 'System32', 'winevt', 'Logs');
  fs.mkdirSync(logs, { recursive: true });
  fs.writeFileSync(path.join(logs, 'Microsoft-Windows-Sysmon%4Operational.evtx'), sysmonSample());
  const run = await runCli(['scan', 'C/', '--format', 'ndjson'], { cwd: dir });
  assert.equal(run.code, 1, run.stderr);
  const alerts = parseNdjson(run.stdout) as unknown as Alert[];
  assert.deepEqual(alerts.map((a) => [a.rule.name, a.events.map((e) => `${e.file}:${e.line}`)]), [
    ['Network Connection via Certutil', ['C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx:101', 'C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx:102']],
  ]);
  assert.equal(alerts[0]!.events[0]!.source.Event.System.EventRecordID, 101, 'the source is the evtx_dump document');
  assert.match(run.stderr, /^shapes +evtx-dump 2$/m);
  const normalized = await runCli(['normalize', 'C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx'], { cwd: dir });
  assert.equal(normalized.code, 0, normalized.stderr);
  const docs = parseNdjson(normalized.stdout) as { process: { name: string }; event: { category: string[] } }[];
  assert.deepEqual(docs.map((d) => [d.event.category, d.process.name]), [[['process'], 'certutil.exe'], [['network'], 'certutil.exe']]);
});

test('a damaged .evtx: the damage is a file:chunk message and exit 3, its other records still scanned', async () => {
  const dir = tmp();
  const bytes = sysmonSample();
  // One changed character inside a record: it still parses, but the chunk checksum fails.
  const at = bytes.indexOf(Buffer.from('alice', 'utf16le'));
  bytes[at] = 'A'.charCodeAt(0);
  fs.writeFileSync(path.join(dir, 'Sysmon.evtx'), bytes);
  const run = await runCli(['scan', 'Sysmon.evtx', '--format', 'ndjson'], { cwd: dir });
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /Sysmon\.evtx: chunk 0 \(offset 0x1000\): event records checksum mismatch/);
  assert.equal(parseNdjson(run.stdout).length, 1, 'both records still read: the alert stands');
});

test('an .evtx file is one work unit, never byte ranges', async () => {
  const dir = tmp();
  const file = path.join(dir, 'big.evtx');
  fs.writeFileSync(file, Buffer.concat([sysmonSample(), Buffer.alloc(8 * 65536)]));
  const units = await planUnits([{ index: 0, path: file }], 4, 65536);
  assert.deepEqual(units.map((u) => [u.part, u.range]), [[0, undefined]]);
});

const samples = filesUnder(ATTACK_SAMPLES, '.evtx');
if (samples.length === 0) console.log(`# skipped: .evtx end-to-end tests on real captures (${ATTACK_SAMPLES} is absent)`);

test('EVTX-ATTACK-SAMPLES Persistence/: the bitsjob true positive, the same with 1 and 2 threads', { skip: samples.length === 0 }, async () => {
  const folder = path.join(ATTACK_SAMPLES, 'Persistence');
  const one = await runCli(['scan', folder, '--format', 'ndjson', '--threads', '1']);
  assert.equal(one.code, 1, one.stderr);
  const alerts = parseNdjson(one.stdout) as unknown as Alert[];
  assert.ok(alerts.length >= 1);
  for (const a of alerts) for (const e of a.events) {
    assert.match(e.file, /sysmon_1_persist_bitsjob_SetNotifyCmdLine\.evtx$/);
    assert.equal(e.line, e.source.Event.System.EventRecordID);
  }
  assert.match(one.stderr, /^file errors +0$/m);
  assert.match(one.stderr, /^bad lines +0$/m);
  const two = await runCli(['scan', folder, '--format', 'ndjson', '--threads', '2']);
  assert.equal(two.code, 1, two.stderr);
  assert.equal(two.stdout, one.stdout, 'identical output whatever --threads');
});
