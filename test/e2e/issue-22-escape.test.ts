import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, ROOT, runCli, type CliRun } from '../helpers/run-cli.js';
import { certutilPair, ndjson, tmpDir } from '../helpers/telemetry.js';

/**
 * Issue #22 item 12: rule files, fixtures, query files and file names are input too. A
 * downloaded rule full of terminal escapes (OSC 52 clipboard write, OSC 8 hyperlink, C1 CSI,
 * a bidi override, NUL) goes through every `rules` command, `explain`, `query` and `scan -r`;
 * no raw control or bidi character reaches stdout or stderr, and the good rule beside it
 * still fires.
 */
const HOSTILE = '\u001b]52;c;SGVsbG8=\u0007\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\\u009b31m\u202eexe.txt\u0000\u2066';

/** HOSTILE inside an EQL string literal (EQL reads a backslash as an escape). */
const IN_EQL = HOSTILE.replace(/\\/g, '');
/** HOSTILE as a command-line argument or a file name can hold it (no NUL, no slash). */
const IN_ARG = HOSTILE.replace(/[\u0000/]/g, '');

/** The hostile rule's id: one a command line can hold, to be mistyped. */
const ID = 'id-\u001b]52;c;SGVsbG8=\u0007\u009b31m\u202e';

/** Characters that must never reach a terminal raw (line feeds between lines may). */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

function assertClean(run: CliRun, what: string): void {
  for (const [stream, text] of [['stdout', run.stdout], ['stderr', run.stderr]] as const) {
    const m = UNSAFE.exec(text);
    assert.equal(m, null, `${what}: raw U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} on ${stream}:\n${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 80), (m?.index ?? 0) + 80))}`);
  }
}

/** A TOML basic string holding `text` (control characters as \uXXXX escapes). */
const tomlString = (text: string) => JSON.stringify(text);

const GOOD_RULE = fs.readFileSync(path.join(ROOT, 'test/fixtures/rule-repo/rules/certutil-urlcache.toml'), 'utf8')
  .replace(/^\[\[lolhunt\.fixture\]\][\s\S]*$/m, '[[lolhunt.fixture]]\nevents = "good.ndjson"\nfire = ["{good}"]\n');

function hostileRule(fixture: string): string {
  return `[metadata]
maturity = ${tomlString(`production${HOSTILE}`)}

[rule]
name = ${tomlString(`Evil ${HOSTILE} rule`)}
rule_id = ${tomlString(ID)}
description = ${tomlString(`Looks fine.\n${HOSTILE}\nReally.`)}
severity = "high"
risk_score = 73
tags = [${tomlString(`OS: Windows${HOSTILE}`)}]
index = [${tomlString(`logs-${HOSTILE}`)}]
type = "eql"
language = "eql"
query = ${tomlString(`sequence by process.entity_id with maxspan=1m
  [process where process.name : "certutil.exe" and process.command_line != "${IN_EQL}*"]
  [network where process.name : "certutil.exe"]`)}

[[rule.threat]]
framework = "MITRE ATT&CK"
[rule.threat.tactic]
id = ${tomlString(`TA0011${HOSTILE}`)}
name = ${tomlString(`Command and Control${HOSTILE}`)}
[[rule.threat.technique]]
id = ${tomlString(`T1105${HOSTILE}`)}
name = ${tomlString(`Ingress ${HOSTILE}`)}

[[lolhunt.fixture]]
events = ${tomlString(fixture)}
fire = [${tomlString(`never-${HOSTILE}`)}]
`;
}

/** A rule folder: the good rule with its fixture, and the hostile rule in a hostile file name with a hostile fixture. */
function ruleRepo(): { dir: string; rules: string; good: string; hostileFixture: string } {
  const dir = tmpDir();
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  const good = path.join(rules, 'good.ndjson');
  fs.writeFileSync(good, ndjson(certutilPair('{good}', '2024-05-14T08:00:00Z', '2024-05-14T08:00:01Z').map((d) => withArgs(d))));
  fs.writeFileSync(path.join(rules, 'good.toml'), GOOD_RULE);
  const hostileFixture = `fixture-${IN_ARG}.ndjson`;
  fs.writeFileSync(path.join(rules, hostileFixture), ndjson(certutilPair(`key-${IN_ARG}`, '2024-05-14T09:00:00Z', '2024-05-14T09:00:01Z')));
  fs.writeFileSync(path.join(rules, `evil-${IN_ARG}.toml`), hostileRule(hostileFixture));
  return { dir, rules, good, hostileFixture };
}

