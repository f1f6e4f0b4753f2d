import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzEvtx } from '../fuzz/evtx.js';
import { fuzzReader } from '../fuzz/reader.js';

test('fuzz (small): every mutated line is an event or a reported bad line, and the run never throws', async () => {
  const report = await fuzzReader({ files: 20, linesPerFile: 40, seed: 16 });
  assert.equal(report.files, 20);
  assert.ok(report.badLines > 0 && report.events > 0, JSON.stringify(report));
  assert.ok(Object.values(report.mutations).every((n) => n > 0), `every mutation ran: ${JSON.stringify(report.mutations)}`);
});

test('fuzz (small): mutated .evtx files never throw or hang; damage is reported, records that parse are kept', async () => {
  const report = await fuzzEvtx({ files: 150, seed: 16 });
  assert.equal(report.files, 150);
  assert.ok(report.records > 0 && report.errors > 0 && report.badRecords > 0, JSON.stringify(report));
  assert.ok(Object.values(report.mutations).every((n) => n > 0), `every mutation ran: ${JSON.stringify(report.mutations)}`);
});
