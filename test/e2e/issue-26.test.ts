import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { ndjson, tmpDir } from '../helpers/telemetry.js';

// Issue #26 ("the responder's view"): each item through bin/lolhunt as a user runs it.

const at = (s: number) => new Date(Date.UTC(2024, 4, 14, 9) + s * 1000).toISOString();

function rule(dir: string, file: string, name: string, query: string, extra = ''): void {
  fs.writeFileSync(path.join(dir, file), `[metadata]\ncreation_date = "2024/01/01"\n\n[rule]\nauthor = ["t"]\nname = "${name}"\nrule_id = "${file}"\ndescription = "d"\nseverity = "high"\nrisk_score = 73\ntype = "eql"\nlanguage = "eql"\nlicense = "Elastic License v2"\n${extra}query = '''\n${query}\n'''\n`);
}

test('issue-26 item 3: field suggestions only within a namespace, per-file warnings folded into one line', async () => {
  const dir = tmpDir();
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  rule(rules, 'url.toml', 'Url Rule', 'any where url.path : "/x" and rule.name : "y"');
  rule(rules, 'typo.toml', 'Typo Rule', 'any where process.nmae : "a.exe"');
  rule(rules, 'cat.toml', 'Cat Rule', 'process where process.name : "a.exe"');
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs);
  for (let i = 0; i < 12; i++) {
    fs.writeFileSync(path.join(logs, `f${i}.ndjson`), ndjson([{ '@timestamp': at(i), dll: { path: 'C:\\x.dll' }, RuleName: 'r', process: { name: 'b.exe' } }]));
  }
  const run = await runCli(['scan', '--rules', rules, logs, '--format', 'ndjson']);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /did you mean 'dll\.path'/);
  assert.doesNotMatch(run.stderr, /did you mean 'RuleName'/);
  assert.match(run.stderr, /'process\.nmae'.*did you mean 'process\.name'/);
  const category = run.stderr.split('\n').filter((l) => l.includes('events has event.category'));
  assert.equal(category.length, 1, run.stderr);
  assert.match(category[0]!, /12 files: none of their 12 events has event\.category.*--verbose names them/);
  assert.ok(run.stderr.trimEnd().split('\n').length < 25, run.stderr);
  const verbose = await runCli(['scan', '--rules', rules, logs, '--format', 'ndjson', '--verbose']);
  assert.match(verbose.stderr, /f11\.ndjson: none of its 1 events has event\.category/);
});

