import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptySelection, ruleOs, selectRules, type Rule, type RuleMeta } from '../../../src/rules/index.js';

function rule(meta: Partial<RuleMeta> & { name: string }, file = `${meta.name.toLowerCase().replace(/\W+/g, '-')}.toml`): Rule {
  return {
    meta: { id: meta.id ?? meta.name, severity: 'low', riskScore: 21, threat: [], tags: [], maturity: 'production', ...meta },
    description: '', index: [], query: '', compiled: {} as Rule['compiled'], path: `/r/${file}`,
  };
}

const proxy = rule({
  name: 'Signed Binary Proxy', id: 'p-1', severity: 'medium', tags: ['OS: Windows', 'Tactic: Defense Evasion'],
  threat: [{ framework: 'MITRE ATT&CK', tactic: { id: 'TA0005', name: 'Defense Evasion' }, technique: [{ id: 'T1218', name: 'System Binary Proxy Execution', subtechnique: [{ id: 'T1218.011', name: 'Rundll32' }] }] }],
});
const mac = rule({ name: 'Unsigned macOS Outbound', id: 'm-1', severity: 'high', tags: ['macOS'] });
const old = rule({ name: 'Old Certutil', id: 'o-1', maturity: 'deprecated', tags: ['OS: Windows'] });
const all = [proxy, mac, old];
const pick = (s: Partial<ReturnType<typeof emptySelection>>) => selectRules(all, { ...emptySelection(), ...s });
const names = (s: Partial<ReturnType<typeof emptySelection>>) => pick(s).selected.map((r) => r.meta.name);

test('deprecated rules are left out and counted unless asked for', () => {
  assert.deepEqual(pick({}), { selected: [proxy, mac], deprecated: 1, buildingBlocks: 0, filtered: 0, unmatched: [] });
  assert.deepEqual(names({ includeDeprecated: true }), ['Signed Binary Proxy', 'Unsigned macOS Outbound', 'Old Certutil']);
});

test('each option filters; values of one option are alternatives, options combine', () => {
  assert.deepEqual(names({ include: ['*PROXY*'] }), ['Signed Binary Proxy']);
  assert.deepEqual(names({ include: ['m-1', 'signed-binary-proxy'] }), ['Signed Binary Proxy', 'Unsigned macOS Outbound'], 'id and file stem');
  assert.deepEqual(names({ exclude: ['Signed*'] }), ['Unsigned macOS Outbound']);
  assert.deepEqual(names({ minSeverity: 'high' }), ['Unsigned macOS Outbound']);
  assert.deepEqual(names({ tags: ['tactic: *'] }), ['Signed Binary Proxy']);
  assert.deepEqual(names({ tactics: ['defense evasion'] }), ['Signed Binary Proxy']);
  assert.deepEqual(names({ techniques: ['T1218'] }), ['Signed Binary Proxy']);
  assert.deepEqual(names({ techniques: ['t1218.011'] }), ['Signed Binary Proxy']);
  assert.deepEqual(names({ techniques: ['T121'] }), [], 'no prefix match below the technique id');
  assert.deepEqual(names({ os: ['macos', 'linux'] }), ['Unsigned macOS Outbound']);
  assert.deepEqual(names({ os: ['windows'], minSeverity: 'high' }), []);
  assert.deepEqual(pick({ include: ['nothing*'], exclude: ['Old*'] }).unmatched, ['nothing*'], 'a deprecated rule still counts as named');
});

test('OS comes from "OS: X" tags or a bare OS tag', () => {
  assert.deepEqual(ruleOs(proxy.meta), ['windows']);
  assert.deepEqual(ruleOs(mac.meta), ['macos']);
});
