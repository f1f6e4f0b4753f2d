import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Coverage, requiredFieldGroups } from '../../../src/engine/index.js';

// Hand-built ASTs (plain data, STYLE.md §3), so this test needs only the engine.
type Node = Record<string, unknown>;
const at = { start: 0, end: 0 };
const field = (path: string, optional = false): Node => ({ type: 'Field', path, optional, ...at });
const lit = (value: unknown): Node => ({ type: 'Literal', value, ...at });
const eq = (l: Node, r: Node): Node => ({ type: 'Compare', op: '==', left: l, right: r, ...at });
const and = (l: Node, r: Node): Node => ({ type: 'Logical', op: 'and', left: l, right: r, ...at });
const or = (l: Node, r: Node): Node => ({ type: 'Logical', op: 'or', left: l, right: r, ...at });
const not = (operand: Node): Node => ({ type: 'Not', operand, ...at });
const call = (name: string, ...args: Node[]): Node => ({ type: 'Call', name, caseInsensitive: false, args, ...at });
const inList = (operand: Node, negated: boolean): Node => ({ type: 'In', operand, list: [lit('a')], caseInsensitive: false, negated, ...at });
const eventQuery = (category: string | null, condition: Node) => ({ type: 'event', filter: { category, condition, ...at }, pipes: [], ...at }) as never;

test('requiredFieldGroups: and needs both, or needs one of either, negations and null tests need nothing', () => {
  const q = eventQuery('process', and(
    and(eq(field('host.os.type'), lit('windows')), or(eq(field('a'), lit(false)), eq(field('b'), lit(false)))),
    and(and(not(eq(field('dns.question.name'), lit('x'))), eq(field('destination.domain'), lit(null))),
      and(and(inList(field('port'), true), inList(field('name'), false)), and(call('cidrmatch', field('destination.ip'), lit('10.0.0.0/8')), eq(field('opt', true), lit(1))))),
  ));
  assert.deepEqual(requiredFieldGroups(q, 'event.category'), [[['event.category'], ['host.os.type'], ['a', 'b'], ['name'], ['destination.ip']]]);
  assert.deepEqual(requiredFieldGroups(eventQuery(null, or(eq(field('x'), lit(1)), not(eq(field('y'), lit(1))))), 'event.category'), [[]], 'an or with a side that needs nothing needs nothing');
});

test('Coverage: a rule whose required group never occurs is named; units merge per file', () => {
  const rule = { name: 'R', ast: eventQuery('process', or(eq(field('a'), lit(1)), eq(field('b'), lit(1)))), fields: ['event.category', 'a', 'b'] };
  const cov = new Coverage(['f1', 'f2'], [rule], 'event.category');
  const unit = (shapes: Record<string, number>, seen: string[], seenCategories = ['process']) => ({ shapes, epoch: [], sawRuleField: seen.length > 0, sawCategory: seen.includes('event.category'), seen, seenCategories, missingTimestamp: 0, timeFields: [] });
  cov.unit(0, unit({ ecs: 2 }, ['event.category']));
  cov.unit(0, unit({ 'sysmon-flat': 1 }, []));
  cov.unit(1, unit({ ecs: 1 }, []));
  const r = cov.finish('@timestamp');
  assert.deepEqual(r.ruleWarnings, [{ rule: 'R', fields: ['a', 'b'] }]);
  assert.deepEqual(r.inputs.map((i) => [i.file, i.events, i.shapes]), [['f1', 3, { ecs: 2, 'sysmon-flat': 1 }], ['f2', 1, { ecs: 1 }]]);
  assert.deepEqual(r.shapes, { ecs: 3, 'sysmon-flat': 1 });
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /^f2: none of its 1 events has any field the rules read/);
  const seen = new Coverage(['f1'], [rule], 'event.category');
  seen.unit(0, unit({ ecs: 1 }, ['event.category', 'b']));
  assert.deepEqual(seen.finish('@timestamp').ruleWarnings, [], 'one field of the or group is enough');
  // The fields occur, but no event is of the step's category.
  const otherCategory = new Coverage(['f1'], [rule], 'event.category');
  otherCategory.unit(0, unit({ ecs: 1 }, ['event.category', 'b'], []));
  assert.deepEqual(otherCategory.finish('@timestamp').ruleWarnings, [{ rule: 'R', category: 'process' }]);
});
