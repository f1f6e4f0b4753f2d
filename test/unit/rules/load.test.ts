import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { builtinRulesDir, isSeverity, loadRuleFile, RuleError, SEVERITIES } from '../../../src/rules/index.js';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-rules-'));
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const rule = (fields: string) => `[metadata]\ncreation_date = "2024/01/01"\n\n[rule]\nname = "Test rule"\n${fields}\n`;
const EQL = `rule_id = "abc-123"\nseverity = "high"\nrisk_score = 73\ntype = "eql"\nlanguage = "eql"\n`;

test('an EQL rule loads with its metadata and a compiled query', () => {
  const file = write(tmpDir(), 'ok.toml', rule(`${EQL}query = '''\nprocess where process.name : "certutil.exe"\n'''`));
  const outcome = loadRuleFile(file);
  assert.ok('rule' in outcome);
  const { meta, compiled, path: from } = outcome.rule;
  assert.deepEqual(meta, { id: 'abc-123', name: 'Test rule', severity: 'high', riskScore: 73, threat: [], tags: [], maturity: '' });
  assert.equal(compiled.type, 'event');
  assert.equal(from, file);
});

test('tags and [metadata] maturity are read (issue #14: selection and deprecated rules)', () => {
  const text = `[metadata]\nmaturity = "deprecated"\n\n[rule]\nname = "Old"\n${EQL}tags = ["OS: Windows", "Tactic: Execution"]\nquery = 'process where true'\n`;
  const outcome = loadRuleFile(write(tmpDir(), 'old.toml', text));
  assert.ok('rule' in outcome);
  assert.deepEqual(outcome.rule.meta.tags, ['OS: Windows', 'Tactic: Execution']);
  assert.equal(outcome.rule.meta.maturity, 'deprecated');
});

test('a non-EQL rule is skipped, not an error', () => {
  const file = write(tmpDir(), 'kql.toml', rule('severity = "low"\ntype = "query"\nlanguage = "kuery"\nquery = "process.name : x"'));
  const outcome = loadRuleFile(file);
  assert.ok('skipped' in outcome);
  assert.equal(outcome.name, 'Test rule');
  assert.match(outcome.skipped, /rule type 'query' \(language kuery\) is not EQL/);
});

test('a query error points at its line and column in the TOML file, with a caret excerpt', () => {
  // The query text starts on line 12 of the file; the unknown function is on its second line (13), column 27.
  const file = write(tmpDir(), 'bad.toml', rule(`${EQL}query = '''\nprocess where true and\n  process.name == "a" and nope(1)\n'''`));
  assert.throws(() => loadRuleFile(file), (err: unknown) => {
    assert.ok(err instanceof RuleError);
    assert.equal(err.line, 13);
    assert.equal(err.column, 27);
    assert.equal(err.message, `${file}:13:27: unknown function 'nope'`);
    assert.match(err.excerpt ?? '', /nope\(1\)\n\s+\^$/);
    return true;
  });
});

test('invalid TOML, a missing [rule] table and a bad severity are errors naming the file', () => {
  const dir = tmpDir();
  const toml = write(dir, 'broken.toml', '[rule]\nname = "x\n');
  assert.throws(() => loadRuleFile(toml), (err: unknown) => err instanceof RuleError && err.line === 2 && /invalid TOML/.test(err.message));
  assert.throws(() => loadRuleFile(write(dir, 'norule.toml', '[metadata]\nx = 1\n')), /norule\.toml: missing \[rule\] table/);
  const severity = write(dir, 'sev.toml', rule(`${EQL.replace('"high"', '"urgent"')}query = "any where true"`));
  assert.throws(() => loadRuleFile(severity), /severity must be one of low, medium, high, critical, found 'urgent'/);
  assert.throws(() => loadRuleFile(path.join(dir, 'absent.toml')), /absent\.toml: no such file/);
});

test('the built-in rules all load as EQL rules with a known severity', () => {
  const files = fs.readdirSync(builtinRulesDir()).filter((f) => f.endsWith('.toml')).map((f) => path.join(builtinRulesDir(), f));
  assert.equal(files.length, 5);
  for (const file of files) {
    const outcome = loadRuleFile(file);
    assert.ok('rule' in outcome, file);
    assert.ok(isSeverity(outcome.rule.meta.severity));
  }
  assert.deepEqual([...SEVERITIES], ['low', 'medium', 'high', 'critical']);
});

test('ATT&CK entries are kept as written; an entry without a tactic is dropped', () => {
  const threat = `[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T1105"\nname = "Ingress Tool Transfer"\n[rule.threat.tactic]\nid = "TA0011"\nname = "Command and Control"\nreference = "https://attack.mitre.org/tactics/TA0011/"\n\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n`;
  const file = write(tmpDir(), 'threat.toml', rule(`${EQL}query = "any where true"\n\n${threat}`));
  const outcome = loadRuleFile(file);
  assert.ok('rule' in outcome);
  // TOML tables are null-prototype objects: compare as JSON, as they are written out.
  assert.deepEqual(JSON.parse(JSON.stringify(outcome.rule.meta.threat)), [{
    framework: 'MITRE ATT&CK',
    technique: [{ id: 'T1105', name: 'Ingress Tool Transfer' }],
    tactic: { id: 'TA0011', name: 'Command and Control', reference: 'https://attack.mitre.org/tactics/TA0011/' },
  }]);
});