test('issue-26 item 4: the markdown report lists the most severe alerts first, then the earliest, and says how many are not shown', async () => {
  const dir = tmpDir();
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  const sev = (file: string, name: string, severity: string, proc: string) =>
    fs.writeFileSync(path.join(rules, file), `[rule]\nname = "${name}"\nrule_id = "${file}"\ndescription = "d"\nseverity = "${severity}"\nrisk_score = 21\ntype = "eql"\nlanguage = "eql"\nquery = '''\nprocess where process.name : "${proc}"\n'''\n`);
  sev('low.toml', 'Low One', 'low', 'low.exe');
  sev('high.toml', 'High One', 'high', 'high.exe');
  // 60 low alerts first in time, then 10 high ones: the report keeps 50, all 10 high ones first.
  const docs = [
    ...Array.from({ length: 60 }, (_, i) => ({ '@timestamp': at(i), event: { category: ['process'] }, process: { name: 'low.exe' } })),
    ...Array.from({ length: 10 }, (_, i) => ({ '@timestamp': at(100 + i), event: { category: ['process'] }, process: { name: 'high.exe' } })),
  ];
  fs.writeFileSync(path.join(dir, 'a.ndjson'), ndjson(docs));
  const run = await runCli(['scan', '--rules', rules, path.join(dir, 'a.ndjson'), '--format', 'markdown']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /## Alerts \(50 of 70, most severe first; 20 not shown\)/);
  const rows = run.stdout.split('\n').filter((l) => /^\| 2024-/.test(l));
  assert.equal(rows.length, 50);
  assert.ok(rows.slice(0, 10).every((r) => r.includes('High One')), rows.slice(0, 11).join('\n'));
  assert.ok(rows.slice(10).every((r) => r.includes('Low One')));
  const times = rows.slice(0, 10).map((r) => r.split(' | ')[0]);
  assert.deepEqual(times, [...times].sort(), 'within a severity, by time');
});

test('issue-26 item 6: the query --help examples run on samples/, rules show suggests a name with a suffix, the summary window honours --tz', async () => {
  const help = await runCli(['query', '--help']);
  assert.doesNotMatch(help.stdout, /\$ lolhunt query --timestamp-field event\.created/);
  const tie = await runCli(['query', '--tiebreaker-field', 'event.id', 'any where true', 'samples/']);
  assert.equal(tie.code, 1, tie.stderr);
  const show = await runCli(['rules', 'show', 'Suspicious Outbound Network Connection via Unsigned Binary (macOS)']);
  assert.equal(show.code, 2);
  assert.match(show.stderr, /did you mean 'Suspicious Outbound Network Connection via Unsigned Binary'/);
  const tz = await runCli(['scan', 'samples/', '--from', '2024-05-14T09:00:00Z', '--to', '2024-05-14T10:00:00Z', '--tz', 'Europe/Berlin', '--format', 'ndjson']);
  assert.match(tz.stderr, /^window\s+2024-05-14T11:00:00\.000\+02:00 to 2024-05-14T12:00:00\.000\+02:00/m, tz.stderr);
});

test('issue-26 item 7: a Kibana es_archiver file (pretty, concatenated; and gzipped as data.json.gz) is read as its source documents', async () => {
  const fixture = path.join('test', 'fixtures', 'es-archiver', 'data.json');
  const run = await runCli(['scan', fixture, '--format', 'ndjson']);
  assert.equal(run.code, 1, run.stderr);
  const alerts = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: { name: string }; events: { file: string; line: number; source: Record<string, unknown> }[] });
  assert.equal(alerts.length, 1, run.stderr);
  assert.equal(alerts[0]!.rule.name, 'Network Connection via Certutil');
  assert.equal(alerts[0]!.events[0]!.line, 1);
  assert.equal((alerts[0]!.events[0]!.source.process as { name: string }).name, 'certutil.exe');
  assert.equal(alerts[0]!.events[0]!.source.type, undefined, 'the document, not the es_archiver record');
  assert.doesNotMatch(run.stderr, /value\.source/);
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'data.json.gz'), zlib.gzipSync(fs.readFileSync(path.join(ROOT, fixture))));
  // Its mappings.json beside it describes the index: no event, and no bad line either.
  fs.writeFileSync(path.join(dir, 'mappings.json'), JSON.stringify({ type: 'index', value: { index: 'logs-x', mappings: { properties: {} } } }, null, 2) + '\n');
  const gz = await runCli(['scan', dir, '--format', 'ndjson', '--strict']);
  assert.equal(gz.code, 1, gz.stderr);
  assert.equal(gz.stdout.trim().split('\n').length, 1);
  assert.match(gz.stderr, /^bad lines\s+0$/m);
});

test('issue-26 item 5: the README says how lolhunt gets on PATH, and no CI snippet installs it from the registry', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  assert.match(readme, /`npx lolhunt …`, or run `npm link` once/);
  assert.doesNotMatch(readme, /npm install --global lolhunt/);
  assert.match(readme, /- run: cd lolhunt && npm ci && npm link/);
});