/** The good rule wants `-urlcache` among the arguments. */
function withArgs(doc: object): object {
  const d = doc as { process: Record<string, unknown> };
  return { ...d, process: { ...d.process, args: ['certutil.exe', '-urlcache', '-f', 'http://203.0.113.9/a.exe'] } };
}

test('issue-22 #12: rules list/show/validate/lint/test print a hostile rule, its file name and fixture keys escaped', async () => {
  const { rules } = ruleRepo();
  const list = await runCli(['rules', 'list', '--rules', rules]);
  assert.equal(list.code, 0, list.stderr);
  assertClean(list, 'rules list');
  assert.match(list.stdout, /Certutil URL Cache Download/);
  assert.match(list.stdout, /Evil \\x1b\]52;c;SGVsbG8=\\x07.*\\x9b31m\\u\{202e\}exe\.txt\\x00\\u\{2066\} rule$/m);
  assert.equal(list.stdout.trim().split('\n').length, 2, 'one line per rule: no value breaks a line');

  const show = await runCli(['rules', 'show', '--rules', rules, `evil-${IN_ARG}`]);
  assert.equal(show.code, 0, show.stderr);
  assertClean(show, 'rules show');
  assert.match(show.stdout, /^description: Looks fine\. \\x1b/m);
  assert.match(show.stdout, /^file: .*evil-\\x1b\]52/m);
  assert.match(show.stdout, /^ {4}\[process where .*"\\x1b\]52;c;SGVsbG8=\\x07.*\\u\{2066\}\*"\]$/m, 'the query line is shown, escaped');

  // "did you mean": the suggestion is the hostile rule's name.
  const typo = await runCli(['rules', 'show', '--rules', rules, 'Evil']);
  assert.equal(typo.code, 2);
  assertClean(typo, 'rules show (did you mean)');
  assert.match(typo.stderr, /did you mean 'Evil \\x1b/);
  const select = await runCli(['rules', 'list', '--rules', rules, '--rule', `${ID}x`]);
  assert.equal(select.code, 2);
  assertClean(select, 'rules list --rule (did you mean)');
  assert.match(select.stderr, /did you mean 'id-\\x1b/);

  const validate = await runCli(['rules', 'validate', rules]);
  assert.equal(validate.code, 0, validate.stderr);
  assertClean(validate, 'rules validate');
  assert.match(validate.stdout, /^2 valid, 0 invalid/m);

  const lint = await runCli(['rules', 'lint', rules]);
  assertClean(lint, 'rules lint');
  assert.match(lint.stdout, /^.*evil-\\x1b.*\.toml:\d+:\d+: "\\u001b\]52;c;SGVsbG8=\\u0007.*\\x9b31m\\u\{202e\}exe\.txt\\u0000\\u\{2066\}\*" is compared exactly/m);

  const junit = path.join(tmpDir(), 'junit.xml');
  const ruleTest = await runCli(['rules', 'test', rules, '--junit', junit]);
  assert.equal(ruleTest.code, 1, ruleTest.stderr);
  assertClean(ruleTest, 'rules test');
  assert.match(ruleTest.stdout, /^pass +Certutil URL Cache Download \(1 fixture, 1 alert\)$/m, 'the good rule passes beside the hostile one');
  assert.match(ruleTest.stdout, /^FAIL +Evil \\x1b/m);
  assert.match(ruleTest.stdout, /no alert for key never-\\x1b/);
  assert.match(ruleTest.stdout, /unexpected alert for key key-\\x1b\]52/);
  const xml = fs.readFileSync(junit, 'utf8');
  assert.equal(UNSAFE.exec(xml), null, 'JUnit XML holds no raw control or bidi character');
  assert.match(xml, /<testcase classname="[^"]*good\.toml" name="Certutil URL Cache Download" time="[\d.]+"\/>/);
  assert.match(xml, /name="Evil \\x1b\]52;c;SGVsbG8=\\x07\\x1b\]8;;https:\/\/evil\.example\/\\x1b\\click/);
  const text = xml.replace(/<[/?]?[a-z]+(?: [a-z]+="[^"<>]*")*\s*[/?]?>/g, '');
  assert.doesNotMatch(text, /[<>"]|&(?!(amp|lt|gt|quot|apos);)/, 'outside the markup, only entities');
});

test('issue-22 #12: scan -r, explain and query errors escape rule names, keys and query files', async () => {
  const { rules, good } = ruleRepo();
  const scan = await runCli(['scan', '-r', rules, '--format', 'ndjson', good, path.join(rules, fs.readdirSync(rules).find((f) => f.startsWith('fixture-'))!)]);
  assert.equal(scan.code, 1, scan.stderr);
  assertClean(scan, 'scan -r');
  const alerts = parseNdjson(scan.stdout);
  assert.ok(alerts.some((a) => (a.join_keys as string[])[0] === '{good}' && (a.rule as { name: string }).name === 'Certutil URL Cache Download'), 'the good rule fires on the good file');
  assert.ok(alerts.some((a) => (a.rule as { name: string }).name === `Evil ${HOSTILE} rule`), 'the NDJSON keeps the exact name (as JSON escapes)');
  assert.match(scan.stderr, /high +Evil \\x1b\]52/, 'the summary names the rule escaped');

  const table = await runCli(['scan', '-r', rules, '--format', 'table', good]);
  assertClean(table, 'scan -r --format table');

  const explain = await runCli(['explain', '--rules', rules, `evil-${IN_ARG}`, '--key', `key-${IN_ARG}`, rules]);
  assertClean(explain, 'explain');
  assert.match(explain.stdout, /^Evil \\x1b.*key key-\\x1b.*: 1 alert/m);

  const queryFile = path.join(tmpDir(), `hunt-${IN_ARG}.eql`);
  fs.writeFileSync(queryFile, `process where process.name == "${IN_EQL}" and and`);
  const query = await runCli(['query', '-f', queryFile, good]);
  assert.equal(query.code, 2);
  assertClean(query, 'query -f');
  assert.match(query.stderr, /hunt-\\x1b.*\.eql:1:\d+: expected an expression but found 'and'\n {2}…[^\n]*"\\x1b[^\n]*" and and\n {2} +\^\n/);
  const caret = query.stderr.split('\n');
  const at = caret.findIndex((l) => l.trimStart().startsWith('^'));
  assert.equal(caret[at]!.indexOf('^'), caret[at - 1]!.lastIndexOf('and'), 'the caret stands under the escaped text');
});

test('issue-22 #12: a broken rule\'s 1 MB query line is clipped around the error, escaped', async () => {
  const { rules, good } = ruleRepo();
  const broken = path.join(tmpDir(), 'broken');
  fs.mkdirSync(broken);
  const pad = 'a'.repeat(450_000);
  const query = `process where process.name == "${pad}" or process.name == "${IN_EQL}" and and process.name == "${pad}"`;
  fs.writeFileSync(path.join(broken, 'long.toml'), `[rule]\nname = "Long"\nseverity = "low"\nrisk_score = 1\ntype = "eql"\nlanguage = "eql"\nquery = ${tomlString(query)}\n`);
  const huge = `process where process.name == "${'b'.repeat(1_300_000)}"`;
  fs.writeFileSync(path.join(broken, 'huge.toml'), `[rule]\nname = "Huge"\nseverity = "low"\nrisk_score = 1\ntype = "eql"\nlanguage = "eql"\nquery = '${huge}'\n`);
  const validate = await runCli(['rules', 'validate', broken, rules]);
  assert.equal(validate.code, 2);
  assertClean(validate, 'rules validate (broken)');
  assert.ok(validate.stderr.length < 4000, `stderr is ${validate.stderr.length} characters`);
  const excerpt = /long\.toml:7:\d+: expected an expression but found 'and'\n( {2}…[^\n]*\\x1b[^\n]*" and and process\.name == "a+…)\n( {2} +\^)\n/.exec(validate.stderr);
  assert.ok(excerpt, validate.stderr);
  assert.ok(excerpt[1]!.length < 2 + 2 * 80 * 6, 'at most 80 characters each side, escaped');
  assert.equal(excerpt[2]!.length - 1, excerpt[1]!.indexOf('" and and') + 6, 'the caret stands under the second and');
  assert.match(validate.stderr, /huge\.toml(:\d+:\d+)?: query is longer than 1000000 characters\n {2}process where process\.name == "b+…\n {2}\^/);
  assert.match(validate.stdout, /^2 valid, 2 invalid/m, 'the good rules still validate');

  const lint = await runCli(['rules', 'lint', broken]);
  assertClean(lint, 'rules lint (broken)');
  assert.ok(lint.stdout.length < 4000, `stdout is ${lint.stdout.length} characters`);

  const scan = await runCli(['scan', '-r', broken, good]);
  assert.equal(scan.code, 2);
  assertClean(scan, 'scan -r (broken)');
  assert.ok(scan.stderr.length < 4000, `stderr is ${scan.stderr.length} characters`);
});
