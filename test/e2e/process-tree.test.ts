import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseNdjson, ROOT, runCli } from '../helpers/run-cli.js';

// Issue #26: process trees. test/fixtures/process-tree/tree.ndjson holds a known tree (see the
// names; exit 1 below is the alerts): explorer → cmd → certutil (t-certutil) with two children started out of file order,
// 4 connections (unsorted), 1 DNS, 1 file, 1 registry event; on WS-2 processes named by pid
// alone, pid 1100 reused (certutil, later notepad); and an event naming no process.
const FIXTURE = 'test/fixtures/process-tree/tree.ndjson';
const at = (line: number) => ({ file: FIXTURE, line });

interface Info { name?: string; pid?: number; entity_id?: string; file?: string; line?: number; command_line?: string }
interface Tally { count: number; first: { '@timestamp': string; file: string; line: number; target: string }[] }
interface TreeRecord { process: Info & { events: Record<string, Tally> }; ancestry: Info[]; children: Info[]; unresolved: string[] }

async function treeJson(args: string[]): Promise<TreeRecord> {
  const run = await runCli(['tree', ...args, '--json']);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as TreeRecord;
}

test('lolhunt tree KEY: ancestry nearest first, children in start order, events counted with the earliest listed at file:line', async () => {
  const t = await treeJson(['t-certutil', FIXTURE]);
  assert.deepEqual({ name: t.process.name, file: t.process.file, line: t.process.line }, { name: 'certutil.exe', ...at(1) });
  assert.deepEqual(t.ancestry.map((p) => [p.name, p.file, p.line]), [['cmd.exe', FIXTURE, 11], ['explorer.exe', FIXTURE, 12]]);
  assert.deepEqual(t.children.map((p) => p.name), ['conhost.exe', 'p.exe']);
  const { network, dns, file, registry } = t.process.events;
  assert.equal(network!.count, 4, 'cmd.exe\'s connection is not certutil\'s');
  assert.deepEqual(network!.first.map((e) => [e.line, e.target]), [[3, '93.184.215.14:80'], [5, '93.184.215.16:8080'], [4, '93.184.215.15:80']]);
  assert.deepEqual([dns!.first[0]!.target, file!.count, registry!.first[0]!.target], ['payload.example.com', 1, 'HKLM\\Software\\Evil']);
  assert.deepEqual(t.unresolved, ['ancestry stops at explorer.exe (pid 100): parent not found in the inputs (pid 4 on WS-1)']);
});