test('issue-26 item 2: building-block rules are left out (summary says so, exit code unaffected) unless --building-blocks, and marked in every format', async () => {
  const dir = tmpDir();
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  rule(rules, 'bb.toml', 'Block Rule', 'process where process.name : "a.exe"', 'building_block_type = "default"\n');
  rule(rules, 'plain.toml', 'Plain Rule', 'process where process.name : "zzz.exe"');
  const log = path.join(dir, 'a.ndjson');
  fs.writeFileSync(log, ndjson([{ '@timestamp': at(0), event: { category: ['process'] }, host: { name: 'H1' }, process: { name: 'a.exe' } }]));
  const hidden = await runCli(['scan', '--rules', rules, log, '--format', 'ndjson']);
  assert.equal(hidden.code, 0, hidden.stderr);
  assert.equal(hidden.stdout, '');
  assert.match(hidden.stderr, /^rules\s+1 ran \(left out: 1 building blocks: --building-blocks runs them\)/m);
  assert.match(hidden.stderr, /^alerts\s+0$/m);
  const shown = await runCli(['scan', '--rules', rules, log, '--format', 'ndjson', '--building-blocks']);
  assert.equal(shown.code, 1, shown.stderr);
  assert.equal((JSON.parse(shown.stdout) as { rule: { building_block: boolean } }).rule.building_block, true);
  assert.match(shown.stderr, /1\s+high\s+Block Rule \[building block\]/);
  const formats: [string, RegExp][] = [['json', /"building_block":true/], ['csv', /,building_block\r\n[\s\S]*,true\r\n$/], ['markdown', /Block Rule \\\[building block\\\]/], ['html', /Block Rule \[building block\]/], ['table', /Block Rule \[building block\]/]];
  for (const [format, mark] of formats) {
    const run = await runCli(['scan', '--rules', rules, log, '--format', format, '--building-blocks']);
    assert.match(run.stdout, mark, format);
  }
  // Without the flag, a plain rule's alert is untouched by the mark.
  const plain = await runCli(['scan', 'samples/', '--format', 'ndjson']);
  assert.doesNotMatch(plain.stdout, /building_block/);
});

test('issue-26 item 8: html cards show command line, parent and user (escaped); the timeline caps its lanes and keeps dots inside them', async () => {
  const dir = tmpDir();
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  for (let r = 0; r < 20; r++) rule(rules, `r${r}.toml`, `Rule ${String(r).padStart(2, '0')}`, `process where process.name : "p${r}.exe"`);
  const docs = [];
  for (let r = 0; r < 20; r++) {
    for (let k = 0; k <= r; k++) {
      docs.push({ '@timestamp': at(k), event: { category: ['process'] }, host: { name: 'H1' }, user: { name: '<b>eve</b>' },
        process: { name: `p${r}.exe`, command_line: `p${r}.exe -x "<i>"`, parent: { name: 'explorer.exe', executable: 'C:\\Windows\\explorer.exe' } } });
    }
  }
  const log = path.join(dir, 'a.ndjson');
  fs.writeFileSync(log, ndjson(docs));
  const run = await runCli(['scan', '--rules', rules, log, '--format', 'html']);
  assert.equal(run.code, 1, run.stderr);
  const html = run.stdout;
  assert.match(html, /user &lt;b&gt;eve&lt;\/b&gt;/);
  assert.doesNotMatch(html, /<b>eve/);
  assert.match(html, /command line <code>p19\.exe -x &quot;&lt;i&gt;&quot;<\/code>/);
  assert.match(html, /parent <code>explorer\.exe · C:\\Windows\\explorer\.exe<\/code>/);
  const svg = /<svg id="timeline"[\s\S]*?<\/svg>/.exec(html)![0];
  const laneYs = [...svg.matchAll(/<line x1="\d+" x2="\d+" y1="(\d+)" y2="\1" stroke="#eee"\/>/g)].map((m) => Number(m[1]));
  assert.equal(laneYs.length, 12);
  assert.match(svg, />\+9 more rules</);
  assert.match(svg, />Rule 19</, 'the rules with most alerts keep their own lanes');
  for (const m of svg.matchAll(/cy="([\d.]+)" r="(\d+)"/g)) {
    const cy = Number(m[1]);
    const center = laneYs.reduce((a, b) => (Math.abs(b - cy) < Math.abs(a - cy) ? b : a));
    assert.ok(Math.abs(cy - center) + Number(m[2]) <= 12, `dot at ${cy} spills out of the lane at ${center}`);
  }
});

