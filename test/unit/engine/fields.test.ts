import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventView } from '../../../src/engine/index.js';
import { FieldPresence } from '../../../src/engine/reports/fields.js';

function view(source: Record<string, unknown>): EventView {
  return { get: (path) => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), source) as never };
}
const observe = (p: FieldPresence, doc: Record<string, unknown>) => p.observe(view(doc), doc);

test('FieldPresence: a field some event holds is not absent; an absent one gets the closest path seen', () => {
  const fields = ['process.name', 'process.nmae', 'winlog.event_id'];
  const p = new FieldPresence(fields);
  observe(p, { process: { name: 'a.exe', args: ['x'] } });
  observe(p, { process: [{ pid: 1 }] });
  assert.deepEqual(FieldPresence.absent(fields, [p.report()]), [{ field: 'process.nmae', closest: 'process.name' }, { field: 'winlog.event_id', closest: null }]);
});

test('FieldPresence: units merge: absent only when no unit met the field; paths from any unit', () => {
  const fields = ['a', 'process.nmae'];
  const one = new FieldPresence(fields);
  observe(one, { a: 1 });
  const two = new FieldPresence(fields, false);
  observe(two, { process: { name: 'x' } });
  assert.deepEqual(two.report(), { unseen: ['a', 'process.nmae'], paths: [] }, 'a unit that does not sample keeps no paths');
  const three = new FieldPresence(fields);
  observe(three, { process: { name: 'x' } });
  assert.deepEqual(FieldPresence.absent(fields, [one.report(), two.report(), three.report()]), [{ field: 'process.nmae', closest: 'process.name' }]);
  assert.deepEqual(FieldPresence.absent(fields, []), [], 'nothing read, nothing known absent');
});

test('FieldPresence: paths are sampled from the first events only, and bounded', () => {
  const p = new FieldPresence(['zz.nmae'], true, { sampleEvents: 1, maxPaths: 100 });
  observe(p, { a: 1 });
  observe(p, { zz: { name: 1 } });
  assert.deepEqual(p.report().paths, ['a'], 'the second event was not sampled');
  const wide = new FieldPresence(['k.nope'], true, { sampleEvents: 10, maxPaths: 5 });
  observe(wide, Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])));
  observe(wide, { k: { nop: 1 } });
  assert.equal(wide.report().paths.length, 5, 'at most 5 paths kept');
});

test('FieldPresence: a hostilely deep event is walked only so far', () => {
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 10_000; i++) deep = { a: deep };
  const p = new FieldPresence(['missing']);
  observe(p, deep);
  assert.deepEqual(p.report(), { unseen: ['missing'], paths: [] });
});

test('FieldPresence: once every field has been seen, events are not walked', () => {
  const p = new FieldPresence(['a']);
  observe(p, { a: 1 });
  let touched = false;
  const trap = new Proxy({}, { ownKeys: () => { touched = true; return []; } });
  p.observe({ get: () => undefined }, trap);
  assert.equal(touched, false);
  assert.deepEqual(p.report().unseen, []);
});

test('issue-26 item 3: closestField suggests within a namespace or a namespace typo, never across namespaces or to undotted names', async () => {
  const { closestField } = await import('../../../src/engine/reports/fields.js');
  assert.equal(closestField('url.path', ['dll.path', 'url.full']), null);
  assert.equal(closestField('rule.name', ['RuleName']), null);
  assert.equal(closestField('process.nmae', ['process.name', 'dll.name']), 'process.name');
  assert.equal(closestField('proces.name', ['process.name']), 'process.name');
  assert.equal(closestField('RuleNmae', ['RuleName', 'rule.name']), 'RuleName');
});