test('lolhunt tree prints the tree root first, escaped, and the unresolved end', async () => {
  const run = await runCli(['tree', 't-certutil', FIXTURE]);
  assert.equal(run.code, 0, run.stderr);
  const names = [...run.stdout.matchAll(/^[\s│├└─]*(\S+\.exe) \(pid/gm)].map((m) => m[1]);
  assert.deepEqual(names, ['explorer.exe', 'cmd.exe', 'certutil.exe', 'conhost.exe', 'p.exe']);
  assert.doesNotMatch(run.stdout, /\x1b/, 'no raw escape from the log reaches the terminal');
  assert.match(run.stdout, /\\x1b\[31m<script>/);
  assert.match(run.stdout, /network events: 4\n.*:3\n.*:5\n.*:4\n\s+… 1 more\n/);
  assert.match(run.stdout, /^unresolved: ancestry stops at explorer\.exe/m);
});

test('by pid: the latest start of a reused pid, and alerts find the start their time falls after', async () => {
  const last = await treeJson(['--pid', '1100', '--host', 'WS-2', FIXTURE]);
  assert.equal(last.process.name, 'notepad.exe');
  assert.deepEqual(last.process.events.network!.first.map((e) => e.target), ['198.51.100.8:80']);
  const run = await runCli(['query', 'process where process.name == "certutil.exe"', FIXTURE, '--process-trees', '--format', 'ndjson', '-q']);
  const trees = parseNdjson(run.stdout).map((a) => a.process_tree as TreeRecord);
  assert.equal(trees.length, 3);
  const [byEntity, byPid, none] = trees;
  assert.equal(byEntity!.process.entity_id, 't-certutil');
  assert.deepEqual([byPid!.process.name, byPid!.process.pid, byPid!.ancestry.map((p) => p.name)], ['certutil.exe', 1100, ['winword.exe']]);
  assert.deepEqual(byPid!.process.events.network!.first.map((e) => e.target), ['198.51.100.7:80'], 'not notepad\'s connection on the reused pid');
  assert.deepEqual(byPid!.children, [], 'notepad (pid 1000\'s child) is not certutil\'s');
  assert.deepEqual(none!.unresolved, ["no entity id or pid on this alert's events"]);
});

test('a key the inputs do not hold: exit 1 and says so', async () => {
  const run = await runCli(['tree', 'no-such-process', FIXTURE]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /no start or event of this process in 19 documents read/);
  assert.match(run.stdout, /^unresolved: process start not found in the inputs \(entity id no-such-process\)$/m);
});

test('scan: ndjson and json have process_tree only with --process-trees; table refuses it', async () => {
  const plain = await runCli(['scan', FIXTURE, '--format', 'ndjson', '-q']);
  assert.equal(plain.code, 1, plain.stderr);
  const alerts = parseNdjson(plain.stdout);
  assert.equal(alerts.length, 1, 'the built-in certutil rule fires once');
  assert.equal(alerts[0]!.process_tree, undefined);
  const withTrees = await runCli(['scan', FIXTURE, '--format', 'json', '--process-trees', '-q']);
  const json = JSON.parse(withTrees.stdout) as { alerts: { process_tree: TreeRecord; events: unknown[] }[] };
  assert.deepEqual(json.alerts[0]!.process_tree.ancestry.map((p) => p.name), ['cmd.exe', 'explorer.exe']);
  assert.deepEqual(json.alerts[0]!.events, alerts[0]!.events, 'the alert itself is unchanged');
  const table = await runCli(['scan', FIXTURE, '--format', 'table', '--process-trees']);
  assert.equal(table.code, 2);
  assert.match(table.stderr, /--process-trees shows in html, json, ndjson output, not table/);
});

test('html reports hold the tree as nested <details>, escaped, unless --no-process-trees', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lolhunt-tree-'));
  try {
    const report = path.join(dir, 'r.html');
    assert.equal((await runCli(['scan', FIXTURE, '-o', report, '-q'])).code, 1);
    const html = fs.readFileSync(report, 'utf8');
    assert.match(html, /<details class="tree"><summary>Process tree \(2 parents, 2 children\)<\/summary>/);
    // The root is outermost: explorer's <details> opens before cmd's, before certutil's.
    const order = ['explorer.exe (pid 100)', 'cmd.exe (pid 200)', 'certutil.exe (pid 300) <b>◀ this alert</b>', 'conhost.exe (pid 301)'].map((s) => html.indexOf(`<summary>${s}`));
    assert.ok(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!)), `tree order ${order}`);
    assert.doesNotMatch(html, /<script|\x1b/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /<summary>network events: 4<\/summary>/);
    assert.equal((await runCli(['scan', FIXTURE, '-o', report, '-q', '--no-process-trees'])).code, 1);
    assert.doesNotMatch(fs.readFileSync(report, 'utf8'), /Process tree/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the index is bounded by --max-processes, and says so', async () => {
  const run = await runCli(['scan', FIXTURE, '--format', 'ndjson', '--process-trees', '--max-processes', '2', '-q']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /process trees: the index was full: 6 process starts past the first 2 left out \(--max-processes\)/);
  const tree = parseNdjson(run.stdout)[0]!.process_tree as TreeRecord;
  assert.match(tree.unresolved.join('\n'), /the process index was full: 6 process starts past the first 2 were left out/);
});

// Real captures (../shared/realdata, see its README), by path.
const REALDATA = path.resolve(ROOT, '../shared/realdata');
const absent = !fs.existsSync(REALDATA);

test('real Sysmon .evtx: a five-parent chain by ProcessGuid, typed in upper case', { skip: absent }, async () => {
  const evtx = path.join(REALDATA, 'evtx-attack-samples/Execution/exec_sysmon_1_11_lolbin_rundll32_openurl_FileProtocolHandler.evtx');
  const t = await treeJson(['365ABB72-21B9-5CD8-0000-0010FC002700', evtx]);
  assert.equal(t.process.name, 'calc.exe');
  assert.deepEqual(t.ancestry.map((p) => p.name), ['mshta.exe', 'rundll32.exe', 'cmd.exe', 'rundll32.exe', 'python.exe']);
  assert.ok(t.ancestry.every((p) => p.file === evtx && Number.isInteger(p.line)), 'each start at the .evtx record it came from');
  assert.match(t.unresolved[0]!, /^ancestry stops at python\.exe \(pid 1332\): parent not found in the inputs \(entity id 365abb72-15de-5cd8-0000-001028c20a00\)$/);
  const mshta = await treeJson(['365abb72-21b8-5cd8-0000-0010e4e82600', evtx]);
  assert.deepEqual(mshta.children.map((p) => p.name), ['calc.exe']);
});

test('real OTRF zip (flat Sysmon): the InstallUtil alert\'s tree, with its own connection and DNS query', { skip: absent }, async () => {
  const zip = path.join(REALDATA, 'otrf-security-datasets/defense_evasion/host/covenant_installutil.zip');
  const run = await runCli(['scan', zip, '--format', 'ndjson', '--process-trees', '-q']);
  assert.equal(run.code, 1, run.stderr);
  const [alert] = parseNdjson(run.stdout) as { process_tree: TreeRecord; events: { file: string }[] }[];
  const t = alert!.process_tree;
  assert.deepEqual([t.process.name, t.ancestry.map((p) => p.name)], ['InstallUtil.exe', ['cmd.exe']]);
  assert.equal(t.process.file, alert!.events[0]!.file, 'the same file:line terms as the alert');
  assert.deepEqual([t.process.events.network!.count, t.process.events.dns!.first[0]!.target], [1, 'WORKSTATION5']);
  assert.match(t.unresolved[0]!, /^ancestry stops at cmd\.exe .*parent not found in the inputs \(entity id \{b34bc01c-0266-5f65-540c-000000000400\}\)$/);
});

test('stdin cannot be read twice: --process-trees is refused, an html report goes without trees and says so', async () => {
  const stdin = fs.readFileSync(path.join(ROOT, FIXTURE));
  const refused = await runCli(['scan', '-', '--process-trees', '--format', 'ndjson'], { stdin });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--process-trees reads the inputs twice: give files, not stdin/);
  const html = await runCli(['scan', '-', '--format', 'html'], { stdin });
  assert.equal(html.code, 1, html.stderr);
  assert.match(html.stderr, /no process trees in the report: stdin cannot be read a second time/);
  assert.doesNotMatch(html.stdout, /Process tree/);
  assert.match(html.stdout, /certutil\.exe/);
});