test('issue-26 item 1: the table is sorted by first-event time, keeps words whole, shows paths below the inputs\' folder, and takes --columns', async () => {
  const dir = tmpDir();
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  rule(rules, 'seq.toml', 'Late Sequence', 'sequence by process.entity_id [process where process.name : "s.exe"] [network where true]');
  rule(rules, 'evt.toml', 'Early Event', 'process where process.name : "e.exe"');
  const logs = path.join(dir, 'logs', 'host-a');
  fs.mkdirSync(logs, { recursive: true });
  const host = { name: 'MSEDGEWIN10' };
  fs.writeFileSync(path.join(logs, 'export.ndjson'), ndjson([
    { '@timestamp': at(10), event: { category: ['process'] }, host, process: { entity_id: 'p1', name: 's.exe' } },
    { '@timestamp': at(60), event: { category: ['process'] }, host, process: { entity_id: 'p2', name: 'e.exe' } },
    { '@timestamp': at(300), event: { category: ['network'] }, host, process: { entity_id: 'p1', name: 's.exe' }, destination: { ip: '151.101.0.133', port: 443 } },
  ]));
  for (const columns of ['80', '120', '160']) {
    const run = await runCli(['scan', '--rules', rules, path.join(dir, 'logs'), '--format', 'table', '--columns', columns]);
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stdout.split('\n');
    assert.ok(lines.every((l) => l.length <= Number(columns)), `wider than ${columns}:\n${run.stdout}`);
    const late = lines.findIndex((l) => l.includes('Late Sequence') || l.includes('Late'));
    const early = lines.findIndex((l) => l.includes('Early Event') || l.includes('Early'));
    assert.ok(late > 0 && early > late, `sorted by first-event time (09:00:10 above 09:01:00) at ${columns}:\n${run.stdout}`);
    assert.match(run.stdout, /(in |…).*logs\//, 'the folder the paths are relative to');
    assert.match(run.stdout, /│ host-a\//, `a path below the inputs' folder at ${columns}:\n${run.stdout}`);
    assert.match(run.stdout, /export\.ndjson:1/);
    assert.doesNotMatch(run.stdout, new RegExp(`${dir.replace(/[/\\]/g, '.')}/logs/host-a`), 'not the full path');
    if (run.stdout.includes('MSEDGEWIN')) assert.match(run.stdout, /MSEDGEWIN10|MSEDGEWIN…/, `host split mid-word at ${columns}`);
    if (run.stdout.includes('151.101')) assert.match(run.stdout, /151\.101\.0\.133:443|151\.101\.0\.13…/, `address split mid-word at ${columns}`);
  }
  const wide = await runCli(['scan', '--rules', rules, path.join(dir, 'logs'), '--format', 'table', '--wide']);
  assert.match(wide.stdout, /│ MSEDGEWIN10 +│/);
  assert.match(wide.stdout, /151\.101\.0\.133:443/);
});

test('issue-26 item 3: the summary stays under 25 lines with many bad lines, many firing rules and many warnings; --verbose has the details', async () => {
  const dir = tmpDir();
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  for (let r = 0; r < 15; r++) rule(rules, `r${r}.toml`, `Rule ${r}`, `any where process.name : "p${r}.exe"`);
  rule(rules, 'cat.toml', 'Cat Rule', 'process where process.name : "zzz.exe"');
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs);
  fs.writeFileSync(path.join(logs, 'bad.ndjson'), Array.from({ length: 30 }, (_, i) => `{not json ${i}`).join('\n') + '\n');
  for (let r = 0; r < 15; r++) fs.writeFileSync(path.join(logs, `f${r}.ndjson`), ndjson([{ '@timestamp': at(r), process: { name: `p${r}.exe` } }]));
  const run = await runCli(['scan', '--rules', rules, logs, '--format', 'ndjson']);
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stderr.trimEnd().split('\n');
  assert.ok(lines.length < 25, `${lines.length} lines:\n${run.stderr}`);
  assert.match(run.stderr, /more rules with alerts \(--verbose lists them\)/);
  const verbose = await runCli(['scan', '--rules', rules, logs, '--format', 'ndjson', '--verbose']);
  assert.ok(verbose.stderr.split('\n').length > lines.length);
  assert.match(verbose.stderr, /Rule 14/);
  assert.match(verbose.stderr, /bad\.ndjson:10:/);
});
