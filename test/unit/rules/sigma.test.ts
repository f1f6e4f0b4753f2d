import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadRuleFile, RuleError, selectRules, emptySelection, type Rule } from '../../../src/rules/index.js';
import { translateRegex } from '../../../src/rules/sigma/index.js';


function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-sigma-'));
}

/** A Windows process-creation rule around the given detection lines. */
function rule(detection: string, extra = ''): string {
  return `title: T\nid: 11111111-2222-3333-4444-555555555555\nstatus: test\nlevel: high\n${extra}logsource:\n  product: windows\n  category: process_creation\ndetection:\n${detection}\n`;
}

function load(text: string, name = 'r.yml'): Rule {
  const file = path.join(tmp(), name);
  fs.writeFileSync(file, text);
  const outcome = loadRuleFile(file);
  assert.ok('rule' in outcome, 'skipped' in outcome ? outcome.skipped : '');
  return outcome.rule;
}

/** A Windows process start with these ECS fields (dotted paths). */
function event(fields: Record<string, unknown>) {
  const all: Record<string, unknown> = { 'event.category': ['process'], 'event.type': ['start'], 'host.os.type': 'windows', ...fields };
  return { get: (p: string) => (Object.hasOwn(all, p) ? all[p] as never : undefined) };
}

function fires(r: Rule, fields: Record<string, unknown>): boolean {
  return r.compiled.steps[0]!.matches(event(fields));
}

const CL = 'process.command_line';

