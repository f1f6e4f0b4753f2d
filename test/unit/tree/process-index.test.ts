import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventOf, isProcessStart, processRefOf } from '../../../src/tree/fields.js';
import { ProcessIndex } from '../../../src/tree/process-index.js';
import { EventTallies, LISTED_PER_KIND } from '../../../src/tree/tally.js';
import type { ProcessRef } from '../../../src/tree/types.js';

const where = (line: number) => ({ file: 'f.ndjson', line });
const pidRef = (pid: number, at: number): ProcessRef => ({ host: 'H', pid, at });

test('a pid names its latest start at or before the time asked; parents by pid likewise', () => {
  const index = new ProcessIndex(10);
  index.add(pidRef(7, 100), { pid: 1 }, { process: { name: 'first' } }, where(1));
  index.add(pidRef(7, 300), { pid: 1 }, { process: { name: 'second' } }, where(2));
  index.add(pidRef(1, 50), {}, { process: { name: 'parent' } }, where(3));
  index.add(pidRef(9, 200), { pid: 7 }, { process: { name: 'child' } }, where(4));
  assert.equal(index.find(pidRef(7, 250))?.info.name, 'first');
  assert.equal(index.find(pidRef(7, 300))?.info.name, 'second');
  assert.equal(index.find(pidRef(7, Infinity))?.info.name, 'second');
  assert.equal(index.find(pidRef(7, 99)), undefined, 'nothing of pid 7 had started yet');
  const child = index.find(pidRef(9, 200))!;
  const parent = index.parentOf(child);
  assert.ok('start' in parent && parent.start.info.name === 'first', 'the child (at 200) is the first pid 7\'s');
  const root = index.parentOf(index.find(pidRef(1, 60))!);
  assert.deepEqual(root, { missing: 'no parent entity id or pid on its start event' });
  assert.deepEqual(index.parentOf(index.find(pidRef(7, 100))!), { start: index.find(pidRef(1, 100)) });
});

test('entity ids win over pids, a missing parent is named, and the cap holds', () => {
  const index = new ProcessIndex(2);
  index.add({ entityId: 'a', host: 'H', pid: 5, at: 1 }, { entityId: 'gone', pid: 4 }, {}, where(1));
  index.add({ entityId: 'a', host: 'H', pid: 5, at: 1 }, {}, {}, where(2));
  index.add({ entityId: 'b', host: 'H', pid: 6, at: 2 }, { entityId: 'a' }, {}, where(3));
  index.add({ entityId: 'c', host: 'H', pid: 7, at: 3 }, { entityId: 'b' }, {}, where(4));
  assert.equal(index.starts.length, 2);
  assert.equal(index.dropped, 1, 'the duplicate start of a is not counted, c is dropped');
  assert.equal(index.find({ entityId: 'a', host: '', at: Infinity })?.info.line, 1);
  assert.deepEqual(index.parentOf(index.find({ entityId: 'a', host: '', at: 0 })!), { missing: 'parent not found in the inputs (entity id gone)' });
});

test('the earliest LISTED_PER_KIND events are kept whatever order they come in; ties keep reading order', () => {
  const t = new EventTallies();
  const times = [50, 10, NaN, 40, 10, 30, 20];
  times.forEach((ms, seq) => t.add('network', { ms, seq, sample: { timestamp: String(ms), file: 'f', line: seq + 1, target: '' } }));
  const { network, dns } = t.result();
  assert.equal(network.count, times.length);
  assert.equal(LISTED_PER_KIND, 3);
  assert.deepEqual(network.first.map((s) => s.line), [2, 5, 7]);
  assert.deepEqual(dns, { count: 0, first: [] });
});

test('reading events: starts, refs by entity id or pid (hex as Security writes it), kinds', () => {
  const start = { event: { category: ['process'], type: ['start'] }, process: { pid: '0x1a2c' }, host: { hostname: 'h' }, '@timestamp': '2024-01-01T00:00:00Z' };
  assert.equal(isProcessStart(start, 'event.category'), true);
  assert.deepEqual(processRefOf(start, '@timestamp'), { host: 'h', pid: 0x1a2c, at: Date.parse('2024-01-01T00:00:00Z') });
  assert.equal(processRefOf({ process: { name: 'x' } }, '@timestamp'), undefined);
  assert.deepEqual(eventOf({ event: { category: 'network' }, dns: { question: { name: 'a.b' } } }, 'event.category'), { kind: 'dns', target: 'a.b' });
  assert.deepEqual(eventOf({ event: { category: ['network'] }, destination: { ip: '1.2.3.4', port: 80 } }, 'event.category'), { kind: 'network', target: '1.2.3.4:80' });
  assert.deepEqual(eventOf({ event: { category: ['configuration', 'registry'] }, registry: { path: 'HKLM\\x' } }, 'event.category'), { kind: 'registry', target: 'HKLM\\x' });
  assert.equal(eventOf({ event: { category: ['process'] } }, 'event.category'), undefined);
});
