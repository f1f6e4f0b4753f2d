import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, ROOT, runCli } from '../helpers/run-cli.js';

// SigmaHQ's rules and regression cases (../shared/sigma, see its README): used by path, never copied.
const SIGMA = path.resolve(ROOT, '../shared/sigma');
const absent = !fs.existsSync(SIGMA);
if (absent) console.log(`# skipped: SigmaHQ regression and corpus tests (${SIGMA} is absent)`);
const KNOWN = path.join(ROOT, 'test/e2e/sigma-known-failures.txt');
const FIXTURE = 'test/fixtures/sigma/';
const FIXTURE_NAME = 'Certutil Download via URLCache (Sigma)';

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function readKnown(): Map<string, string> {
  const known = new Map<string, string>();
  for (const line of fs.readFileSync(KNOWN, 'utf8').split('\n')) {
    const m = /^([^#\s][^\t]*)\t+(.*)$/.exec(line.trimEnd());
    if (m) known.set(m[1]!, m[2]!);
  }
  return known;
}

test('SigmaHQ regression: each case\'s rule fires on its own event (evtx_dump JSON), through bin/lolhunt with two threads', { skip: absent }, async () => {
  const byId = new Map<string, string>();
  for (const dir of ['rules', 'rules-emerging-threats', 'rules-threat-hunting']) {
    for (const f of walk(path.join(SIGMA, dir)).filter((x) => /\.ya?ml$/.test(x))) {
      const id = /^id:\s*(\S+)/m.exec(fs.readFileSync(f, 'utf8'))?.[1];
      if (id) byId.set(id, f);
    }
  }
  const cases = walk(path.join(SIGMA, 'regression')).filter((f) => path.basename(f) === 'info.yml').sort().map((info) => {
    const id = /rule_metadata:\s*\n\s*-\s*id:\s*(\S+)/.exec(fs.readFileSync(info, 'utf8'))?.[1];
    assert.ok(id, `no rule id in ${info}`);
    const rule = byId.get(id);
    assert.ok(rule, `no rule with id ${id} under ${SIGMA}/rules*`);
    return { id, rule, json: path.join(path.dirname(info), `${id}.json`) };
  });
  assert.equal(cases.length, 105);
  const run = await runCli(['scan', '--include-deprecated', '--threads', '2', '-q', '--format', 'ndjson',
    ...cases.flatMap((c) => ['--rules', c.rule]), ...cases.map((c) => c.json)], { timeoutMs: 180_000 });
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  const fired = new Set<string>();
  for (const a of parseNdjson(run.stdout) as { rule: { id: string }; events: { file: string }[] }[]) {
    for (const e of a.events) fired.add(`${a.rule.id}\u0000${e.file}`);
  }
  const known = readKnown();
  const failing = cases.filter((c) => !fired.has(`${c.id}\u0000${c.json}`));
  const passed = cases.length - failing.length;
  console.log(`# sigma regression: ${passed}/${cases.length} fire; known failures:`);
  for (const c of failing) console.log(`#   ${c.id} ${path.relative(SIGMA, c.rule)}: ${known.get(c.id) ?? 'NEW FAILURE'}`);
  assert.deepEqual(failing.filter((c) => !known.has(c.id)).map((c) => path.relative(SIGMA, c.rule)), [], 'new failures');
  const nowPassing = [...known.keys()].filter((id) => !failing.some((c) => c.id === id));
  assert.deepEqual(nowPassing, [], `listed in ${path.relative(ROOT, KNOWN)} but passing now: remove them`);
});

test('rules validate over SigmaHQ\'s Windows rules loads at least 97% and names each rule it cannot run with why', { skip: absent }, async () => {
  const dir = path.join(SIGMA, 'rules/windows');
  const total = walk(dir).filter((f) => /\.ya?ml$/.test(f)).length;
  const run = await runCli(['rules', 'validate', dir], { timeoutMs: 180_000 });
  const m = /^(\d+) valid, (\d+) invalid(?:, (\d+) unsupported \(Sigma\))?/m.exec(run.stdout);
  assert.ok(m, run.stdout + run.stderr);
  const [valid, invalid, unsupported] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  console.log(`# sigma validate: ${valid}/${total} Windows rules load, ${invalid} invalid, ${unsupported} unsupported`);
  assert.equal(valid + invalid + unsupported, total);
  assert.ok(valid >= Math.ceil(total * 0.97), `${valid}/${total}`);
  const named = run.stderr.split('\n').filter((l) => /^(unsupported|error): /.test(l));
  assert.equal(named.length, invalid + unsupported, run.stderr);
  for (const l of named) assert.match(l, /\.yml(:\d+)?(:\d+)?: (Sigma rule '.+': )?\S/, l);
  assert.equal(run.code, invalid + unsupported ? 2 : 0);
});

test('scan --rules with a Sigma folder beside TOML rules fires the Sigma rule on Elastic Defend events: each certutil -urlcache start, nothing else', async () => {
  const run = await runCli(['scan', '--rules', FIXTURE, '-r', 'rules/', '--format', 'ndjson', 'samples/network-connection-via-certutil/']);
  assert.equal(run.code, 1, run.stderr);
  const alerts = parseNdjson(run.stdout) as { rule: { id: string; name: string; severity: string; risk_score: number; threat: { tactic: { id: string } }[] }; events: { file: string; line: number; source: { process: { command_line: string } } }[] }[];
  const sigma = alerts.filter((a) => a.rule.name === FIXTURE_NAME);
  assert.deepEqual(sigma.map((a) => `${path.basename(a.events[0]!.file)}:${a.events[0]!.line}`), ['positive.ndjson:3', 'negative.ndjson:8']);
  for (const a of sigma) assert.match(a.events[0]!.source.process.command_line, /^certutil\.exe -urlcache .* https?:\/\//);
  assert.deepEqual([sigma[0]!.rule.id, sigma[0]!.rule.severity, sigma[0]!.rule.risk_score, sigma[0]!.rule.threat[0]!.tactic.id],
    ['5f0c6a3e-9d1b-4c47-a1f2-7e3b9c2d8a10', 'high', 73, 'TA0011']);
  assert.ok(alerts.some((a) => a.rule.name !== FIXTURE_NAME), 'the TOML rules ran too');
  assert.match(run.stderr, /^rules\s+6 ran/m);
});

test('rules list, show and validate on Sigma files; a file name without .yml names the rule', async () => {
  const list = await runCli(['rules', 'list', '--rules', FIXTURE]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stdout, `5f0c6a3e-9d1b-4c47-a1f2-7e3b9c2d8a10  high      73  ${FIXTURE_NAME}\n`);
  const show = await runCli(['rules', 'show', 'certutil-urlcache', '--rules', FIXTURE]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^logsource: {3}product: windows, category: process_creation$/m);
  assert.match(show.stdout, /^ {2}process where host\.os\.type == "windows"$/m);
  const validate = await runCli(['rules', 'validate', FIXTURE, 'rules/']);
  assert.equal(validate.code, 0, validate.stderr);
  assert.match(validate.stdout, /^6 valid, 0 invalid, 0 skipped/);
  const fixtures = await runCli(['rules', 'test', FIXTURE]);
  assert.equal(fixtures.code, 0, fixtures.stdout + fixtures.stderr);
  assert.match(fixtures.stdout, /^pass +Certutil Download via URLCache \(Sigma\) \(2 fixtures, 1 alert\)$/m);
  const lint = await runCli(['rules', 'lint', FIXTURE]);
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  // A YAML file that is no Sigma rule (the rule repository's CI workflow) is skipped, not a failure.
  const repo = await runCli(['rules', 'validate', 'test/fixtures/rule-repo/']);
  assert.equal(repo.code, 0, repo.stdout + repo.stderr);
  assert.match(repo.stderr, /^skipped test\/fixtures\/rule-repo\/\.github\/workflows\/rules\.yml: not a Sigma rule/m);
});

test('rules lint on Sigma rules: broken and unsupported rules, duplicate ids, no ATT&CK tag, dead patterns', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-sigma-lint-'));
  const body = (id: string, detection: string, tags = 'tags: [attack.execution]\n') =>
    `title: R\nid: ${id}\n${tags}logsource: {product: windows, category: process_creation}\ndetection:\n${detection}\nlevel: low\n`;
  fs.writeFileSync(path.join(dir, 'a.yml'), body('same', "  sel:\n    OriginalFileName: '\\x.exe'\n  condition: sel"));
  fs.writeFileSync(path.join(dir, 'b.yml'), body('same', '  sel:\n    Image: x\n  condition: sel', ''));
  fs.writeFileSync(path.join(dir, 'c.yml'), body('c', "  sel:\n    Image|re: 'a(?=b)'\n  condition: sel"));
  fs.writeFileSync(path.join(dir, 'd.yml'), 'title: [\n');
  const run = await runCli(['rules', 'lint', dir]);
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stdout.trim().split('\n').map((l) => l.slice(dir.length + 1));
  assert.deepEqual(lines.map((l) => l.replace(/: .*$/, '')), ['a.yml:5:1', 'b.yml:1:1', 'b.yml:2:1', 'c.yml:5:1', 'd.yml:1:1']);
  assert.match(lines[0]!, /can never match: 'process\.pe\.original_file_name' holds a file name/);
  assert.match(lines[1]!, /no ATT&CK tag/);
  assert.match(lines[2]!, /duplicate id same/);
  assert.match(lines[3]!, /unsupported selection 'sel': regular expression .*lookaround/);
  assert.match(lines[4]!, /invalid YAML/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('text from a Sigma file is escaped wherever lolhunt prints it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-sigma-e2e-'));
  const evil = 'Evil \u001b[2J\u202e title';
  fs.writeFileSync(path.join(dir, 'evil.yml'), [
    `title: "${evil.replace('\u001b', '\\e').replace('\u202e', '\\u202e')}"`,
    'id: "x\\e]0;pwned\\a"',
    'description: "line\\u2028break"',
    'logsource: { product: windows, category: process_creation }',
    'detection:',
    '  sel:',
    '    CommandLine|contains: "\\e[31m"',
    '  condition: sel',
    'level: low',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'broken.yml'), 'title: ok\nlogsource: {product: windows}\ndetection:\n  condition: "sel \\e[2J"\n');
  const list = await runCli(['rules', 'list', '--rules', path.join(dir, 'evil.yml')]);
  const show = await runCli(['rules', 'show', 'evil', '--rules', path.join(dir, 'evil.yml')]);
  const validate = await runCli(['rules', 'validate', dir]);
  for (const r of [list, show, validate]) {
    assert.doesNotMatch(r.stdout + r.stderr, /[\u001b\u0007\u202e\u2028]/u, r.stdout + r.stderr);
  }
  assert.match(list.stdout, /Evil \\x1b\[2J\\u\{202e\} title/);
  assert.match(validate.stderr, /^error: .*broken\.yml:3: detection: condition 'sel \\x1b\[2J': unexpected/m);
  fs.rmSync(dir, { recursive: true, force: true });
});
