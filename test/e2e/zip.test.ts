import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sysmonSample } from '../helpers/evtx-writer.js';
import { makeZip } from '../helpers/zip-writer.js';
import { parseNdjson, ROOT, runCli } from '../helpers/run-cli.js';

test('scan a .zip of a KAPE collection: alerts name archive.zip!entry:record, the same with 2 threads; refused entries are exit 3', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-zip-e2e-'));
  fs.writeFileSync(path.join(dir, 'kape.zip'), makeZip([
    { name: 'C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx', data: sysmonSample(), deflate: true },
    { name: 'C/Windows/System32/winevt/Logs/Empty.evtx', data: Buffer.alloc(0) },
  ]));
  const one = await runCli(['scan', 'kape.zip', '--format', 'ndjson', '--threads', '1'], { cwd: dir });
  assert.equal(one.code, 1, one.stderr);
  const alerts = parseNdjson(one.stdout) as { events: { file: string; line: number }[] }[];
  assert.deepEqual(alerts.flatMap((a) => a.events.map((e) => `${e.file}:${e.line}`)), [
    'kape.zip!C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx:101',
    'kape.zip!C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx:102',
  ]);
  const two = await runCli(['scan', 'kape.zip', '--format', 'ndjson', '--threads', '2'], { cwd: dir });
  assert.equal(two.stdout, one.stdout);

  fs.writeFileSync(path.join(dir, 'evil.zip'), makeZip([{ name: '../../etc/x.ndjson', data: Buffer.from('{}\n') }, { name: 'Sysmon.evtx', data: sysmonSample() }]));
  const evil = await runCli(['scan', 'evil.zip', '--format', 'ndjson'], { cwd: dir });
  assert.equal(evil.code, 3, evil.stderr);
  assert.match(evil.stderr, /evil\.zip!\.\.\/\.\.\/etc\/x\.ndjson: refused: its name climbs out of the archive \(\.\.\)/);
  assert.equal(parseNdjson(evil.stdout).length, 1, 'the safe entry is still scanned');

  // Issue #22: an archive read is evidence like any input: -o never replaces it.
  const before = fs.readFileSync(path.join(dir, 'kape.zip'));
  const over = await runCli(['scan', 'kape.zip', '-o', 'kape.zip', '--format', 'ndjson'], { cwd: dir });
  assert.equal(over.code, 2, over.stderr);
  assert.match(over.stderr, /-o kape\.zip: refusing to write over an input archive \(kape\.zip\)/);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'kape.zip')), before);
});

const OTRF = path.resolve(ROOT, '../shared/realdata/otrf-security-datasets');
const otrfAbsent = !fs.existsSync(OTRF);
if (otrfAbsent) console.log(`# skipped: the OTRF original .zip archives (${OTRF} is absent)`);

test('the OTRF folder: its original .zip archives are read like folders, 0 bad lines, 0 file errors', { skip: otrfAbsent }, async () => {
  const run = await runCli(['scan', OTRF, '--format', 'ndjson', '--verbose']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /^bad lines +0$/m);
  assert.match(run.stderr, /^file errors +0$/m);
  assert.match(run.stderr, /\.zip!\S+\.json: \d+ events, 0 bad lines/);
  const events = Number(/^events +(\d+)$/m.exec(run.stderr)?.[1]);
  assert.ok(events > 20000, `${events} events`);
});
