import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';

test('rules lint: each finding as file:line:col: message, exit 1', async () => {
  const run = await runCli(['rules', 'lint', 'test/fixtures/lint/']);
  assert.equal(run.code, 1, run.stderr);
  // Positions: the query starts on line 11 of fields.toml; metadata.toml's [rule] is line 2.
  assert.equal(run.stdout, [
    "test/fixtures/lint/fields.toml:11:15: unknown field 'process.nmae' (not in ECS v9.4.0; did you mean 'process.name'?)",
    "test/fixtures/lint/fields.toml:11:49: ':' on numeric field 'destination.port' compares its text; use == or a range",
    'test/fixtures/lint/fields.toml:12:18: pattern "C:\\\\Windows\\\\System32\\\\certutil.exe" can never match: \'process.name\' holds a file name, never a path',
    'test/fixtures/lint/fields.toml:12:83: "cmd*" is compared exactly (\'*\' is no wildcard with ==), so it only matches that literal text; use \':\'',
    'test/fixtures/lint/metadata.toml:2:1: missing risk_score (a number, 0-100)',
    'test/fixtures/lint/metadata.toml:2:1: missing ATT&CK mapping ([[rule.threat]] with a tactic)',
    'test/fixtures/lint/metadata.toml:4:1: duplicate rule_id c0000000-0000-4000-8000-000000000001 (first in test/fixtures/lint/fields.toml:4)',
    'test/fixtures/lint/metadata.toml:6:1: severity must be low, medium, high or critical, found "urgent"',
    '',
  ].join('\n'));
  assert.equal(run.stderr, '2 files, 8 findings\n');
});

test('rules lint: the built-in rules and the example repository are clean', async () => {
  for (const args of [['rules', 'lint'], ['rules', 'lint', 'test/fixtures/rule-repo/rules/']]) {
    const run = await runCli(args);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.stdout, '');
  }
});

test('rules lint: a query error and broken TOML are findings with positions; a missing path is exit 2', async () => {
  const run = await runCli(['rules', 'lint', 'test/fixtures/broken-rules/bad-fixture.events.ndjson']);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^test\/fixtures\/broken-rules\/bad-fixture\.events\.ndjson:1:\d+: invalid TOML: /);
  const missing = await runCli(['rules', 'lint', 'no/such/dir']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no\/such\/dir: no such file or directory/);
});

test('rules validate: warns about fields that are not in ECS, with their position', async () => {
  const run = await runCli(['rules', 'validate', 'test/fixtures/broken-rules/typo-field.toml', 'rules/']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "warning: test/fixtures/broken-rules/typo-field.toml:11:15: unknown field 'process.nmae' (not in ECS v9.4.0; did you mean 'process.name'?)\n");
  assert.equal(run.stdout, '6 valid, 0 invalid, 0 skipped (not EQL), 1 field warning (ECS v9.4.0)\n');
});

test('query: warns when no event holds a field the query uses, with the closest field', async () => {
  const run = await runCli(['query', 'process where process.nmae : "regsvr32.exe" and ?process.optional == null', 'samples/']);
  assert.equal(run.code, 0);
  const warnings = run.stderr.split('\n').filter((l) => l.includes('warning'));
  // ?process.optional is optional: its absence is expected.
  assert.deepEqual(warnings, ["lolhunt: warning: field 'process.nmae' occurs in none of the 88 events read (did you mean 'process.name'?)"]);
  const quiet = await runCli(['query', '-q', 'process where process.nmae : "regsvr32.exe"', 'samples/']);
  assert.equal(quiet.stderr, '');
  const fine = await runCli(['query', 'process where process.name : "regsvr32.exe"', 'samples/']);
  assert.doesNotMatch(fine.stderr, /warning/);
  const noTypo = await runCli(['query', 'process where winlog.event_id == 1', 'samples/']);
  assert.match(noTypo.stderr, /^lolhunt: warning: field 'winlog\.event_id' occurs in none of the 88 events read$/m);
});

test('scan: warns only about rule fields that look like typos of fields that occur', async () => {
  const run = await runCli(['scan', 'samples/', '--rules', 'test/fixtures/broken-rules/typo-field.toml']);
  assert.equal(run.code, 0);
  assert.match(run.stderr, /^lolhunt: warning: field 'process\.nmae', used by 'Typo Field', occurs in none of the 88 events read \(did you mean 'process\.name'\?\)$/m);
  const builtin = await runCli(['scan', 'samples/network-connection-via-certutil/']);
  // The built-in rules read fields (dns.question.name, ...) these events lack: no typo, no field warning.
  // (The summary's coverage still says which rule could not have fired, issue #13.)
  assert.doesNotMatch(builtin.stderr, /^lolhunt: warning: field/m);
});

test('rules show suggests close names', async () => {
  const cases: [string, string][] = [
    ['Certutil', "'Network Connection via Certutil'"],
    ['certutl', "'Network Connection via Certutil'"],
    ['network-connection-via-certuti', "'Network Connection via Certutil'"],
    ['Binary', "'Network Connection via Signed Binary', 'Signed Binary Proxy Execution with a Remote Payload', 'Suspicious Outbound Network Connection via Unsigned Binary', … (4 rules)"],
  ];
  for (const [wanted, hint] of cases) {
    const run = await runCli(['rules', 'show', wanted]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `lolhunt: no rule '${wanted}' — did you mean ${hint}? (see lolhunt rules list)\n`);
  }
  const none = await runCli(['rules', 'show', 'zzzz']);
  assert.equal(none.stderr, "lolhunt: no rule 'zzzz' (see lolhunt rules list)\n");
});