// Each case: the detection, events that must fire and events that must not.
const CASES: { name: string; detection: string; fire: Record<string, unknown>[]; silent: Record<string, unknown>[] }[] = [
  {
    name: 'plain values are case-insensitive equality with * and ? wildcards',
    detection: "  sel:\n    Image: 'C:\\Windows\\\\*\\cert?til.exe'\n  condition: sel",
    fire: [{ 'process.executable': 'c:\\windows\\system32\\CERTUTIL.exe' }],
    silent: [{ 'process.executable': 'C:\\Windows\\certutil.exe.bak' }, {}],
  },
  {
    name: 'a backslash escapes * and ? (literal characters, matched through a regex)',
    detection: "  sel:\n    CommandLine|contains: ' -Filter \\*'\n  condition: sel",
    fire: [{ [CL]: 'Get-ChildItem -filter * -Recurse' }],
    silent: [{ [CL]: 'Get-ChildItem -Filter x' }],
  },
  {
    name: 'contains, startswith, endswith, and lists are any-of',
    detection: "  sel:\n    CommandLine|contains:\n      - 'urlcache'\n      - 'verifyctl'\n    Image|startswith: 'C:\\Windows\\'\n    ParentImage|endswith: '\\cmd.exe'\n  condition: sel",
    fire: [{ [CL]: 'certutil -VerifyCtl x', 'process.executable': 'C:\\Windows\\x.exe', 'process.parent.executable': 'C:\\Windows\\System32\\CMD.EXE' }],
    silent: [{ [CL]: 'certutil -encode', 'process.executable': 'C:\\Windows\\x.exe', 'process.parent.executable': 'C:\\cmd.exe' }],
  },
  {
    name: 'all: every value must be there',
    detection: "  sel:\n    CommandLine|contains|all:\n      - ' -a '\n      - ' -b '\n  condition: sel",
    fire: [{ [CL]: 'x -a -b ' }],
    silent: [{ [CL]: 'x -a ' }],
  },
  {
    name: 'all with windash: each value in any of its dash forms',
    detection: "  sel:\n    CommandLine|contains|all|windash:\n      - ' -a '\n      - ' -b '\n  condition: sel",
    fire: [{ [CL]: 'x /a -b ' }, { [CL]: 'x \u2014a /b ' }],
    silent: [{ [CL]: 'x /a ' }],
  },
  {
    name: 'windash: - / and the Unicode dashes',
    detection: "  sel:\n    CommandLine|contains|windash: ' -decode '\n  condition: sel",
    fire: [{ [CL]: 'certutil /decode a b' }, { [CL]: 'certutil \u2013decode a b' }, { [CL]: 'certutil -decode a b' }],
    silent: [{ [CL]: 'certutil decode a b' }],
  },
  {
    name: 'base64 and base64offset|contains',
    detection: "  sel:\n    CommandLine|base64offset|contains: 'http://'\n  condition: sel",
    fire: [0, 1, 2].map((i) => ({ [CL]: `powershell -e ${Buffer.from(`${'x'.repeat(i)}iwr http://a`).toString('base64')}` })),
    silent: [{ [CL]: 'powershell -e aGVsbG8=' }],
  },
  {
    name: 'wide|base64offset|contains (UTF-16LE, as -EncodedCommand carries)',
    detection: "  sel:\n    CommandLine|wide|base64offset|contains: 'IEX'\n  condition: sel",
    fire: [{ [CL]: `powershell -enc ${Buffer.from('a; IEX (x)', 'utf16le').toString('base64')}` }],
    silent: [{ [CL]: `powershell -enc ${Buffer.from('a; IEX (x)', 'utf8').toString('base64')}` }],
  },
  {
    name: 're: anywhere in the value, case-sensitive unless i',
    detection: "  a:\n    CommandLine|re: '\\s-[Ee]nc\\s'\n  b:\n    Image|re|i: '^C:\\\\Users\\\\[^\\\\]+\\\\x\\.exe$'\n  condition: a or b",
    fire: [{ [CL]: 'ps -Enc AAA' }, { 'process.executable': 'c:\\users\\bob\\X.EXE' }],
    silent: [{ [CL]: 'ps -ENC AAA' }, { 'process.executable': 'c:\\users\\bob\\sub\\x.exe' }],
  },
  {
    name: 'cidr',
    detection: "  sel:\n    DestinationIp|cidr:\n      - '10.0.0.0/8'\n      - 'fe80::/10'\n  condition: sel",
    fire: [{ 'destination.ip': '10.1.2.3' }, { 'destination.ip': 'fe80::1' }],
    silent: [{ 'destination.ip': '11.1.2.3' }, {}],
  },
  {
    name: 'null, exists and the empty string',
    detection: "  a:\n    CommandLine: null\n  b:\n    ParentImage|exists: true\n  c:\n    OriginalFileName: ''\n  condition: a and b and not c",
    fire: [{ 'process.parent.executable': 'x' }],
    silent: [{ [CL]: 'x', 'process.parent.executable': 'x' }, {}, { 'process.parent.executable': 'x', 'process.pe.original_file_name': '' }],
  },
  {
    name: 'numbers, gt/lt, and fieldref',
    detection: "  a:\n    ProcessId|gt: 100\n    ParentProcessId: 4\n  b:\n    Image|fieldref: ParentImage\n  condition: a and not b",
    fire: [{ 'process.pid': 101, 'process.parent.pid': '4', 'process.executable': 'a', 'process.parent.executable': 'b' }],
    silent: [{ 'process.pid': 100, 'process.parent.pid': 4 }, { 'process.pid': 101, 'process.parent.pid': 4, 'process.executable': 'A', 'process.parent.executable': 'a' }],
  },
  {
    name: 'lists of maps, 1 of / all of globs, them, parentheses and precedence',
    detection: "  sel_a:\n    - Image|endswith: '\\a.exe'\n    - Image|endswith: '\\b.exe'\n  sel_c:\n    CommandLine|contains: 'x'\n  filter_1:\n    CommandLine|contains: 'y'\n  condition: all of sel_* and not (1 of filter_* or CommandLine|contains)",
    fire: [],
    silent: [],
  },
  {
    name: 'keywords search the message field; them leaves out _names',
    detection: "  keywords:\n    - 'mimikatz'\n    - 'sekurlsa'\n  _ignored:\n    Image: 'never'\n  condition: 1 of them",
    fire: [{ message: 'ran SEKURLSA::logonpasswords' }],
    silent: [{ message: 'nothing here' }],
  },
  {
    name: "Initiated: 'true' is network.direction egress (other forms read winlog.event_data)",
    detection: "  a:\n    Initiated: 'true'\n  b:\n    Initiated|contains: 'fal'\n  condition: a or b",
    fire: [{ 'network.direction': 'egress' }, { 'winlog.event_data.Initiated': 'false' }],
    silent: [{ 'network.direction': 'ingress' }, { 'winlog.event_data.Initiated': 'true' }],
  },
  {
    name: 'fields with no ECS equivalent are read from winlog.event_data',
    detection: "  sel:\n    IntegrityLevel: 'System'\n    User|contains: 'AUTHORI'\n  condition: sel",
    fire: [{ 'winlog.event_data.IntegrityLevel': 'SYSTEM', 'winlog.event_data.User': 'NT AUTHORITY\\SYSTEM' }],
    silent: [{ 'winlog.event_data.IntegrityLevel': 'High', 'winlog.event_data.User': 'NT AUTHORITY\\SYSTEM' }],
  },
];

for (const c of CASES.filter((x) => x.fire.length || x.silent.length)) {
  test(`sigma: ${c.name}`, () => {
    const r = load(rule(c.detection));
    for (const f of c.fire) assert.ok(fires(r, f), `should fire on ${JSON.stringify(f)}\n${r.query}`);
    for (const f of c.silent) assert.ok(!fires(r, f), `should stay silent on ${JSON.stringify(f)}\n${r.query}`);
  });
}

test('sigma: a condition that names a field-like word is an error naming the file', () => {
  const c = CASES.find((x) => x.name.startsWith('lists of maps'))!;
  const file = path.join(tmp(), 'bad.yml');
  fs.writeFileSync(file, rule(c.detection));
  assert.throws(() => loadRuleFile(file), (e: unknown) => e instanceof RuleError && e.file === file && /CommandLine\|contains/.test(e.reason));
});

test('sigma: all of / 1 of globs and precedence (not binds tighter than and)', () => {
  const r = load(rule("  sel_a:\n    - Image|endswith: '\\a.exe'\n    - Image|endswith: '\\b.exe'\n  sel_c:\n    CommandLine|contains: 'x'\n  filter_1:\n    CommandLine|contains: 'y'\n  condition: all of sel_* and not 1 of filter_* or CommandLine_z"
    .replace(' or CommandLine_z', '')));
  assert.ok(fires(r, { 'process.executable': 'C:\\b.exe', [CL]: 'x' }));
  assert.ok(!fires(r, { 'process.executable': 'C:\\b.exe', [CL]: 'xy' }));
  assert.ok(!fires(r, { 'process.executable': 'C:\\c.exe', [CL]: 'x' }));
});

test('sigma: metadata: level, status, tags → ATT&CK, OS tag; deprecated and unsupported left out by default', () => {
  const text = rule("  sel:\n    Image: x\n  condition: sel", 'tags:\n  - attack.defense-evasion\n  - attack.t1218.011\n  - attack.t1218\n  - car.2013-05-004\n')
    .replace('status: test', 'status: unsupported').replace('level: high', 'level: informational');
  const r = load(text);
  assert.deepEqual({ ...r.meta, threat: undefined }, {
    id: '11111111-2222-3333-4444-555555555555', name: 'T', severity: 'low', riskScore: 1, threat: undefined,
    tags: ['OS: Windows', 'attack.defense-evasion', 'attack.t1218.011', 'attack.t1218', 'car.2013-05-004'], maturity: 'unsupported',
  });
  assert.equal(r.meta.threat.length, 1);
  assert.equal(r.meta.threat[0]!.tactic.id, 'TA0005');
  assert.deepEqual(r.meta.threat[0]!.technique?.map((t) => [t.id, t.subtechnique?.map((s) => s.id)]), [['T1218', ['T1218.011']]]);
  const sel = selectRules([r], emptySelection());
  assert.deepEqual([sel.selected.length, sel.deprecated], [0, 1]);
  assert.equal(selectRules([r], { ...emptySelection(), includeDeprecated: true, techniques: ['T1218'], os: ['windows'] }).selected.length, 1);
  assert.equal(r.sigma?.level, 'informational');
});

test('sigma: what cannot be expressed is skipped with the rule, the construct and why; broken files are errors', () => {
  const dir = tmp();
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const skipped = (file: string) => {
    const o = loadRuleFile(file);
    assert.ok('skipped' in o);
    return o.skipped;
  };
  assert.match(skipped(write('agg.yml', rule('  sel:\n    Image: x\n  condition: sel | count() > 5'))), /^Sigma rule 'T': unsupported the aggregation '\| count\(\) > 5'/);
  assert.match(skipped(write('re.yml', rule("  sel:\n    Image|re: '(?<=a)b'\n  condition: sel"))), /selection 'sel': regular expression .*lookaround/);
  assert.match(skipped(write('mod.yml', rule('  sel:\n    Image|sha256: x\n  condition: sel'))), /modifier 'sha256'/);
  assert.match(skipped(write('ls.yml', rule('  sel:\n    a: x\n  condition: sel').replace('product: windows', 'product: aws'))), /log source \(product: aws/);
  assert.match(skipped(write('corr.yml', 'title: C\ncorrelation:\n  type: event_count\n  rules: [a]\n')), /correlation rule: not supported/);
  assert.match(skipped(write('multi.yml', `${rule('  sel:\n    Image: x\n  condition: sel')}---\ntitle: B\n`)), /several YAML documents/);
  assert.match(skipped(write('workflow.yml', 'name: ci\non: push\njobs: {}\n')), /not a Sigma rule/);
  for (const [name, text, reason] of [
    ['yaml.yml', 'title: [unclosed\n', /invalid YAML/],
    ['undefined.yml', rule('  sel:\n    Image: x\n  condition: other'), /condition names 'other'/],
    ['level.yml', rule('  sel:\n    Image: x\n  condition: sel').replace('level: high', 'level: severe'), /level must be one of/],
    ['dup.yml', rule('  sel:\n    Image: x\n    Image: y\n  condition: sel'), /invalid YAML.*[Uu]nique|invalid YAML/],
  ] as const) {
    const file = write(name, text);
    assert.throws(() => loadRuleFile(file), (e: unknown) => e instanceof RuleError && reason.test(e.reason), name);
  }
});

test('sigma: the regex translation keeps search semantics and anchors', () => {
  const t = (re: string, flags = '') => translateRegex(re, { i: flags.includes('i'), m: flags.includes('m'), s: flags.includes('s') });
  assert.deepEqual(t('^abc$'), { pattern: 'abc', caseInsensitive: false });
  assert.deepEqual(t('(?i)a.c'), { pattern: '.*a[^\n]c.*', caseInsensitive: true });
  assert.deepEqual(t('a.c', 's').pattern, '.*a.c.*');
  assert.equal(t('(^|\\\\)x\\.exe$').pattern, '(()|.*\\\\)x\\.exe');
  assert.equal(t('a(?:b|)c').pattern, '.*a(b|())c.*');
  assert.equal(t('x{2,3}?y+').pattern, '.*x{2,3}y+.*');
  for (const bad of ['a\\b', '(a)\\1', 'a(?=b)', 'a^b', '(?i:a)b']) assert.throws(() => t(bad), bad);
});

test('sigma: attacker-controlled text cannot break out of the EQL it becomes', () => {
  const r = load(rule("  sel:\n    Image: \"a\\\" or true or \\\"\\n\\u202e\"\n    'Weird Field`': x\n  condition: sel").replace("\n    'Weird Field`': x", "\n    'Weird Field': x"));
  assert.ok(!fires(r, { 'process.executable': 'x' }));
  assert.ok(fires(r, { 'process.executable': 'a" or true or "\n\u202e', 'winlog.event_data.Weird Field': 'X' }));
  assert.doesNotMatch(r.query, /[\n\u202e](?![ ]*(and|or) )/u);
});

test('sigma: every log-source category and Windows service of the tables gives a filter that compiles', () => {
  const dir = tmp();
  const categories = ['process_creation', 'process_termination', 'network_connection', 'dns_query', 'dns', 'file_event', 'file_create', 'file_change', 'file_delete',
    'image_load', 'driver_load', 'process_access', 'registry_event', 'registry_set', 'registry_add', 'registry_delete', 'registry_rename', 'create_remote_thread',
    'raw_access_thread', 'create_stream_hash', 'pipe_created', 'wmi_event', 'clipboard_capture', 'process_tampering', 'file_block_executable',
    'file_block_shredding', 'file_executable_detected', 'sysmon_status', 'sysmon_error', 'ps_script', 'ps_module', 'ps_classic_start',
    'ps_classic_provider_start', 'ps_classic_script', 'file_access', 'file_rename'];
  const services = ['security', 'system', 'application', 'sysmon', 'powershell', 'powershell-classic', 'windefend', 'applocker', 'security-mitigations', 'openssh'];
  const sources = [...categories.map((c) => `category: ${c}`), ...services.map((s) => `service: ${s}`)];
  for (const [i, source] of sources.entries()) {
    const file = path.join(dir, `r${i}.yml`);
    fs.writeFileSync(file, rule('  sel:\n    Image: x\n  condition: sel').replace('category: process_creation', source));
    const o = loadRuleFile(file);
    assert.ok('rule' in o, `${source}: ${'skipped' in o ? o.skipped : ''}`);
    assert.match(o.rule.query, /host\.os\.type == "windows"/, source);
  }
  const linux = path.join(dir, 'linux.yml');
  fs.writeFileSync(linux, rule('  sel:\n    Image|endswith: /curl\n  condition: sel').replace('product: windows', 'product: linux'));
  const o = loadRuleFile(linux);
  assert.ok('rule' in o);
  assert.match(o.rule.query, /^process where host\.os\.type == "linux" and event\.type == "start" and process\.executable : "\*\/curl"$/);
});

test('sigma: Defender event data named without spaces (or with underscores) reads the log\'s spaced names; other services keep the name', () => {
  const defender = rule('  sel:\n    SourceName: Real-Time Protection\n    ThreatName|endswith: EICAR_Test_File\n    Feature_Name: \'%%886\'\n    Path: x\n  condition: sel')
    .replace('category: process_creation', 'service: windefend');
  const r = load(defender);
  assert.match(r.query, /winlog\.event_data\.`Source Name` : "Real-Time Protection"/);
  assert.match(r.query, /winlog\.event_data\.`Threat Name` : "\*EICAR_Test_File"/);
  assert.match(r.query, /winlog\.event_data\.`Feature Name` : "%%886"/);
  assert.match(r.query, /winlog\.event_data\.Path : "x"/);
  const view = (data: Record<string, unknown>) => ({ 'winlog.channel': 'Microsoft-Windows-Windows Defender/Operational',
    ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined).map(([k, v]) => [`winlog.event_data.${k}`, v])) });
  const hit = { 'Source Name': 'Real-Time Protection', 'Threat Name': 'Virus:DOS/EICAR_Test_File', 'Feature Name': '%%886', Path: 'x' };
  assert.ok(fires(r, view(hit)), r.query);
  assert.ok(!fires(r, view({ ...hit, 'Source Name': undefined, SourceName: 'Real-Time Protection' })), r.query);
  const security = load(defender.replace('service: windefend', 'service: security'));
  assert.match(security.query, /winlog\.event_data\.SourceName : /);
});
