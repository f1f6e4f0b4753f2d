import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ECS_FIELDS, formatKey, lintRuleFiles, ruleFixtures, type Rule } from '../../../src/rules/index.js';

function rule(lolhunt: unknown, file = '/r/rules/x.toml'): Rule {
  return { path: file, lolhunt } as Rule;
}

test('fixtures: declarations are resolved against the rule folder; keys become text', () => {
  const { fixtures, errors } = ruleFixtures(rule({ fixture: [{ events: ['a.ndjson', 'sub/b.ndjson'], fire: ['k', 42, ['h', 7]], silent: ['n'], alerts: 3 }] }));
  assert.deepEqual(errors, []);
  assert.deepEqual(fixtures[0], {
    events: ['/r/rules/a.ndjson', '/r/rules/sub/b.ndjson'],
    fire: [['k'], ['42'], ['h', '7']], silent: [['n']], alerts: 3,
  });
  assert.equal(formatKey(['h', '7']), '["h","7"]');
  assert.deepEqual(ruleFixtures(rule({ fixture: [{ events: '/abs/e.ndjson' }] })).fixtures[0]!.events, ['/abs/e.ndjson']);
});

test('fixtures: unusable declarations are errors naming the table', () => {
  const cases: [unknown, string][] = [
    [{ fixture: { events: 'a' } }, '/r/rules/x.toml: [lolhunt] fixture must be an array of tables ([[lolhunt.fixture]])'],
    [{ fixture: [{}] }, "/r/rules/x.toml: [[lolhunt.fixture]] 1: 'events' must be a file name or a list of file names"],
    [{ fixture: [{ events: 'a', fire: 'k' }] }, `/r/rules/x.toml: [[lolhunt.fixture]] 1: 'fire' must be a list of join keys ("value", or ["value", "value"] for several key fields)`],
    [{ fixture: [{ events: 'a', fire: ['k'], silent: ['k'] }] }, "/r/rules/x.toml: [[lolhunt.fixture]] 1: key k is listed under both 'fire' and 'silent'"],
    [{ fixture: [{ events: 'a', alerts: -1 }] }, "/r/rules/x.toml: [[lolhunt.fixture]] 1: 'alerts' must be a whole number"],
  ];
  for (const [table, message] of cases) assert.deepEqual(ruleFixtures(rule(table)).errors, [message]);
});

test('fixtures: positive and negative NDJSON beside the rule', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-fixtures-'));
  try {
    for (const f of ['x.positive.ndjson', 'x.negative.ndjson']) fs.writeFileSync(path.join(dir, f), '');
    const { fixtures } = ruleFixtures(rule(undefined, path.join(dir, 'x.toml')));
    assert.deepEqual(fixtures.map((f) => [path.basename(f.events[0]!), f.fire, f.alerts]), [['x.positive.ndjson', 'any', undefined], ['x.negative.ndjson', [], 0]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('lint: a query error is a finding at its position in the file; ECS data names its source', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-lint-'));
  try {
    const file = path.join(dir, 'q.toml');
    fs.writeFileSync(file, '[rule]\nname = "q"\nseverity = "low"\nrisk_score = 1\ntype = "eql"\nquery = """\nprocess where process.name ==\n"""\n[[rule.threat]]\nframework = "MITRE ATT&CK"\ntactic = { id = "TA0001", name = "x" }\n');
    const findings = lintRuleFiles([file]);
    assert.deepEqual(findings.map((f) => [f.line, f.kind]), [[8, 'query']]);
    // An entry loading would drop (no framework) is no mapping: lint says so, as loading ignores it.
    fs.writeFileSync(file, '[rule]\nname = "q"\nseverity = "low"\nrisk_score = 1\ntype = "eql"\nquery = "process where true"\n[[rule.threat]]\ntactic = { id = "TA0001", name = "x" }\n');
    assert.deepEqual(lintRuleFiles([file]).map((f) => [f.line, f.kind, f.message]), [[1, 'metadata', 'missing ATT&CK mapping ([[rule.threat]] with a tactic)']]);
    assert.match(findings[0]!.message, /expected an expression but found end of query/);
    assert.equal(ECS_FIELDS.version, 'v9.4.0');
    assert.match(ECS_FIELDS.source, /elastic\/ecs/);
    assert.equal(ECS_FIELDS.types['process.name'], 'keyword');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
