import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldPresence, type TimelineEvent } from '../../../src/engine/index.js';

function event(source: Record<string, unknown>): TimelineEvent {
  const get = (path: string) => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), source);
  return { ts: 0, tiebreak: undefined, fileIndex: 0, line: 1, view: { get: (p) => get(p) as never }, source };
}

test('FieldPresence: a field some event holds is not absent; an absent one gets the closest path seen', () => {
  const p = new FieldPresence(['process.name', 'process.nmae', 'winlog.event_id']);
  p.observe(event({ process: { name: 'a.exe', args: ['x'] } }));
  p.observe(event({ process: [{ pid: 1 }] }));
  assert.equal(p.events, 2);
  assert.deepEqual(p.absent(), [{ field: 'process.nmae', closest: 'process.name' }, { field: 'winlog.event_id', closest: null }]);
});

test('FieldPresence: paths are sampled from the first events only, and bounded', () => {
  const p = new FieldPresence(['zz.nmae'], { sampleEvents: 1, maxPaths: 100 });
  p.observe(event({ a: 1 }));
  p.observe(event({ zz: { name: 1 } }));
  assert.deepEqual(p.absent(), [{ field: 'zz.nmae', closest: null }], 'the second event was not sampled');
  const wide = new FieldPresence(['k.nope'], { sampleEvents: 10, maxPaths: 5 });
  wide.observe(event(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]))));
  wide.observe(event({ k: { nop: 1 } }));
  assert.deepEqual(wide.absent(), [{ field: 'k.nope', closest: null }], 'at most 5 paths kept');
});

test('FieldPresence: a hostilely deep event is walked only so far', () => {
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 10_000; i++) deep = { a: deep };
  const p = new FieldPresence(['missing']);
  p.observe(event(deep));
  assert.deepEqual(p.absent(), [{ field: 'missing', closest: null }]);
});

test('FieldPresence: once every field has been seen, events are not walked', () => {
  const p = new FieldPresence(['a']);
  p.observe(event({ a: 1 }));
  let touched = false;
  const trap = new Proxy({}, { ownKeys: () => { touched = true; return []; } });
  p.observe(event(trap as Record<string, unknown>));
  assert.equal(touched, false);
  assert.deepEqual(p.absent(), []);
});
