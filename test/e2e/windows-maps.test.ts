import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, ROOT, runCli } from '../helpers/run-cli.js';

// evtx_dump JSON lines (the shape the EVTX reader yields): a network logon, the service it
// installs (Security 4697 and System 7045), the log cleared (1102, UserData), a script block,
// Kerberos pre-authentication turned off for an account (4738).
const FIXTURE = 'test/fixtures/windows/evtx-dump.jsonl';
const RULES = path.resolve(ROOT, '../shared/detection-rules/rules/windows');
const noRules = !fs.existsSync(RULES) && `${RULES} is absent`;

test('normalize: evtx_dump records get ECS and winlogbeat\'s winlog.* fields', async () => {
  const run = await runCli(['normalize', FIXTURE]);
  assert.equal(run.code, 0, run.stderr);
  const docs = parseNdjson(run.stdout) as { winlog: Record<string, any>; event: Record<string, unknown>; user?: Record<string, unknown>; source?: Record<string, unknown> }[];
  assert.deepEqual(docs.map((d) => [d.winlog.event_id, d.event.action]), [
    ['4624', 'logged-in'], ['4697', 'service-installed'], ['7045', 'service-installed'], ['1102', 'audit-log-cleared'], ['4104', 'Execute a Remote Command'],
    ['4738', 'modified-user-account'],
  ]);
  assert.deepEqual(docs[5]!.winlog.event_data.NewUACList, ['USER_NORMAL_ACCOUNT', 'USER_DONT_REQUIRE_PREAUTH']);
  const logon = docs[0]!;
  assert.deepEqual(logon.winlog.logon, { type: 'Network', id: '0x5a1b2c' });
  assert.equal(logon.winlog.event_data.LogonType, '3', 'event data as text, as winlogbeat has it');
  assert.deepEqual([logon.source, logon.user?.name, logon.event.outcome], [{ ip: '10.20.30.40', port: 50211, domain: 'WS-ATTACK' }, 'mallory', 'success']);
  assert.equal(docs[3]!.winlog.user_data.SubjectUserName, 'mallory');
  assert.match(run.stderr, /normalized 6 documents \(shapes: evtx-dump 6\)/);
});

test('query: winlog.logon.type and winlog.event_data.* select evtx_dump records', async () => {
  const logons = await runCli(['query', 'authentication where winlog.logon.type == "Network" and winlog.event_data.AuthenticationPackageName == "NTLM"', FIXTURE, '--format', 'ndjson']);
  assert.equal(logons.code, 1, logons.stderr);
  assert.deepEqual(parseNdjson(logons.stdout).map((a) => (a.events as { line: number }[])[0]!.line), [1]);
  const services = await runCli(['query', 'any where winlog.event_data.ImagePath : "*echo*" or winlog.event_data.ServiceFileName : "*echo*"', FIXTURE, '--format', 'ndjson', '--prefilter', 'skip']);
  assert.deepEqual(parseNdjson(services.stdout).map((a) => (a.events as { line: number }[])[0]!.line), [2, 3]);
});

test('scan: Elastic\'s winlog rules fire on evtx_dump records (the sequence joins on winlog.logon.id)', { skip: noRules }, async () => {
  for (const prefilter of ['off', 'skip']) {
    const run = await runCli(['scan', '--rules', path.join(RULES, 'lateral_movement_remote_service_installed_winlog.toml'), '--rules', path.join(RULES, 'persistence_service_windows_service_winlog.toml'),
      '--rules', path.join(RULES, 'credential_access_disable_kerberos_preauth.toml'), FIXTURE, '--format', 'ndjson', '--prefilter', prefilter]);
    assert.equal(run.code, 1, run.stderr);
    const alerts = parseNdjson(run.stdout) as { rule: { name: string }; join_keys: string[]; events: { line: number }[] }[];
    assert.deepEqual(alerts.map((a) => [a.rule.name, a.join_keys, a.events.map((e) => e.line)]).sort(), [
      ['Kerberos Pre-authentication Disabled for User', [], [6]],
      ['Remote Windows Service Installed', ['0x5a1b2c', 'DC01.corp.example'], [1, 2]],
      ['Suspicious Service was Installed in the System', [], [2]],
      ['Suspicious Service was Installed in the System', [], [3]],
    ], prefilter);
  }
});

test('summary: Windows events without a category are named by channel and id, all of them with --verbose and in the json summary', async () => {
  const doc = (channel: string, id: number) => JSON.stringify({ Event: { System: { EventID: id, Channel: channel, Computer: 'H', TimeCreated: { '#attributes': { SystemTime: '2024-05-14T10:00:00Z' } } }, EventData: { A: 1 } } });
  const lines = [
    ...Array.from({ length: 3 }, () => doc('Security', 5145)), ...Array.from({ length: 2 }, () => doc('Microsoft-Windows-Bits-Client/Operational', 59)),
    doc('Application', 1), doc('Application', 2), doc('Application', 3), doc('Application', 4), doc('Security', 4624),
  ].join('\n');
  const run = await runCli(['scan', '-'], { stdin: lines });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^unmapped +9 Windows events without a category: Security 5145 3, Microsoft-Windows-Bits-Client\/Operational 59 2, Application 1 1, Application 2 1, 2 more \(--verbose lists all\)$/m);
  const verbose = await runCli(['scan', '-', '--verbose'], { stdin: lines });
  assert.match(verbose.stderr, /^unmapped +9 Windows events without a category: .*Application 4 1$/m);
  const json = await runCli(['scan', '-', '--format', 'json'], { stdin: lines });
  const summary = (JSON.parse(json.stdout) as { summary: Record<string, unknown> }).summary;
  assert.deepEqual(summary.events_unmapped, { 'Security 5145': 3, 'Microsoft-Windows-Bits-Client/Operational 59': 2, 'Application 1': 1, 'Application 2': 1, 'Application 3': 1, 'Application 4': 1 });
  const ecs = await runCli(['scan', '-', '--format', 'json'], { stdin: '{"@timestamp":"2024-05-14T10:00:00Z","process":{"name":"x"}}' });
  assert.equal((JSON.parse(ecs.stdout) as { summary: Record<string, unknown> }).summary.events_unmapped, undefined, 'not for ECS documents');
});
