import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, ROOT, runCli } from '../helpers/run-cli.js';

// Real captures (../shared/realdata, see its README): used by path, never copied.
const REALDATA = path.resolve(ROOT, '../shared/realdata');
const OTRF = path.join(REALDATA, 'otrf-security-datasets');
const absent = !fs.existsSync(REALDATA);
if (absent) console.log(`# skipped: real-data end-to-end tests (${REALDATA} is absent)`);

type Doc = Record<string, unknown>;
const readNdjson = (file: string): Doc[] => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Doc);
/** The subset files (the folder also holds the original .zip archives, which a folder scan now opens). */
const subsets = () => fs.readdirSync(OTRF, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.lolbin-subset.ndjson')).sort().map((f) => path.join(OTRF, f));
const subset = (name: string) => fs.readdirSync(OTRF, { recursive: true, encoding: 'utf8' }).map((f) => path.join(OTRF, f)).find((f) => f.endsWith(`${name}.lolbin-subset.ndjson`))!;
const base = (image: unknown) => String(image).split('\\').pop()!;

/** The process start of `image` in a subset, its 1-based line and its (lower-cased) GUID, and the line of its first connection (event 3). */
function startAndConnection(file: string, image: string): { guid: string; start: number; connection: number } {
  const docs = readNdjson(file);
  const start = docs.findIndex((d) => d.EventID === 1 && base(d.Image).toLowerCase() === image);
  const guid = String(docs[start]!.ProcessGuid).toLowerCase();
  const connection = docs.findIndex((d) => d.EventID === 3 && String(d.ProcessGuid).toLowerCase() === guid);
  assert.ok(start >= 0 && connection >= 0, `${image} in ${file}`);
  return { guid, start: start + 1, connection: connection + 1 };
}

test('OTRF regsvr32 and InstallUtil subsets: the built-in rules fire with no option', { skip: absent }, async () => {
  const regsvr32 = subset('empire_launcher_sct_regsvr32');
  const installutil = subset('covenant_installutil');
  const run = await runCli(['scan', regsvr32, installutil, '--format', 'ndjson']);
  assert.equal(run.code, 1, run.stderr);
  const alerts = parseNdjson(run.stdout) as { rule: { name: string }; join_keys: string[]; events: { file: string; line: number }[] }[];
  // Both connect to 10.10.10.5 (private): only the rule with no destination filter can fire.
  const want = [startAndConnection(regsvr32, 'regsvr32.exe'), startAndConnection(installutil, 'installutil.exe')];
  assert.deepEqual(
    alerts.map((a) => [a.rule.name, a.join_keys, a.events.map((e) => e.line)]),
    want.map((w) => ['Unusual Network Activity from a Windows System Binary', [w.guid], [w.start, w.connection]]),
  );
  assert.match(run.stderr, new RegExp(`^shapes +sysmon-flat ${readNdjson(regsvr32).length + readNdjson(installutil).length}$`, 'm'));
  assert.match(run.stderr, /^bad lines +0$/m);
});

test('OTRF subsets with --no-normalize: no alert, and the summary says why', { skip: absent }, async () => {
  const installutil = subset('covenant_installutil');
  const run = await runCli(['scan', installutil, '--format', 'ndjson', '--no-normalize']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, new RegExp(`warning: ${installutil.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: none of its ${readNdjson(installutil).length} events has any field the rules read \\(event\\.category, .*\\); shape sysmon-flat`));
});

test('query: sequence by process.entity_id joins InstallUtil, regsvr32 and WMIC to their own traffic, not MSBuild to its child\'s', { skip: absent }, async () => {
  const run = await runCli(['query', 'sequence by process.entity_id [process where true] [network where true]', ...subsets(), '--format', 'ndjson']);
  assert.equal(run.code, 1, run.stderr);
  const alerts = parseNdjson(run.stdout) as { join_keys: string[]; events: { source: Doc }[] }[];
  const joined = alerts.map((a) => base(a.events[0]!.source.Image)).sort();
  assert.deepEqual(joined, ['InstallUtil.exe', 'WMIC.exe', 'WMIC.exe', 'regsvr32.exe']);
  for (const a of alerts) assert.equal(String(a.events[0]!.source.ProcessGuid).toLowerCase(), String(a.events[1]!.source.ProcessGuid).toLowerCase());
  const msbuild = readNdjson(subset('empire_msbuild_dcerpc_wmi_smb'));
  const msbuildGuid = String(msbuild.find((d) => base(d.Image) === 'MSBuild.exe')!.ProcessGuid).toLowerCase();
  const children = msbuild.filter((d) => String(d.ParentProcessGuid).toLowerCase() === msbuildGuid).map((d) => String(d.ProcessGuid).toLowerCase());
  assert.ok(children.length > 0);
  for (const a of alerts) assert.ok(![msbuildGuid, ...children].includes(a.join_keys[0]!), `joined ${a.join_keys[0]}`);
  // The WMIC set has UtcTime but no @timestamp: mapped, none of its events is dropped.
  assert.match(run.stderr, /^bad lines +0$/m);
});

/** Documents a file holds: NDJSON lines, or a pretty-printed array or single document. */
function documentCount(file: string): number {
  if (file.endsWith('.ndjson')) return readNdjson(file).length;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  return Array.isArray(parsed) ? parsed.length : 1;
}

test('winlogbeat raw shapes and Elastic sample events normalize to ECS with 0 bad lines', { skip: absent }, async () => {
  const dirs = ['winlogbeat', 'elastic-endpoint-package', 'elastic-integrations'].map((d) => path.join(REALDATA, d));
  const files = dirs.flatMap((d) => fs.readdirSync(d, { recursive: true, encoding: 'utf8' }).map((f) => path.join(d, f)).filter((f) => /\.(nd)?json$/.test(f)));
  const total = files.reduce((n, f) => n + documentCount(f), 0);
  const run = await runCli(['normalize', ...dirs]);
  assert.equal(run.code, 0, run.stderr);
  const docs = parseNdjson(run.stdout) as Record<string, any>[];
  assert.equal(docs.length, total);
  assert.match(run.stderr, new RegExp(`^normalized ${total} documents \\(shapes: .*\\), 0 bad lines, 0 file errors$`, 'm'));
  for (const d of docs) {
    assert.ok(d['@timestamp'] && d.event?.category, JSON.stringify(d).slice(0, 200));
    if (d.winlog) {
      assert.equal(d.host.os.type, 'windows');
      if (d.process?.entity_id) assert.equal(d.process.entity_id, d.process.entity_id.toLowerCase());
    }
  }
  const rawDir = path.join(REALDATA, 'winlogbeat', 'winlogbeat-8x-raw-collection');
  const rawTotal = fs.readdirSync(rawDir).reduce((n, f) => n + documentCount(path.join(rawDir, f)), 0);
  const raw = await runCli(['normalize', rawDir]);
  assert.match(raw.stderr, new RegExp(`^normalized ${rawTotal} documents \\(shapes: winlogbeat-raw ${rawTotal}\\), 0 bad lines`, 'm'));
  for (const d of parseNdjson(raw.stdout) as Record<string, any>[]) {
    assert.ok(d.event.category && d.process.name && d.process.entity_id, 'raw winlogbeat documents gained ECS process fields');
  }
  const scan = await runCli(['scan', ...dirs, '--format', 'ndjson']);
  assert.match(scan.stderr, new RegExp(`^events +${total}$`, 'm'));
  assert.match(scan.stderr, /^bad lines +0$/m);
});

// Elastic's own Windows rules over the mapped OTRF subsets (set LOLHUNT_DETECTION_RULES to an
// elastic/detection-rules checkout, as `npm run rules-corpus` does).
const DETECTION_RULES = process.env.LOLHUNT_DETECTION_RULES;
const noRules = absent || !DETECTION_RULES || !fs.existsSync(path.join(DETECTION_RULES, 'rules', 'windows'));
if (noRules) console.log('# skipped: Elastic detection-rules over OTRF (set LOLHUNT_DETECTION_RULES to a checkout)');

test('Elastic\'s Windows rules fire on the mapped OTRF subsets', { skip: noRules }, async () => {
  const run = await runCli(['scan', ...subsets(), '--rules', path.join(DETECTION_RULES!, 'rules', 'windows'), '--format', 'ndjson', '-q']);
  assert.equal(run.code, 1, run.stderr);
  const fired = (parseNdjson(run.stdout) as { rule: { name: string }; events: { file: string }[] }[])
    .map((a) => `${a.rule.name} @ ${path.basename(a.events[0]!.file).replace('.lolbin-subset.ndjson', '')}`);
  for (const want of [
    'InstallUtil Process Making Network Connections @ covenant_installutil',
    'Script Execution via Microsoft HTML Application @ cmd_mshta_javascript_getobject_sct',
    'Connection to Commonly Abused Web Services @ wmic_remote_xsl_jscript',
  ]) assert.ok(fired.includes(want), `${want} not in:\n${fired.join('\n')}`);
});

test('reports show flat Sysmon alerts through the ECS view the rules saw (process, host, destination)', { skip: absent }, async () => {
  const regsvr32 = subset('empire_launcher_sct_regsvr32');
  const csv = await runCli(['scan', regsvr32, '--format', 'csv']);
  assert.equal(csv.code, 1, csv.stderr);
  assert.match(csv.stdout, /regsvr32\.exe/i);
  assert.match(csv.stdout, /10\.10\.10\.5/);
  const table = await runCli(['scan', regsvr32, '--format', 'table', '--wide']);
  assert.match(table.stdout, /regsvr32\.exe \(\d+\)/);
  const raw = await runCli(['scan', regsvr32, '--format', 'csv', '--no-normalize']);
  assert.equal(raw.code, 0, 'without the ECS view no rule can fire on flat Sysmon');
});
